// Scoring a batch of rollouts: every reward function on every sample (null-aware), weighted
// totals, group-relative advantages, optional dynamic sampling, and the per-step metrics.
import { buildRewardSpecs, combineBatch, dynamicSampling, groupAdvantages, type RewardWeights } from '../recipe';
import type { GrpoConfig, VerifierConfig } from '../recipe/config';
import type { Rollout } from './rollout';

export interface ScoredRollout extends Rollout {
  /** Each reward function's value; null where it did not apply or could not score. */
  rewards: Record<string, number | null>;
  /** Weighted total; null when the sample cannot be scored. */
  total: number | null;
  advantage: number;
  /** False for unscorable samples and groups dropped by dynamic sampling: not trained on. */
  used: boolean;
}

export interface ScoreMetrics {
  samples: number;
  groups: number;
  /** Mean weighted total over scorable samples. */
  rewardMean: number | null;
  /** Mean of each reward function over the samples it scored. */
  rewards: Record<string, number | null>;
  accuracy: number | null;
  formatRate: number | null;
  languageConsistency: number | null;
  /** General prompts answered as the rules want (helpful reply or refusal). */
  helpfulness: number | null;
  /** Groups whose valid rewards are all equal (no learning signal). */
  zeroStdFraction: number;
  /** Groups dropped by dynamic sampling (0 when it is off). */
  droppedFraction: number;
  unscorable: number;
  meanLength: number;
  truncatedFraction: number;
}

export interface ScoredBatch {
  rollouts: ScoredRollout[];
  metrics: ScoreMetrics;
}

/** The reward set of a GRPO stage. Zero-weight rewards are still computed, for the metrics. */
export function rewardWeights(grpo: GrpoConfig): RewardWeights {
  const r = grpo.rewards;
  return {
    accuracy: r.accuracy,
    format: r.format,
    language: r.language,
    general: r.helpfulness,
    ...(r.overlong !== 0 && grpo.overlongBuffer > 0 ? { overlong: r.overlong } : {}),
  };
}

/** The accuracy options of a verifier config, for training (`mode`) or evaluation (`evalMode`). */
export function accuracyOptions(verifier: VerifierConfig | undefined, purpose: 'train' | 'eval' = 'train') {
  if (!verifier) return {};
  const { deadlineMs, maxAnswerChars } = verifier;
  return { mode: purpose === 'eval' ? verifier.evalMode : verifier.mode, deadlineMs, maxAnswerChars };
}

export function score(rollouts: readonly Rollout[], grpo: GrpoConfig, verifier?: VerifierConfig): ScoredBatch {
  const weights = rewardWeights(grpo);
  const specs = buildRewardSpecs({
    weights,
    accuracy: accuracyOptions(verifier),
    ...(weights.overlong !== undefined
      ? { overlong: { maxTokens: grpo.sampling.maxNewTokens, bufferTokens: grpo.overlongBuffer } }
      : {}),
  });
  const batch = combineBatch(
    specs,
    rollouts.map((r) => ({ problem: r.problem, completion: r.completion, completionTokens: r.tokens.length })),
  );

  // Rollouts come group by group; rebuild the groups from their indices so any order works.
  const groupIndex = new Map<number, number[]>();
  rollouts.forEach((r, i) => {
    const members = groupIndex.get(r.group) ?? [];
    members.push(i);
    groupIndex.set(r.group, members);
  });
  const groups = [...groupIndex.values()];
  const totals = groups.map((members) => members.map((i) => batch.results[i].total));
  const adv = groupAdvantages(totals, { scaling: grpo.stdScaling });
  const dropped = grpo.dynamicSampling ? new Set(dynamicSampling(totals).drop) : new Set<number>();

  const scored: ScoredRollout[] = rollouts.map((r) => ({ ...r, rewards: {}, total: null, advantage: 0, used: false }));
  groups.forEach((members, g) => {
    members.forEach((i, k) => {
      scored[i].rewards = batch.results[i].values;
      scored[i].total = batch.results[i].total;
      scored[i].advantage = adv.advantages[g][k];
      scored[i].used = adv.valid[g][k] && !dropped.has(g);
    });
  });

  const rewardMeans = Object.fromEntries(Object.entries(batch.means).map(([name, m]) => [name, m.mean]));
  const scorable = scored.filter((r) => r.total !== null).map((r) => r.total as number);
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
  return {
    rollouts: scored,
    metrics: {
      samples: rollouts.length,
      groups: groups.length,
      rewardMean: mean(scorable),
      rewards: rewardMeans,
      accuracy: rewardMeans.accuracy ?? null,
      formatRate: rewardMeans.format ?? null,
      languageConsistency: rewardMeans.language ?? null,
      helpfulness: rewardMeans.general ?? null,
      zeroStdFraction: groups.length === 0 ? 0 : adv.zeroStdGroups / groups.length,
      droppedFraction: groups.length === 0 ? 0 : dropped.size / groups.length,
      unscorable: batch.skipped,
      meanLength: mean(rollouts.map((r) => r.tokens.length)) ?? 0,
      truncatedFraction:
        rollouts.length === 0 ? 0 : rollouts.filter((r) => r.finishReason === 'length').length / rollouts.length,
    },
  };
}
