/**
 * Per-token loss weights for the three ways of averaging the GRPO loss. Every token of
 * completion i gets weight w_i; the loss is the sum over all tokens of w_i * per-token loss.
 * - 'sequence-mean' (GRPO): mean over tokens within a completion, then over completions:
 *   w_i = 1 / (N * L_i). Long completions count as much as short ones in total.
 * - 'token-mean' (DAPO): mean over all tokens of the batch: w_i = 1 / sum_j L_j. Every token
 *   counts the same, so long wrong completions are not under-penalised.
 * - 'constant' (Dr. GRPO): w_i = 1 / (N * maxTokens), a length-independent constant, which
 *   removes the bias towards long wrong answers without depending on the batch.
 * N counts only valid completions; invalid or empty completions get weight 0.
 */

export type LossAggregation = 'sequence-mean' | 'token-mean' | 'constant';

export function tokenWeights(
  lengths: readonly number[],
  aggregation: LossAggregation,
  options: { valid?: readonly boolean[]; maxTokens?: number } = {},
): number[] {
  if (options.valid && options.valid.length !== lengths.length) {
    throw new Error(`tokenWeights got ${lengths.length} lengths but ${options.valid.length} validity flags.`);
  }
  for (const length of lengths)
    if (!Number.isInteger(length) || length < 0)
      throw new Error(`Completion lengths must be non-negative integers, got ${length}.`);
  const counted = lengths.map((length, i) => (options.valid?.[i] ?? true) && length > 0);
  const n = counted.filter(Boolean).length;
  if (n === 0) return lengths.map(() => 0);
  if (aggregation === 'sequence-mean') return lengths.map((length, i) => (counted[i] ? 1 / (n * length) : 0));
  if (aggregation === 'token-mean') {
    const tokens = lengths.reduce((sum, length, i) => sum + (counted[i] ? length : 0), 0);
    return lengths.map((_, i) => (counted[i] ? 1 / tokens : 0));
  }
  const maxTokens = options.maxTokens;
  if (maxTokens === undefined || !(maxTokens > 0)) throw new Error("Loss aggregation 'constant' needs maxTokens > 0.");
  return lengths.map((_, i) => (counted[i] ? 1 / (n * maxTokens) : 0));
}
