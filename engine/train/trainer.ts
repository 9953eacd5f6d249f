// The facade activities call: log-probs, SFT steps and GRPO steps for one model config.
// A step is one session.run: forward, backward and the AdamW update all happen in the graph.

import * as ort from 'onnxruntime-node';
import {
  type ModelConfig,
  type Params,
  buildGrpoGraph,
  buildLogprobsGraph,
  buildSftGraph,
  checkParams,
  modelConfigKey,
  gradName,
  paramSpecs,
} from '../model';
import {
  ADAMW_IO,
  type AdamWConfig,
  type AdamWState,
  adamwGraphScalars,
  flatLayout,
  flatten,
  unflatten,
} from '../optim';
import { type GrpoBatch, type TokenBatch, checkTokenBatch } from './batch';
import type { GraphSessions } from './session-cache';

export interface SftHyper {
  optimizer: AdamWConfig;
}

export interface GrpoHyper {
  optimizer: AdamWConfig;
  epsLow: number;
  epsHigh: number;
  /** KL weight; 0 means no reference model is used at all. */
  beta: number;
  aggregation: 'token-mean' | 'sequence-mean';
}

export interface StepMetrics {
  loss: number;
  gradNorm: number;
  lr: number;
  /** Number of target tokens with mask 1. */
  tokens: number;
}

export interface GrpoMetrics extends StepMetrics {
  clipFraction: number;
  entropy: number;
  /** Mean k3 KL to the reference; null when beta = 0. */
  kl: number | null;
}

export interface StepResult<M> {
  /**
   * The same objects that were passed in, updated in place: their entries are replaced by views
   * into the new flat parameter / moment buffers (the old arrays are left untouched).
   */
  params: Params;
  optState: AdamWState;
  metrics: M;
}

export interface LossAndGrads {
  loss: number;
  grads: Record<string, Float32Array>;
  outputs: ort.InferenceSession.ReturnType;
}

export interface Trainer {
  readonly config: ModelConfig;
  /** Per-token log-probs and entropies [B*T] aligned with tokens (entry t=0 of each row is 0). */
  logprobs(
    params: Params,
    batch: Pick<TokenBatch, 'batchSize' | 'seqLen' | 'tokens'>,
  ): Promise<{ logprobs: Float32Array; entropy: Float32Array }>;
  /** SFT loss and gradients without updating (gradient accumulation, tests). */
  sftLossAndGrads(params: Params, batch: TokenBatch): Promise<LossAndGrads>;
  sftStep(params: Params, optState: AdamWState, batch: TokenBatch, hp: SftHyper): Promise<StepResult<StepMetrics>>;
  grpoLossAndGrads(params: Params, batch: GrpoBatch, hp: Omit<GrpoHyper, 'optimizer'>): Promise<LossAndGrads>;
  grpoStep(params: Params, optState: AdamWState, batch: GrpoBatch, hp: GrpoHyper): Promise<StepResult<GrpoMetrics>>;
}

function maskSum(mask: Float32Array, T: number): number {
  let s = 0;
  for (let i = 0; i < mask.length; i++) if (i % T !== 0) s += mask[i];
  return s;
}

