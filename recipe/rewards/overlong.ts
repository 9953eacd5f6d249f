/**
 * Overlong shaping (DAPO): no penalty up to maxTokens - bufferTokens, then a penalty growing
 * linearly to -1 at maxTokens, and -1 beyond. A completion cut off at the generation limit
 * has length maxTokens and so gets -1.
 */
import { tagAwareLength } from '../util/tags';
import type { RewardSample } from './types';

export interface OverlongOptions {
  maxTokens: number;
  bufferTokens: number;
}

export function validateOverlong(options: OverlongOptions): void {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1)
    throw new Error(`overlong.maxTokens must be a positive integer, got ${options.maxTokens}.`);
  if (!Number.isInteger(options.bufferTokens) || options.bufferTokens < 0 || options.bufferTokens > options.maxTokens) {
    throw new Error(
      `overlong.bufferTokens must be an integer from 0 to maxTokens (${options.maxTokens}), got ${options.bufferTokens}.`,
    );
  }
}

export function overlongPenalty(length: number, options: OverlongOptions): number {
  const free = options.maxTokens - options.bufferTokens;
  if (length <= free) return 0;
  if (length > options.maxTokens || options.bufferTokens === 0) return -1;
  return (free - length) / options.bufferTokens;
}

export function overlongReward(sample: RewardSample, options: OverlongOptions): number {
  validateOverlong(options);
  return overlongPenalty(sample.completionTokens ?? tagAwareLength(sample.completion), options);
}
