// Shared pieces of the step loops: the AdamW settings of a stage, the trainer, token sequences.
import { packSequences, type AdamWConfig, type CharTokenizer, type SequenceToPack, type TokenBatch } from '../engine';
import type { OptimizerConfig } from '../recipe/config';

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

/** `<bos>` + prompt: what the sampler is fed and what SFT/GRPO rows start with. */
export function promptTokens(tokenizer: CharTokenizer, prompt: string): number[] {
  return tokenizer.encode(prompt, { bos: true });
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

export function pack(rows: readonly SequenceToPack[], tokenizer: CharTokenizer): TokenBatch {
  return packSequences(rows, tokenizer.padId);
}
