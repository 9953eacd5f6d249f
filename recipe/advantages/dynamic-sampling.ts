/**
 * Dynamic sampling (DAPO): a group whose rewards are all equal has zero advantage everywhere and
 * only dilutes the batch, so it is dropped (and more prompts are sampled by the caller).
 */

export interface DynamicSamplingResult {
  /** Indices of the groups to keep, in order. */
  keep: number[];
  /** Indices of the dropped groups. */
  drop: number[];
  /** drop / groups; 0 for an empty batch. */
  droppedFraction: number;
}

/**
 * Drops groups whose valid rewards span at most `tolerance` (0: exactly equal) or that have
 * fewer than two valid rewards; null rewards are ignored.
 */
export function dynamicSampling(
  rewards: ReadonlyArray<ReadonlyArray<number | null>>,
  tolerance = 0,
): DynamicSamplingResult {
  const keep: number[] = [];
  const drop: number[] = [];
  rewards.forEach((group, index) => {
    const values = group.filter((r): r is number => r !== null);
    const spread = values.length < 2 ? 0 : Math.max(...values) - Math.min(...values);
    if (values.length >= 2 && spread > tolerance) keep.push(index);
    else drop.push(index);
  });
  return { keep, drop, droppedFraction: rewards.length === 0 ? 0 : drop.length / rewards.length };
}
