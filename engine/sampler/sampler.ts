import * as ort from 'onnxruntime-node';
import { createSession, type Device, type SessionTuning } from '../device';
import type { CachedDecoder } from './decoder';
import { leftPadPrompts, type PaddedPrompts } from './prompts';
import {
  PAST_KEY,
  PAST_VALUE,
  buildPrefillGraph,
  buildSegmentGraph,
  buildStartGraph,
  buildStepGraph,
  type RolloutGraph,
} from './rollout-graphs';
import { uniformsForBatch, type SampleSeed } from './rng';
import { sampleWalkFor, walkReadsTopP, type SampleWalk } from './sample-head';
import { keepRows } from './batch-rows';

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

/**
 * 'loop': one run for the prefill and a first segment of tokens as an ONNX Loop, then one run per
 * later segment (fast). 'step': prefill, then one run per token. Both drop stopped rows at the
 * same tokens and pick the same tokens.
 */
export type RolloutPath = 'loop' | 'step';

export interface SamplerOptions extends SessionTuning {
  /** default 'cpu' */
  device?: Device;
  /** Rows per graph run; larger requests are split (default 64). */
  maxBatchRows?: number;
  /**
   * Share of a batch's rows, in (0, 1], that must have stopped before they are dropped from the
   * batch (default 0.25). Until then they are carried along at full cost; each drop costs one run
   * and one copy of the cache. 1 runs each batch to its end in one Loop run.
   */
  shrinkBatchAt?: number;
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
    const { shrinkBatchAt = DEFAULT_SHRINK_BATCH_AT } = options;
    if (!(shrinkBatchAt > 0 && shrinkBatchAt <= 1))
      throw new Error(`shrinkBatchAt must be in (0, 1], got ${shrinkBatchAt}.`);
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

