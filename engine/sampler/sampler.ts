import * as ort from 'onnxruntime-node';
import { createSession, type Device, type SessionTuning } from '../device';
import type { CachedDecoder } from './decoder';
import { leftPadPrompts, type PaddedPrompts } from './prompts';
import {
  PAST_KEY,
  PAST_VALUE,
  buildLoopGraph,
  buildPrefillGraph,
  buildStepGraph,
  type RolloutGraph,
} from './rollout-graphs';
import { uniformsForBatch, type SampleSeed } from './rng';
import { sampleWalkFor, walkReadsTopP, type SampleWalk } from './sample-head';

export interface SamplingOptions {
  maxNewTokens: number;
  /** Default 1. 0 means greedy. */
  temperature?: number;
  /** Nucleus mass in (0, 1]; default 1 (no truncation). */
  topP?: number;
  /** Keep only the k most likely tokens, before top_p; 0 or undefined keeps all. */
  topK?: number;
  /** A completion ends right after emitting one of these (it is kept as its last token). */
  stopTokens: readonly number[];
  /** Fed to and emitted by rows that have already stopped. */
  padToken: number;
}

export interface SampleRequest {
  /** Token ids of each prompt (need not be the same length). */
  prompts: readonly (readonly number[])[];
  /** One seed per prompt row; see deriveSampleSeed. */
  seeds: readonly SampleSeed[];
}

export interface Completion {
  /** Generated tokens, ending with the stop token when finishReason is 'stop'. */
  tokens: number[];
  /**
   * log π(token | context) of each generated token under the policy itself — temperature 1 and
   * no top-p — which is what GRPO's ratio and KL need, whatever the sampling settings were.
   */
  logprobs: number[];
  finishReason: 'stop' | 'length';
}

/** 'loop': the whole rollout in one ONNX Loop run (fast). 'step': prefill, then one run per token. */
export type RolloutPath = 'loop' | 'step';

export interface SamplerOptions extends SessionTuning {
  /** default 'cpu' */
  device?: Device;
  /** Rows per graph run; larger requests are split (default 64). */
  maxBatchRows?: number;
}

/** Host parameters by name (the model's Params record or a Map). */
export type ParamSource = Readonly<Record<string, Float32Array>> | ReadonlyMap<string, Float32Array>;

type Feeds = Record<string, ort.Tensor>;

/**
 * Samples completions from a decoder. Randomness comes only from the per-row seeds: row b uses
 * uniform t of its own stream for its t-th token, so a completion depends on its prompt, seed and
 * parameters — not on which other rows share its batch (up to float rounding of the logits, which
 * can differ with padding width and only matters when a uniform falls within ~1e-7 of a boundary).
 */
export class RolloutSampler {
  /** Compiled sessions by graph and sampling walk (see SampleWalk), e.g. 'loop:whole'. */
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private readonly cacheOutputs = new Map<string, RolloutGraph['present']>();
  private paramFeeds: Feeds = {};

  private constructor(
    readonly decoder: CachedDecoder,
    private readonly options: SamplerOptions,
  ) {}

  static create(decoder: CachedDecoder, params: ParamSource, options: SamplerOptions = {}): RolloutSampler {
    const sampler = new RolloutSampler(decoder, options);
    sampler.setParams(params);
    return sampler;
  }

  /** Swaps in new weights; compiled sessions are kept (parameters are graph inputs). */
  setParams(params: ParamSource): void {
    const get = (name: string) =>
      params instanceof Map ? params.get(name) : (params as Record<string, Float32Array>)[name];
    const feeds: Feeds = {};
    for (const spec of this.decoder.paramSpecs) {
      const data = get(spec.name);
      const expected = spec.shape.reduce((p, d) => p * d, 1);
      if (!data) throw new Error(`Parameter '${spec.name}' is missing.`);
      if (data.length !== expected)
        throw new Error(
          `Parameter '${spec.name}' has ${data.length} values; shape [${spec.shape.join(', ')}] needs ${expected}.`,
        );
      feeds[spec.name] = new ort.Tensor('float32', data, [...spec.shape]);
    }
    this.paramFeeds = feeds;
  }

