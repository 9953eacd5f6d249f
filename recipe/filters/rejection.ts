/**
 * Rejection sampling for the SFT stages: keep completions that are correct, well formed, in one
 * language and of a sensible length, without duplicates, and say how many were dropped for what.
 * Each dropped completion is counted under the first check it fails, in the order below.
 */
import { accuracyReward, type AccuracyOptions } from '../rewards/accuracy';
import { formatReward } from '../rewards/format';
import { generalRuleReward } from '../rewards/general';
import { languageConsistencyReward } from '../rewards/language';
import type { RewardSample } from '../rewards/types';
import { tagAwareLength } from '../util/tags';

export type RejectionCandidate = RewardSample;

export interface RejectionOptions {
  /** Inclusive length bounds in tokens. */
  minTokens: number;
  maxTokens: number;
  /** Lowest language consistency kept; 1 means every word of the reasoning in the prompt's script. */
  minLanguageConsistency: number;
  /** Keep at most this many completions per prompt (after dedup); undefined for no limit. */
  maxPerPrompt?: number;
  accuracy?: AccuracyOptions;
}

export const DEFAULT_REJECTION_OPTIONS: RejectionOptions = { minTokens: 1, maxTokens: 4096, minLanguageConsistency: 1 };

export const DROP_REASONS = [
  'malformed',
  'unscorable',
  'incorrect',
  'mixed-language',
  'too-short',
  'too-long',
  'duplicate',
  'over-prompt-limit',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface RejectionReport {
  total: number;
  kept: number;
  dropped: Record<DropReason, number>;
}

/** Prompt identity for dedup and per-prompt limits. */
function promptId(problem: RewardSample['problem']): string {
  return `${problem.key ?? ''}\u241f${problem.language}\u241f${problem.question ?? ''}`;
}

function normalisedCompletion(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Why a candidate is dropped, ignoring duplicates, or null to keep it. */
export function rejectionReason(candidate: RejectionCandidate, options: RejectionOptions): DropReason | null {
  if (formatReward(candidate) !== 1) return 'malformed';
  const correct =
    candidate.problem.category === 'reasoning'
      ? accuracyReward(candidate, options.accuracy)
      : generalRuleReward(candidate);
  if (correct === null) return 'unscorable';
  if (correct !== 1) return 'incorrect';
  const consistency = languageConsistencyReward(candidate);
  // A chain of thought with no words has nothing in another language either.
  if (consistency !== null && consistency < options.minLanguageConsistency) return 'mixed-language';
  const length = candidate.completionTokens ?? tagAwareLength(candidate.completion);
  if (length < options.minTokens) return 'too-short';
  if (length > options.maxTokens) return 'too-long';
  return null;
}

export function rejectionFilter<T extends RejectionCandidate>(
  candidates: readonly T[],
  partial: Partial<RejectionOptions> = {},
): { kept: T[]; report: RejectionReport } {
  const options = { ...DEFAULT_REJECTION_OPTIONS, ...partial };
  if (options.minTokens > options.maxTokens)
    throw new Error(`rejection.minTokens (${options.minTokens}) is above maxTokens (${options.maxTokens}).`);
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const seen = new Set<string>();
  const perPrompt = new Map<string, number>();
  const kept: T[] = [];
  for (const candidate of candidates) {
    let reason = rejectionReason(candidate, options);
    const prompt = promptId(candidate.problem);
    const identity = `${prompt}\u241f${normalisedCompletion(candidate.completion)}`;
    if (reason === null && seen.has(identity)) reason = 'duplicate';
    if (reason === null && options.maxPerPrompt !== undefined && (perPrompt.get(prompt) ?? 0) >= options.maxPerPrompt)
      reason = 'over-prompt-limit';
    if (reason !== null) {
      dropped[reason]++;
      continue;
    }
    seen.add(identity);
    perPrompt.set(prompt, (perPrompt.get(prompt) ?? 0) + 1);
    kept.push(candidate);
  }
  return { kept, report: { total: candidates.length, kept: kept.length, dropped } };
}
