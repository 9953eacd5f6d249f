import type { Problem } from '../task/types';

/** What a reward function sees: the problem (gold answer, language, category) and one completion. */
export interface RewardSample {
  problem: Pick<Problem, 'category' | 'answer' | 'language'> &
    Partial<Pick<Problem, 'key' | 'task' | 'question' | 'countdown'>>;
  /** The generated text after the prompt, tags included, control tokens removed. */
  completion: string;
  /** Length in policy tokens; defaults to the character tokenizer's count of `completion`. */
  completionTokens?: number;
  /** A model-based reward computed beforehand (rewards are sync; model scoring is async and batched). */
  modelScore?: number | null;
}

/** A reward: a number, or null when this sample cannot be scored by it (never a silent 1). */
export type RewardFunction = (sample: RewardSample) => number | null;