  private session(kind: RolloutPath | 'prefill', walk: SampleWalk): Promise<ort.InferenceSession> {
    const key = `${kind}:${walk}`;
    let session = this.sessions.get(key);
    if (!session) {
      let bytes: Uint8Array;
      if (kind === 'loop') bytes = buildLoopGraph(this.decoder, walk);
      else {
        const graph = kind === 'step' ? buildStepGraph(this.decoder, walk) : buildPrefillGraph(this.decoder, walk);
        this.cacheOutputs.set(key, graph.present);
        bytes = graph.bytes;
      }
      session = createSession(bytes, { ...this.options, device: this.options.device ?? 'cpu' });
      this.sessions.set(key, session);
    }
    return session;
  }

  async sample(request: SampleRequest, options: SamplingOptions, path: RolloutPath = 'loop'): Promise<Completion[]> {
    validate(request, options, this.decoder);
    const rows = this.options.maxBatchRows ?? 64;
    const completions: Completion[] = [];
    for (let start = 0; start < request.prompts.length; start += rows) {
      const prompts = request.prompts.slice(start, start + rows);
      const seeds = request.seeds.slice(start, start + rows);
      const padded = leftPadPrompts(prompts, options.padToken, this.decoder.vocabSize);
      const longest = Math.max(...padded.lengths);
      if (longest + options.maxNewTokens > this.decoder.contextLength) {
        const index = start + padded.lengths.indexOf(longest);
        throw new Error(
          `prompts[${index}] has ${longest} tokens; with maxNewTokens ${options.maxNewTokens} that exceeds the context length ${this.decoder.contextLength}.`,
        );
      }
      const uniforms = uniformsForBatch(seeds, options.maxNewTokens);
      const raw =
        path === 'loop' && options.maxNewTokens > 1
          ? await this.runLoop(padded, uniforms, options)
          : await this.runSteps(padded, uniforms, options);
      completions.push(...toCompletions(raw, padded.batch, options));
    }
    return completions;
  }

  private commonFeeds(options: SamplingOptions): Feeds {
    const feeds: Feeds = {
      ...this.paramFeeds,
      temperature: new ort.Tensor('float32', new Float32Array([options.temperature ?? 1]), []),
    };
    // only the sorted walks' graphs have a top_p input
    if (walkReadsTopP(this.walkOf(options)))
      feeds.top_p = new ort.Tensor('float32', new Float32Array([options.topP ?? 1]), []);
    return feeds;
  }

  private walkOf(options: SamplingOptions): SampleWalk {
    return sampleWalkFor(options.topP, options.topK, this.decoder.vocabSize);
  }

  private async runLoop(padded: PaddedPrompts, uniforms: Float32Array, options: SamplingOptions): Promise<RawRollout> {
    const session = await this.session('loop', this.walkOf(options));
    const { batch, promptLength } = padded;
    const result = await session.run({
      ...this.commonFeeds(options),
      prompt_ids: new ort.Tensor('int64', padded.ids, [batch, promptLength]),
      prompt_mask: new ort.Tensor('int64', padded.mask, [batch, promptLength]),
      uniforms: new ort.Tensor('float32', uniforms, [options.maxNewTokens, batch]),
      stop_ids: new ort.Tensor('int64', BigInt64Array.from(options.stopTokens.map(BigInt)), [
        options.stopTokens.length,
      ]),
      pad_id: new ort.Tensor('int64', new BigInt64Array([BigInt(options.padToken)]), []),
    });
    return {
      steps: Number(result.tokens.dims[0]),
      tokens: result.tokens.data as BigInt64Array,
      logprobs: result.logprobs.data as Float32Array,
    };
  }