/** A trainer for one model config whose graphs compile on `sessions`' device. */
export function createTrainer(config: ModelConfig, sessions: GraphSessions): Trainer {
  const key = modelConfigKey(config);
  const specs = paramSpecs(config);
  const order = specs.map((s) => s.name);

  const paramFeeds = (params: Params): Record<string, ort.Tensor> => {
    checkParams(config, params);
    const feeds: Record<string, ort.Tensor> = {};
    for (const s of specs) feeds[s.name] = new ort.Tensor('float32', params[s.name], s.shape);
    return feeds;
  };
  const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), []);
  const grid = (a: Float32Array, b: TokenBatch, field: string) => {
    if (a.length !== b.batchSize * b.seqLen)
      throw new Error(`batch.${field} has ${a.length} entries, expected ${b.batchSize * b.seqLen}.`);
    return new ort.Tensor('float32', a, [b.batchSize, b.seqLen]);
  };
  const collectGrads = (out: ort.InferenceSession.ReturnType) => {
    const grads: Record<string, Float32Array> = {};
    for (const n of order) grads[n] = out[gradName(n)].data as Float32Array;
    return grads;
  };

  const layout = flatLayout(specs);
  const sftVariantKey = `sft|${key}|f32`;

  /** Run a fused train-step graph and commit its outputs; nothing changes if it fails. */
  const fusedStep = async (
    session: ort.InferenceSession,
    feeds: Record<string, ort.Tensor>,
    params: Params,
    optState: AdamWState,
    optimizer: AdamWConfig,
  ) => {
    const step = optState.step + 1;
    const { scalars, lr } = adamwGraphScalars(optimizer, step);
    feeds[ADAMW_IO.m] = new ort.Tensor('float32', flatten(optState.m, layout), [layout.total]);
    feeds[ADAMW_IO.v] = new ort.Tensor('float32', flatten(optState.v, layout), [layout.total]);
    feeds[ADAMW_IO.scalars] = new ort.Tensor('float32', scalars, [scalars.length]);
    const out = await session.run(feeds);
    const gradNorm = (out[ADAMW_IO.gradNorm].data as Float32Array)[0];
    if (!Number.isFinite(gradNorm))
      throw new Error(`Train step ${step}: gradient norm is not finite (${gradNorm}); parameters were not updated.`);
    Object.assign(params, unflatten(out[ADAMW_IO.paramsOut].data as Float32Array, layout));
    Object.assign(optState.m, unflatten(out[ADAMW_IO.mOut].data as Float32Array, layout));
    Object.assign(optState.v, unflatten(out[ADAMW_IO.vOut].data as Float32Array, layout));
    optState.step = step;
    return { out, lr, gradNorm, loss: (out.loss.data as Float32Array)[0] };
  };

  const sftFeeds = (params: Params, batch: TokenBatch) => {
    checkTokenBatch(batch, config.vocabSize, config.contextLength);
    const feeds = paramFeeds(params);
    feeds.tokens = new ort.Tensor('int32', batch.tokens, [batch.batchSize, batch.seqLen]);
    feeds.mask = grid(batch.lossMask, batch, 'lossMask');
    return feeds;
  };

  const grpoFeeds = (params: Params, batch: GrpoBatch, hp: Omit<GrpoHyper, 'optimizer'>) => {
    checkTokenBatch(batch, config.vocabSize, config.contextLength);
    if (!(hp.beta >= 0)) throw new Error(`grpo.beta must be >= 0, got ${hp.beta}.`);
    if (!(hp.epsLow >= 0 && hp.epsHigh >= 0))
      throw new Error(`grpo.epsLow/epsHigh must be >= 0, got ${hp.epsLow}/${hp.epsHigh}.`);
    if (hp.aggregation !== 'token-mean' && hp.aggregation !== 'sequence-mean')
      throw new Error(`grpo.aggregation must be 'token-mean' or 'sequence-mean', got ${String(hp.aggregation)}.`);
    if (batch.advantages.length !== batch.batchSize)
      throw new Error(
        `batch.advantages has ${batch.advantages.length} entries, expected batchSize ${batch.batchSize}.`,
      );
    const useReference = hp.beta > 0;
    if (useReference && !batch.refLogprobs) throw new Error('batch.refLogprobs is required when grpo.beta > 0.');
    const variant = {
      aggregation: hp.aggregation,
      useReference,
      oldLogprobs: batch.oldLogprobs ? ('input' as const) : ('current' as const),
    };
    const feeds = paramFeeds(params);
    feeds.tokens = new ort.Tensor('int32', batch.tokens, [batch.batchSize, batch.seqLen]);
    feeds.mask = grid(batch.lossMask, batch, 'lossMask');
    feeds.advantages = new ort.Tensor('float32', batch.advantages, [batch.batchSize]);
    if (batch.oldLogprobs) feeds.old_logprobs = grid(batch.oldLogprobs, batch, 'oldLogprobs');
    if (useReference) {
      feeds.ref_logprobs = grid(batch.refLogprobs!, batch, 'refLogprobs');
      feeds.beta = scalar(hp.beta);
    }
    feeds.eps_low = scalar(hp.epsLow);
    feeds.eps_high = scalar(hp.epsHigh);
    return { feeds, variant, variantKey: `grpo|${key}|f32|${JSON.stringify(variant)}` };
  };

  const sftLossAndGrads = async (params: Params, batch: TokenBatch): Promise<LossAndGrads> => {
    const feeds = sftFeeds(params, batch);
    const { session } = await sessions.compiled(sftVariantKey, () => buildSftGraph(config));
    const out = await session.run(feeds);
    return { loss: (out.loss.data as Float32Array)[0], grads: collectGrads(out), outputs: out };
  };

  const grpoLossAndGrads = async (
    params: Params,
    batch: GrpoBatch,
    hp: Omit<GrpoHyper, 'optimizer'>,
  ): Promise<LossAndGrads> => {
    const { feeds, variant, variantKey } = grpoFeeds(params, batch, hp);
    const { session } = await sessions.compiled(variantKey, () => buildGrpoGraph(config, variant));
    const out = await session.run(feeds);
    return { loss: (out.loss.data as Float32Array)[0], grads: collectGrads(out), outputs: out };
  };

  return {
    config,

    async logprobs(params, batch) {
      checkTokenBatch(batch, config.vocabSize, config.contextLength);
      const { session } = await sessions.compiled(`logprobs|${key}|f32`, () => buildLogprobsGraph(config));
      const feeds = paramFeeds(params);
      feeds.tokens = new ort.Tensor('int32', batch.tokens, [batch.batchSize, batch.seqLen]);
      const out = await session.run(feeds);
      return { logprobs: out.logprobs.data as Float32Array, entropy: out.entropy.data as Float32Array };
    },

    sftLossAndGrads,
    grpoLossAndGrads,

    async sftStep(params, optState, batch, hp) {
      const feeds = sftFeeds(params, batch);
      const { session } = await sessions.compiled(`${sftVariantKey}|adamw`, () =>
        buildSftGraph(config, 'float32', { optimizer: 'adamw' }),
      );
      const r = await fusedStep(session, feeds, params, optState, hp.optimizer);
      return {
        params,
        optState,
        metrics: { loss: r.loss, gradNorm: r.gradNorm, lr: r.lr, tokens: maskSum(batch.lossMask, batch.seqLen) },
      };
    },

    async grpoStep(params, optState, batch, hp) {
      const { feeds, variant, variantKey } = grpoFeeds(params, batch, hp);
      const { session } = await sessions.compiled(`${variantKey}|adamw`, () =>
        buildGrpoGraph(config, variant, 'float32', { optimizer: 'adamw' }),
      );
      const r = await fusedStep(session, feeds, params, optState, hp.optimizer);
      const num = (k: string) => (r.out[k].data as Float32Array)[0];
      return {
        params,
        optState,
        metrics: {
          loss: r.loss,
          gradNorm: r.gradNorm,
          lr: r.lr,
          tokens: maskSum(batch.lossMask, batch.seqLen),
          clipFraction: num('clip_fraction'),
          entropy: num('entropy'),
          kl: r.out.kl ? num('kl') : null,
        },
      };
    },
  };
}
