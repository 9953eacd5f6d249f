// Shared pieces of the step loops: the AdamW settings of a stage, the trainer, token sequences.
import {
  adamwStep,
  packSequences,
  paramSpecs,
  type AdamWConfig,
  type AdamWState,
  type LossAndGrads,
  type ModelConfig,
  type Params,
  type SequenceToPack,
  type TokenBatch,
  type Tokenizer,
} from '../engine';
import type { OptimizerConfig } from '../recipe/config';
import { padIdOf } from './prompting';

export interface TrainStepMetrics {
  /** 0-based step within the stage. */
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
  tokens: number;
}

/** The engine's AdamW settings for a stage of `totalUpdates` optimizer updates. */
export function adamwConfig(optimizer: OptimizerConfig, totalUpdates: number): AdamWConfig {
  return {
    lr: optimizer.lr,
    warmupSteps: optimizer.warmupSteps,
    // The schedule spans the whole stage, whatever chunk of it runs now.
    totalSteps: optimizer.schedule === 'constant' ? 0 : totalUpdates,
    minLrRatio: optimizer.minLrRatio,
    beta1: optimizer.beta1,
    beta2: optimizer.beta2,
    eps: optimizer.eps,
    weightDecay: optimizer.weightDecay,
    clipNorm: optimizer.gradClip,
  };
}

/** A prompt+completion row trained on its completion, cut to the context length. */
export function completionRow(
  prompt: readonly number[],
  completion: readonly number[],
  contextLength: number,
): SequenceToPack {
  const tokens = [...prompt, ...completion].slice(0, contextLength);
  return { tokens, lossStart: Math.min(prompt.length, tokens.length - 1) };
}

export function pack(rows: readonly SequenceToPack[], tokenizer: Tokenizer): TokenBatch {
  return packSequences(rows, padIdOf(tokenizer));
}

/** Gradients (and loss) of a batch summed over its chunks, each weighted by its share of the batch's loss. */
export interface AccumulatedGrads {
  loss: number;
  grads: Record<string, Float32Array>;
  /** each chunk's graph outputs with its weight, for metrics averaged the same way */
  outputs: { w: number; out: LossAndGrads['outputs'] }[];
}

/**
 * The loss and gradients of a batch too large for one pass, from its chunks: each chunk's are
 * weighted by its share of the batch's loss (its share of the target tokens for a token mean,
 * of the rows for a sequence mean), so the sum equals one pass over the whole batch up to float
 * rounding, with the activations of one chunk at a time in memory.
 */
export async function accumulateGrads(
  config: ModelConfig,
  params: Params,
  chunks: readonly TokenBatch[],
  weight: 'tokens' | 'rows',
  lossAndGrads: (chunk: TokenBatch, index: number) => Promise<LossAndGrads>,
): Promise<AccumulatedGrads> {
  const specs = paramSpecs(config);
  const sizes = chunks.map((c) => (weight === 'rows' ? c.batchSize : targetTokens(c)));
  const total = sizes.reduce((a, b) => a + b, 0);
  const grads: Record<string, Float32Array> = Object.fromEntries(
    specs.map((s) => [s.name, new Float32Array(params[s.name].length)]),
  );
  let loss = 0;
  const outputs: AccumulatedGrads['outputs'] = [];
  for (let i = 0; i < chunks.length; i++) {
    const w = total === 0 ? 0 : sizes[i] / total;
    const r = await lossAndGrads(chunks[i], i);
    loss += w * r.loss;
    for (const s of specs) {
      const into = grads[s.name];
      const g = r.grads[s.name];
      for (let j = 0; j < into.length; j++) into[j] += w * g[j];
    }
    outputs.push({ w, out: r.outputs });
  }
  return { loss, grads, outputs };
}

/** One optimizer step (the TypeScript AdamW) over a batch trained in chunks. */
export async function accumulatedStep(
  config: ModelConfig,
  params: Params,
  optState: AdamWState,
  chunks: readonly TokenBatch[],
  weight: 'tokens' | 'rows',
  optimizer: AdamWConfig,
  lossAndGrads: (chunk: TokenBatch, index: number) => Promise<LossAndGrads>,
): Promise<AccumulatedGrads & { gradNorm: number; lr: number }> {
  const accumulated = await accumulateGrads(config, params, chunks, weight, lossAndGrads);
  const specs = paramSpecs(config);
  const order = specs.map((s) => s.name);
  const decayed = new Set(specs.filter((s) => s.decay).map((s) => s.name));
  const { lr, gradNorm } = adamwStep(params, accumulated.grads, optState, optimizer, order, (n) => decayed.has(n));
  return { ...accumulated, gradNorm, lr };
}

/** Target tokens of a batch (mask entries at t = 0 never count). */
export function targetTokens(batch: TokenBatch): number {
  let n = 0;
  for (let i = 0; i < batch.lossMask.length; i++) if (i % batch.seqLen !== 0) n += batch.lossMask[i];
  return n;
}

/** Rows in chunks of at most `size`. */
export function chunkRows<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
