/**
 * Train/eval split by construction: a problem's split is a pure function of its canonical key,
 * so no generator, seed or wording can put an eval problem into training.
 */
import { hashUnit } from '../util/rng';
import type { Split } from './types';

/** Salt of the default split; changing it reshuffles which problems are held out. */
export const DEFAULT_SPLIT_SALT = 'r1flow-split-v1';

export function splitOfKey(key: string, evalFraction: number, salt: string = DEFAULT_SPLIT_SALT): Split {
  if (!(evalFraction >= 0 && evalFraction <= 1))
    throw new Error(`evalFraction must be in [0, 1], got ${evalFraction}.`);
  return hashUnit(`${salt}|${key}`) < evalFraction ? 'eval' : 'train';
}
