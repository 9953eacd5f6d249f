/**
 * Combining rewards: each is computed and reported on its own, then weighted into a total.
 *
 * Null handling: a reward that does not apply to a sample (its `appliesTo` says no, e.g.
 * accuracy on a general prompt) is reported as null and ignored. A reward that applies but
 * returns null either makes the whole sample unscorable (`onNull: 'skip-sample'`, the default:
 * an unreadable gold answer must never turn into a free score from format alone) or is just left
 * out of the total (`onNull: 'ignore'`, for rewards whose silence is harmless, like language
 * consistency on a chain of thought with no words). A sample with a null total is dropped from
 * the update, never scored as 0 or 1.
 */
import { accuracyReward, type AccuracyOptions } from './accuracy';
import { formatReward } from './format';
import { generalRuleReward, type GeneralRuleOptions } from './general';
import { languageConsistencyReward } from './language';
import { modelReward } from './model-scorer';
import { overlongReward, validateOverlong, type OverlongOptions } from './overlong';
import type { RewardFunction, RewardSample } from './types';

export interface RewardSpec {
  name: string;
  weight: number;
  score: RewardFunction;
  /** Whether the reward concerns this sample at all; default: every sample. */
  appliesTo?: (sample: RewardSample) => boolean;
  onNull?: 'skip-sample' | 'ignore';
}

export interface CombinedReward {
  /** Each reward's own value; null when it did not apply or could not score. */
  values: Record<string, number | null>;
  /** Weighted sum of the non-null values, or null when the sample cannot be scored. */
  total: number | null;
  /** The reward whose null made the sample unscorable. */
  skippedBy?: string;
}

export function validateSpecs(specs: readonly RewardSpec[]): void {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`Reward "${spec.name}" is listed twice.`);
    names.add(spec.name);
    if (!Number.isFinite(spec.weight))
      throw new Error(`Reward "${spec.name}" has weight ${spec.weight}; it must be a finite number.`);
  }
}

export function combineRewards(specs: readonly RewardSpec[], sample: RewardSample): CombinedReward {
  const values: Record<string, number | null> = {};
  let total = 0;
  let scored = 0;
  let skippedBy: string | undefined;
  for (const spec of specs) {
    if (spec.appliesTo && !spec.appliesTo(sample)) {
      values[spec.name] = null;
      continue;
    }
    const value = spec.score(sample);
    if (value !== null && !Number.isFinite(value))
      throw new Error(`Reward "${spec.name}" returned ${value}; rewards must be finite numbers or null.`);
    values[spec.name] = value;
    if (value === null) {
      if ((spec.onNull ?? 'skip-sample') === 'skip-sample' && skippedBy === undefined) skippedBy = spec.name;
      continue;
    }
    total += spec.weight * value;
    scored++;
  }
  if (skippedBy !== undefined) return { values, total: null, skippedBy };
  return { values, total: scored > 0 ? total : null };
}

export interface BatchRewards {
  results: CombinedReward[];
  /** Per reward: mean over the samples it scored, and how many that was. */
  means: Record<string, { mean: number | null; count: number }>;
  /** Samples with a null total. */
  skipped: number;
}

export function combineBatch(specs: readonly RewardSpec[], samples: readonly RewardSample[]): BatchRewards {
  validateSpecs(specs);
  const results = samples.map((sample) => combineRewards(specs, sample));
  const means: BatchRewards['means'] = {};
  for (const spec of specs) {
    let sum = 0;
    let count = 0;
    for (const result of results) {
      const value = result.values[spec.name];
      if (value !== null) {
        sum += value;
        count++;
      }
    }
    means[spec.name] = { mean: count > 0 ? sum / count : null, count };
  }
  return { results, means, skipped: results.filter((r) => r.total === null).length };
}

/** Weights of the built-in rewards; a reward left out (or undefined) is not computed. */
export interface RewardWeights {
  accuracy?: number;
  format?: number;
  language?: number;
  overlong?: number;
  general?: number;
  rewardModel?: number;
}

export interface RewardSettings {
  weights: RewardWeights;
  overlong?: OverlongOptions;
  accuracy?: AccuracyOptions;
  general?: GeneralRuleOptions;
}

const isReasoning = (s: RewardSample) => s.problem.category === 'reasoning';
const isGeneral = (s: RewardSample) => s.problem.category !== 'reasoning';

/**
 * The standard reward set from weights: accuracy on reasoning prompts, format and language and
 * overlong on all, the general rules and the reward model on general prompts.
 */
export function buildRewardSpecs(settings: RewardSettings): RewardSpec[] {
  const { weights } = settings;
  const specs: RewardSpec[] = [];
  if (weights.accuracy !== undefined) {
    specs.push({
      name: 'accuracy',
      weight: weights.accuracy,
      score: (s) => accuracyReward(s, settings.accuracy),
      appliesTo: isReasoning,
    });
  }
  if (weights.format !== undefined) specs.push({ name: 'format', weight: weights.format, score: formatReward });
  if (weights.language !== undefined) {
    specs.push({ name: 'language', weight: weights.language, score: languageConsistencyReward, onNull: 'ignore' });
  }
  if (weights.overlong !== undefined) {
    const options = settings.overlong;
    if (!options) throw new Error('rewards.overlong needs maxTokens and bufferTokens when its weight is set.');
    validateOverlong(options);
    specs.push({ name: 'overlong', weight: weights.overlong, score: (s) => overlongReward(s, options) });
  }
  if (weights.general !== undefined) {
    specs.push({
      name: 'general',
      weight: weights.general,
      score: (s) => generalRuleReward(s, settings.general),
      appliesTo: isGeneral,
    });
  }
  if (weights.rewardModel !== undefined) {
    specs.push({ name: 'rewardModel', weight: weights.rewardModel, score: modelReward, appliesTo: isGeneral });
  }
  validateSpecs(specs);
  return specs;
}