  private session(kind: GraphKind, walk: SampleWalk): Promise<ort.InferenceSession> {
    const key = `${kind}:${walk}`;
    let session = this.sessions.get(key);
    if (!session) {
      const build = {
        prefill: buildPrefillGraph,
        step: buildStepGraph,
        start: buildStartGraph,
        segment: buildSegmentGraph,
      }[kind];
      const graph = build(this.decoder, walk);
      this.cacheOutputs.set(key, graph.present);
      session = createSession(graph.bytes, { ...this.options, device: this.options.device ?? 'cpu' });
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
      completions.push(...(await this.rollout(padded, uniformsForBatch(seeds, options.maxNewTokens), options, path)));
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

  private cacheFeeds(kind: GraphKind, walk: SampleWalk, outputs: ort.InferenceSession.OnnxValueMapType): Feeds {
    const feeds: Feeds = {};
    this.cacheOutputs.get(`${kind}:${walk}`)!.forEach((names, l) => {
      feeds[PAST_KEY(l)] = outputs[names.key] as ort.Tensor;
      feeds[PAST_VALUE(l)] = outputs[names.value] as ort.Tensor;
    });
    return feeds;
  }

  /**
   * Prefill and a first segment, then later segments, each of which runs until shrinkBatchAt of
   * its rows have stopped. Only the unstopped rows (and their cache) go on to the next segment, so
   * that a batch costs about what its unfinished rows need rather than its longest completion
   * times its width. Where segments end depends only on the tokens sampled, never on timing.
   */
  private async rollout(
    padded: PaddedPrompts,
    uniforms: Float32Array,
    options: SamplingOptions,
    path: RolloutPath,
  ): Promise<Completion[]> {
    const { batch, promptLength } = padded;
    const walk = this.walkOf(options);
    const common = this.commonFeeds(options);
    const stops = new Set(options.stopTokens);
    const out: Completion[] = Array.from({ length: batch }, () => ({
      tokens: [],
      logprobs: [],
      finishReason: 'length',
    }));
    let rows = Array.from({ length: batch }, (_, b) => b);
    /** Appends each row's generated tokens up to its stop token; rows whose completion goes on are kept. */
    const record = (result: Pick<SegmentResult, 'steps' | 'tokens' | 'logprobs' | 'kept'>) => {
      const width = rows.length;
      for (let t = 0; t < result.steps; t++)
        rows.forEach((row, j) => {
          const completion = out[row];
          if (completion.finishReason === 'stop') return;
          const token = Number(result.tokens[t * width + j]);
          completion.tokens.push(token);
          completion.logprobs.push(result.logprobs[t * width + j]);
          if (stops.has(token)) completion.finishReason = 'stop';
        });
      rows = result.kept.map((j) => rows[j]);
    };
    const shrinkAt = this.options.shrinkBatchAt ?? DEFAULT_SHRINK_BATCH_AT;
    const stopAfter = (width: number) => Math.max(1, Math.ceil(width * shrinkAt));
    const promptFeeds = {
      prompt_ids: new ort.Tensor('int64', padded.ids, [batch, promptLength]),
      prompt_mask: new ort.Tensor('int64', padded.mask, [batch, promptLength]),
    };

    let result: SegmentResult;
    /** Tokens generated so far (the length of every completion that goes on). */
    let generated: number;
    if (path === 'loop' && options.maxNewTokens > 1) {
      result = await this.runStart({ ...common, ...promptFeeds }, uniforms, batch, stopAfter(batch), walk, options);
      record(result);
      generated = result.steps;
    } else {
      const prefill = await (
        await this.session('prefill', walk)
      ).run({ ...common, ...promptFeeds, uniform: new ort.Tensor('float32', uniforms.subarray(0, batch), [batch]) });
      const first = prefill.token.data as BigInt64Array;
      const done = Array.from(first, (token) => stops.has(Number(token)));
      const fed = new ort.Tensor('int64', first, [batch]);
      // the prefill's token, as one step that keeps every row
      record({ steps: 1, tokens: first, logprobs: prefill.logprob.data as Float32Array, kept: rows.map((_, j) => j) });
      if (options.maxNewTokens === 1) return out;
      result = await this.runSteps(
        {
          common,
          state: { fed, mask: promptFeeds.prompt_mask, cache: this.cacheFeeds('prefill', walk, prefill) },
          position: new ort.Tensor('int64', BigInt64Array.from(padded.lengths, BigInt), [batch]),
          uniforms: new ort.Tensor('float32', uniforms.subarray(batch), [options.maxNewTokens - 1, batch]),
          stopAfter: stopAfter(batch),
        },
        done,
        walk,
        options,
      );
      record(result);
      generated = 1 + result.steps;
    }

    while (rows.length > 0) {
      const width = rows.length;
      const length = options.maxNewTokens - generated;
      const segmentUniforms = new Float32Array(length * width);
      for (let t = 0; t < length; t++)
        rows.forEach((row, j) => (segmentUniforms[t * width + j] = uniforms[(generated + t) * batch + row]));
      const segment: Segment = {
        common,
        state: { fed: result.fed, mask: result.mask, cache: result.cache },
        position: new ort.Tensor(
          'int64',
          BigInt64Array.from(rows, (row) => BigInt(padded.lengths[row] + generated - 1)),
          [width],
        ),
        uniforms: new ort.Tensor('float32', segmentUniforms, [length, width]),
        stopAfter: stopAfter(width),
      };
      result =
        path === 'loop'
          ? await this.runSegment(segment, walk, options)
          : await this.runSteps(segment, new Array<boolean>(width).fill(false), walk, options);
      record(result);
      generated += result.steps;
    }
    return out;
  }

  /** Prefill and the first segment as one run of the start graph. */
  private async runStart(
    feeds: Feeds,
    uniforms: Float32Array,
    batch: number,
    stopAfter: number,
    walk: SampleWalk,
    options: SamplingOptions,
  ): Promise<SegmentResult> {
    const result = await (
      await this.session('start', walk)
    ).run({
      ...feeds,
      uniforms: new ort.Tensor('float32', uniforms, [options.maxNewTokens, batch]),
      ...stopFeeds(options, stopAfter),
    });
    return this.segmentResult('start', walk, result);
  }

  /** A later segment as one run of the segment graph. */
  private async runSegment(segment: Segment, walk: SampleWalk, options: SamplingOptions): Promise<SegmentResult> {
    const { state } = segment;
    const result = await (
      await this.session('segment', walk)
    ).run({
      ...segment.common,
      ...state.cache,
      fed_token: state.fed,
      fed_position: segment.position,
      past_mask: state.mask,
      uniforms: segment.uniforms,
      ...stopFeeds(options, segment.stopAfter),
    });
    return this.segmentResult('segment', walk, result);
  }

  private segmentResult(
    kind: 'start' | 'segment',
    walk: SampleWalk,
    result: ort.InferenceSession.OnnxValueMapType,
  ): SegmentResult {
    return {
      steps: Number(result.tokens.dims[0]),
      tokens: result.tokens.data as BigInt64Array,
      logprobs: result.logprobs.data as Float32Array,
      kept: Array.from(result.kept.data as BigInt64Array, Number),
      fed: result.last_token as ort.Tensor,
      mask: result.key_mask as ort.Tensor,
      cache: this.cacheFeeds(kind, walk, result),
    };
  }

  /**
   * The same computation as a segment graph, driven token by token from TypeScript: steps until
   * segment.stopAfter rows have stopped (counting those `done` already, so possibly none); the
   * unstopped rows are kept, none once no token is left.
   */
  private async runSteps(
    segment: Segment,
    done: boolean[],
    walk: SampleWalk,
    options: SamplingOptions,
  ): Promise<SegmentResult> {
    const [length, width] = segment.uniforms.dims;
    const session = await this.session('step', walk);
    const stops = new Set(options.stopTokens.map(BigInt));
    const pad = BigInt(options.padToken);
    const tokens = new BigInt64Array(length * width);
    const logprobs = new Float32Array(length * width);
    const fed = new BigInt64Array(segment.state.fed.data as BigInt64Array);
    const position = new BigInt64Array(segment.position.data as BigInt64Array);
    const uniforms = segment.uniforms.data as Float32Array;
    let { mask, cache } = segment.state;
    let steps = 0;
    let stopped = done.filter(Boolean).length;
    while (steps < length && stopped < segment.stopAfter) {
      const out = await session.run({
        ...segment.common,
        ...cache,
        fed_token: new ort.Tensor('int64', fed.slice(), [width]),
        fed_position: new ort.Tensor('int64', position.slice(), [width]),
        past_mask: mask,
        uniform: new ort.Tensor('float32', uniforms.subarray(steps * width, (steps + 1) * width), [width]),
      });
      const sampled = out.token.data as BigInt64Array;
      const logprob = out.logprob.data as Float32Array;
      for (let b = 0; b < width; b++) {
        fed[b] = done[b] ? pad : sampled[b];
        tokens[steps * width + b] = fed[b];
        logprobs[steps * width + b] = done[b] ? 0 : logprob[b];
        if (!done[b] && stops.has(fed[b])) {
          done[b] = true;
          stopped++;
        }
        position[b]++;
      }
      mask = out.key_mask as ort.Tensor;
      cache = this.cacheFeeds('step', walk, out);
      steps++;
    }
    const kept = steps < length ? done.flatMap((d, j) => (d ? [] : [j])) : [];
    const keep = (tensor: ort.Tensor) => (kept.length === width ? tensor : keepRows(tensor, kept));
    const keptCache: Feeds = {};
    for (const [name, tensor] of Object.entries(cache)) keptCache[name] = keep(tensor);
    return {
      steps,
      tokens: tokens.subarray(0, steps * width),
      logprobs: logprobs.subarray(0, steps * width),
      kept,
      fed: keep(new ort.Tensor('int64', fed, [width])),
      mask: keep(mask),
      cache: keptCache,
    };
  }

  async release(): Promise<void> {
    for (const session of this.sessions.values()) await (await session).release();
    this.sessions.clear();
  }
}

/** Graphs a sampler compiles, one session per graph and sampling walk. */
type GraphKind = 'prefill' | 'step' | 'start' | 'segment';

/** SamplerOptions.shrinkBatchAt when not set. */
const DEFAULT_SHRINK_BATCH_AT = 0.25;

/** What a segment starts from: the rows that go on, in batch order. */
interface DecodeState {
  /** Each row's last token, int64 [B]; it is fed next. */
  fed: ort.Tensor;
  /** int64 [B, tokens so far]. */
  mask: ort.Tensor;
  /** past_key_i / past_value_i, float32 [B, heads, tokens so far, headDim]. */
  cache: Feeds;
}

/** A later segment's inputs. */
interface Segment {
  /** Parameters and sampling settings. */
  common: Feeds;
  state: DecodeState;
  /** Position of each row's fed token, int64 [B]. */
  position: ort.Tensor;
  /** The uniforms of the tokens left to generate, for the segment's rows, float32 [length, B]. */
  uniforms: ort.Tensor;
  /** The segment ends once this many of its rows have stopped, in [1, B]. */
  stopAfter: number;
}

interface SegmentResult {
  /** Steps run ([steps, B] layout). */
  steps: number;
  tokens: BigInt64Array;
  logprobs: Float32Array;
  /** Indices of the rows that go on to the next segment; empty when none does. */
  kept: number[];
  /** The kept rows' state. */
  fed: ort.Tensor;
  mask: ort.Tensor;
  cache: Feeds;
}

function stopFeeds(options: SamplingOptions, stopAfter: number): Feeds {
  return {
    stop_ids: new ort.Tensor('int64', BigInt64Array.from(options.stopTokens.map(BigInt)), [options.stopTokens.length]),
    pad_id: new ort.Tensor('int64', new BigInt64Array([BigInt(options.padToken)]), []),
    stop_after: new ort.Tensor('int64', new BigInt64Array([BigInt(stopAfter)]), []),
  };
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
