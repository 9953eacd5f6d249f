/**
 * Evaluation metrics over scored samples: pure functions, no sampling. pass@k uses the unbiased
 * estimator 1 - C(n-c, k) / C(n, k) over n samples of which c are correct, computed as a product
 * so it stays exact-ish for large n.
 */
import { accuracyReward, extractFinalAnswer, type AccuracyOptions } from '../rewards/accuracy';
import { formatReward } from '../rewards/format';
import { generalRuleReward, isRefusal } from '../rewards/general';
import { languageConsistencyReward } from '../rewards/language';
import type { RewardSample } from '../rewards/types';
import type { ProblemCategory } from '../task/types';
import { tagAwareLength } from '../util/tags';

export interface EvalSample {
  /** Identifies the problem the sample answers; samples of one problem share it. */
  problemKey: string;
  category: ProblemCategory;
  /** Reasoning: accuracy; harmless: the expected reply; unsafe: a short refusal. Null if unscorable. */
  correct: boolean | null;
  /**
   * Reasoning: the answer right with the format aside (read leniently, as Math-Verify reads a
   * reply, when there is no answer block), so a base model that answers in prose is judged on
   * its arithmetic too; null for general prompts and unscorable answers.
   */
  answerCorrect: boolean | null;
  wellFormed: boolean;
  languageConsistency: number | null;
  /** Whether the answer is a refusal; null for reasoning prompts. */
  refused: boolean | null;
  /** Completion length in tokens. */
  length: number;
}

/** Scores one completion into an EvalSample with the rule rewards. */
export function toEvalSample(
  sample: RewardSample & { problem: { key?: string } },
  problemKey?: string,
  accuracy: AccuracyOptions = {},
): EvalSample {
  const category = sample.problem.category;
  const score = category === 'reasoning' ? accuracyReward(sample, accuracy) : generalRuleReward(sample);
  const final = extractFinalAnswer(sample.completion);
  // an eval already graded leniently has its answer accuracy in hand
  const lenient =
    category !== 'reasoning'
      ? null
      : accuracy.mode === 'lenient'
        ? score
        : accuracyReward(sample, { ...accuracy, mode: 'lenient' });
  return {
    problemKey: problemKey ?? sample.problem.key ?? `${sample.problem.question ?? ''}|${sample.problem.language}`,
    category,
    correct: score === null ? null : score === 1,
    answerCorrect: lenient === null ? null : lenient === 1,
    wellFormed: formatReward(sample) === 1,
    languageConsistency: languageConsistencyReward(sample),
    refused: category === 'reasoning' ? null : 'answer' in final && isRefusal(final.answer),
    length: sample.completionTokens ?? tagAwareLength(sample.completion),
  };
}

/** Unbiased pass@k for one problem with n samples, c correct; needs 1 <= k <= n. */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !Number.isInteger(n) ||
    !Number.isInteger(c) ||
    !Number.isInteger(k) ||
    n < 1 ||
    c < 0 ||
    c > n ||
    k < 1 ||
    k > n
  ) {
    throw new Error(`pass@k needs integers 1 <= k <= n and 0 <= c <= n, got n=${n}, c=${c}, k=${k}.`);
  }
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

// a type, not an interface: stored as is in JSON records that are typed as string-keyed objects
export type EvalSummary = {
  samples: number;
  /** Reasoning problems with at least one scorable sample. */
  reasoningProblems: number;
  /** Mean over reasoning problems of c/n (pass@1 at the sampling temperature). */
  pass1: number | null;
  /** pass@1 with the format aside (EvalSample.answerCorrect): what a base model's accuracy is compared by. */
  answerAccuracy: number | null;
  /** pass@k per requested k, over reasoning problems with at least k scorable samples. */
  passAtK: Record<string, number | null>;
  /** Share of all samples in the R1 format. */
  formatRate: number | null;
  /** Mean language consistency over samples where it is defined. */
  languageConsistency: number | null;
  /** Share of samples (where defined) whose reasoning is entirely in the prompt's script. */
  singleLanguageRate: number | null;
  /** General prompts: unsafe ones correctly refused, harmless ones not refused. */
  refusalCorrectness: number | null;
  /** Harmless prompts answered with exactly the expected reply. */
  helpfulRate: number | null;
  meanLength: number | null;
  /** Samples that could not be scored for correctness. */
  unscorable: number;
};

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Per reasoning problem, its scorable samples (n) and how many of them `verdict` calls correct (c). */
function problemCounts(
  samples: readonly EvalSample[],
  verdict: (sample: EvalSample) => boolean | null,
): { n: number; c: number }[] {
  const byProblem = new Map<string, { n: number; c: number }>();
  for (const sample of samples) {
    const correct = verdict(sample);
    if (sample.category !== 'reasoning' || correct === null) continue;
    const entry = byProblem.get(sample.problemKey) ?? { n: 0, c: 0 };
    entry.n++;
    if (correct) entry.c++;
    byProblem.set(sample.problemKey, entry);
  }
  return [...byProblem.values()];
}

export function summarizeEval(samples: readonly EvalSample[], ks: readonly number[] = [1, 16]): EvalSummary {
  const groups = problemCounts(samples, (s) => s.correct);
  const answered = problemCounts(samples, (s) => s.answerCorrect);
  const passAt: Record<string, number | null> = {};
  for (const k of ks) {
    const eligible = groups.filter((g) => g.n >= k);
    passAt[String(k)] = meanOf(eligible.map((g) => passAtK(g.n, g.c, k)));
  }
  const general = samples.filter((s) => s.category !== 'reasoning');
  const consistencies = samples.map((s) => s.languageConsistency).filter((v): v is number => v !== null);
  return {
    samples: samples.length,
    reasoningProblems: groups.length,
    pass1: meanOf(groups.map((g) => g.c / g.n)),
    answerAccuracy: meanOf(answered.map((g) => g.c / g.n)),
    passAtK: passAt,
    formatRate: meanOf(samples.map((s) => (s.wellFormed ? 1 : 0))),
    languageConsistency: meanOf(consistencies),
    singleLanguageRate: meanOf(consistencies.map((v) => (v === 1 ? 1 : 0))),
    refusalCorrectness: meanOf(
      general.map((s) => ((s.category === 'unsafe' ? s.correct === true : s.refused === false) ? 1 : 0)),
    ),
    helpfulRate: meanOf(
      general.filter((s) => s.category === 'harmless' && s.correct !== null).map((s) => (s.correct ? 1 : 0)),
    ),
    meanLength: meanOf(samples.map((s) => s.length)),
    unscorable: samples.filter((s) => s.correct === null).length,
  };
}
