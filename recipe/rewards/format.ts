/** Format: one think block then one answer block, nothing else (see util/tags checkFormat). */
import { checkFormat } from '../util/tags';
import type { RewardSample } from './types';

export function formatReward(sample: RewardSample): number {
  return checkFormat(sample.completion).ok ? 1 : 0;
}
