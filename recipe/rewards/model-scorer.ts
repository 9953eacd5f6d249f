/**
 * Model-based rewards. Rewards are synchronous functions of one sample; a reward model is async
 * and wants batches, so it runs first (`scoreWithModel`) and its scores ride on the samples as
 * `modelScore`, which `modelReward` then reports like any other reward.
 */
import { generalRuleReward } from './general';
import type { RewardSample } from './types';

export interface RewardModelInput {
  /** The full prompt text the policy saw. */
  prompt: string;
  completion: string;
  /** The problem, for scorers that are rules rather than models; a real model must not need it. */
  problem?: RewardSample['problem'];
}

/** Anything that scores a batch: an ONNX reward model in the engine, or a rule stand-in. */
export interface RewardModelScorer {
  readonly name: string;
  /** Largest batch the scorer accepts in one call. */
  readonly maxBatchSize: number;
  /** One score per input, in order; null for an input it cannot score. */
  score(batch: readonly RewardModelInput[]): Promise<ReadonlyArray<number | null>>;
}

/**
 * Scores all inputs in batches of at most `scorer.maxBatchSize`. A wrong number of scores is an
 * error; a non-finite score becomes null (that sample is then not scored by the model).
 */
export async function scoreWithModel(
  scorer: RewardModelScorer,
  inputs: readonly RewardModelInput[],
): Promise<Array<number | null>> {
  if (!Number.isInteger(scorer.maxBatchSize) || scorer.maxBatchSize < 1) {
    throw new Error(
      `Reward scorer "${scorer.name}" has maxBatchSize ${scorer.maxBatchSize}; it must be a positive integer.`,
    );
  }
  const scores: Array<number | null> = [];
  for (let start = 0; start < inputs.length; start += scorer.maxBatchSize) {
    const batch = inputs.slice(start, start + scorer.maxBatchSize);
    const result = await scorer.score(batch);
    if (result.length !== batch.length) {
      throw new Error(
        `Reward scorer "${scorer.name}" returned ${result.length} scores for a batch of ${batch.length}.`,
      );
    }
    for (const value of result) scores.push(value !== null && Number.isFinite(value) ? value : null);
  }
  return scores;
}

/** The reward reported for the model score attached to a sample. */
export function modelReward(sample: RewardSample): number | null {
  return sample.modelScore ?? null;
}

/** A scorer backed by the general-prompt rules: the default until an ONNX reward model is configured. */
export function ruleBasedScorer(maxBatchSize = 64): RewardModelScorer {
  return {
    name: 'general-rules',
    maxBatchSize,
    async score(batch) {
      return batch.map((input) => {
        if (!input.problem) return null;
        return generalRuleReward({ problem: input.problem, completion: input.completion });
      });
    },
  };
}
