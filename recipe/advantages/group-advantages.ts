/**
 * Group-relative advantages (GRPO): A_i = (r_i - mean of its group) / (scale + epsilon), the same
 * value for every token of completion i.
 *
 * Conventions, fixed and tested with exact numbers:
 * - std is the population std (divide by n) by default: it is defined for a group of one, and the
 *   standardised advantages of a group then have variance exactly 1 (up to epsilon). 'sample'
 *   (divide by n - 1, torch.std's default) is available for matching other implementations; a
 *   group of fewer than two valid rewards then has std 0.
 * - epsilon is added to the std, not under the square root, and defaults to 1e-4.
 * - scaling 'group' divides by the group's std; 'batch' by the std of every valid reward in the
 *   batch (around the batch mean); 'none' (Dr. GRPO) does not divide and ignores epsilon.
 * - a null reward (unscorable sample) is left out of its group's statistics and gets advantage 0
 *   and valid=false, so the loss must mask it out.
 */

export type StdScaling = 'group' | 'batch' | 'none';
export type StdConvention = 'population' | 'sample';

export interface AdvantageOptions {
  scaling: StdScaling;
  epsilon: number;
  std: StdConvention;
}

export const DEFAULT_ADVANTAGE_OPTIONS: AdvantageOptions = { scaling: 'group', epsilon: 1e-4, std: 'population' };

export interface GroupAdvantages {
  /** Per group, per completion. */
  advantages: number[][];
  /** False where the reward was null: exclude that completion from the loss. */
  valid: boolean[][];
  /** Groups with at least one valid reward, all equal (no learning signal under GRPO). */
  zeroStdGroups: number;
  /** Groups with no valid reward at all. */
  emptyGroups: number;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

export function std(values: readonly number[], convention: StdConvention): number {
  const n = values.length;
  const divisor = convention === 'population' ? n : n - 1;
  if (divisor <= 0) return 0;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / divisor);
}

export function groupAdvantages(
  rewards: ReadonlyArray<ReadonlyArray<number | null>>,
  partial: Partial<AdvantageOptions> = {},
): GroupAdvantages {
  const options = { ...DEFAULT_ADVANTAGE_OPTIONS, ...partial };
  if (!(options.epsilon >= 0) || !Number.isFinite(options.epsilon))
    throw new Error(`advantages.epsilon must be a finite number >= 0, got ${options.epsilon}.`);
  const validValues = rewards.map((group) => group.filter((r): r is number => r !== null));
  for (const group of validValues)
    for (const r of group)
      if (!Number.isFinite(r))
        throw new Error(`A reward of ${r} reached the advantage computation; rewards must be finite or null.`);
  const batchStd = options.scaling === 'batch' ? std(validValues.flat(), options.std) : 0;
  let zeroStdGroups = 0;
  let emptyGroups = 0;
  const advantages: number[][] = [];
  const valid: boolean[][] = [];
  rewards.forEach((group, g) => {
    const values = validValues[g];
    if (values.length === 0) emptyGroups++;
    else if (values.every((v) => v === values[0])) zeroStdGroups++;
    const groupMean = mean(values);
    const divisor =
      options.scaling === 'none'
        ? 1
        : options.scaling === 'batch'
          ? batchStd + options.epsilon
          : std(values, options.std) + options.epsilon;
    advantages.push(group.map((r) => (r === null || divisor === 0 ? 0 : (r - groupMean) / divisor)));
    valid.push(group.map((r) => r !== null));
  });
  return { advantages, valid, zeroStdGroups, emptyGroups };
}