  /** The same computation as the Loop graph, driven token by token from TypeScript. */
  private async runSteps(padded: PaddedPrompts, uniforms: Float32Array, options: SamplingOptions): Promise<RawRollout> {
    const { batch, promptLength } = padded;
    const walk = this.walkOf(options);
    const common = this.commonFeeds(options);
    const prefill = await (
      await this.session('prefill', walk)
    ).run({
      ...common,
      prompt_ids: new ort.Tensor('int64', padded.ids, [batch, promptLength]),
      prompt_mask: new ort.Tensor('int64', padded.mask, [batch, promptLength]),
      uniform: new ort.Tensor('float32', uniforms.subarray(0, batch), [batch]),
    });
    const tokens = new BigInt64Array(options.maxNewTokens * batch);
    const logprobs = new Float32Array(options.maxNewTokens * batch);
    const stops = new Set(options.stopTokens.map(BigInt));
    const pad = BigInt(options.padToken);
    const fed = new BigInt64Array(prefill.token.data as BigInt64Array);
    const done = new Array<boolean>(batch);
    tokens.set(fed, 0);
    logprobs.set(prefill.logprob.data as Float32Array, 0);
    for (let b = 0; b < batch; b++) done[b] = stops.has(fed[b]);

    const takeCache = (kind: 'step' | 'prefill', outputs: ort.InferenceSession.OnnxValueMapType): Feeds => {
      const feeds: Feeds = {};
      this.cacheOutputs.get(`${kind}:${walk}`)!.forEach((names, l) => {
        feeds[PAST_KEY(l)] = outputs[names.key] as ort.Tensor;
        feeds[PAST_VALUE(l)] = outputs[names.value] as ort.Tensor;
      });
      return feeds;
    };
    let cache = takeCache('prefill', prefill);
    let pastMask: ort.Tensor = new ort.Tensor('int64', padded.mask, [batch, promptLength]);
    const stepSession = options.maxNewTokens > 1 ? await this.session('step', walk) : null;
    let steps = 1;
    for (let i = 0; i + 1 < options.maxNewTokens && stepSession; i++) {
      if (done.every(Boolean)) break;
      const position = BigInt64Array.from(padded.lengths, (length) => BigInt(length + i));
      const out = await stepSession.run({
        ...common,
        ...cache,
        fed_token: new ort.Tensor('int64', fed.slice(), [batch]),
        fed_position: new ort.Tensor('int64', position, [batch]),
        past_mask: pastMask,
        uniform: new ort.Tensor('float32', uniforms.subarray((i + 1) * batch, (i + 2) * batch), [batch]),
      });
      const sampled = out.token.data as BigInt64Array;
      const logprob = out.logprob.data as Float32Array;
      const row = (i + 1) * batch;
      for (let b = 0; b < batch; b++) {
        fed[b] = done[b] ? pad : sampled[b];
        tokens[row + b] = fed[b];
        logprobs[row + b] = done[b] ? 0 : logprob[b];
        done[b] = done[b] || stops.has(fed[b]);
      }
      pastMask = out.key_mask;
      cache = takeCache('step', out);
      steps++;
    }
    return { steps, tokens: tokens.subarray(0, steps * batch), logprobs: logprobs.subarray(0, steps * batch) };
  }

  async release(): Promise<void> {
    for (const session of this.sessions.values()) await (await session).release();
    this.sessions.clear();
  }
}

interface RawRollout {
  /** Number of generated rows present ([steps, B] layout). */
  steps: number;
  tokens: BigInt64Array;
  logprobs: Float32Array;
}

function toCompletions(raw: RawRollout, batch: number, options: SamplingOptions): Completion[] {
  const stops = new Set(options.stopTokens);
  const out: Completion[] = [];
  for (let b = 0; b < batch; b++) {
    const tokens: number[] = [];
    const logprobs: number[] = [];
    let finishReason: Completion['finishReason'] = 'length';
    for (let t = 0; t < raw.steps; t++) {
      const token = Number(raw.tokens[t * batch + b]);
      tokens.push(token);
      logprobs.push(raw.logprobs[t * batch + b]);
      if (stops.has(token)) {
        finishReason = 'stop';
        break;
      }
    }
    out.push({ tokens, logprobs, finishReason });
  }
  return out;
}

function validate(request: SampleRequest, options: SamplingOptions, decoder: CachedDecoder): void {
  if (request.seeds.length !== request.prompts.length) {
    throw new Error(
      `seeds has ${request.seeds.length} entries but prompts has ${request.prompts.length}; pass one seed per prompt row.`,
    );
  }
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1)
    throw new Error(`maxNewTokens must be a positive integer, got ${options.maxNewTokens}.`);
  const temperature = options.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new Error(`temperature must be a finite number >= 0, got ${temperature}.`);
  const topP = options.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1], got ${topP}.`);
  const topK = options.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0) throw new Error(`topK must be an integer >= 0, got ${topK}.`);
  for (const id of [...options.stopTokens, options.padToken]) {
    if (!Number.isInteger(id) || id < 0 || id >= decoder.vocabSize)
      throw new Error(`stop/pad token ${id} is not a token id in [0, ${decoder.vocabSize}).`);
  }
}
