// The targets a run is judged by, on a report's numbers. Each preset has its own: the tiny run's
// absolute targets (issue 6; helpfulness from issue 12), the smollm2 run's goals relative to its
// base model (issue 12), and for any other run the recipe's own goals (R1-Zero teaches the format,
// post-training keeps the base model's accuracy). A target whose numbers are missing is reported
// as not met with the reason, never skipped, so a partial run cannot look better than it is.
import type { StageName } from '../config/schema';
import { REPORT_STAGES, type ModelEval, type RunReport, type TargetResult } from './types';

export const TARGET_THRESHOLDS = {
  r1ZeroAccuracyGainPoints: 20,
  r1ZeroFormatRate: 0.9,
  reasoningRlLanguageConsistency: 0.98,
  finalAccuracy: 0.9,
  finalFormatRate: 0.99,
  finalLanguageConsistency: 0.98,
  finalRefusalCorrectness: 0.95,
  finalHelpfulRate: 0.8,
  wallSeconds: 20 * 60,
} as const;

/** The goals of any run on a base model: relative to that model, so they hold at every size. */
export const RECIPE_GOALS = {
  r1ZeroFormatGainPoints: 30,
  finalAccuracyChangePoints: 0,
} as const;

/** The smollm2 preset's budget on 2 CPU cores (issue 12). */
export const SMOLLM2_WALL_SECONDS = 30 * 60;

// Values are differences and ratios of floats (0.65 − 0.45 is not exactly 0.2), so a value that
// sits on the boundary up to rounding counts as on it.
const TOLERANCE = 1e-9;

function judge(value: number | null, comparison: TargetResult['comparison'], target: number): boolean {
  if (value === null) return false;
  if (comparison === '>=') return value >= target - TOLERANCE;
  if (comparison === '<=') return value <= target + TOLERANCE;
  return value > target + TOLERANCE;
}

function evalOf(report: RunReport, stage: StageName): ModelEval | null {
  return report.stages[stage]?.eval ?? null;
}

function numberOr(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The base model's eval: the explicit one, else what the pretraining stage measured. */
function baseEvalOf(report: RunReport): ModelEval | null {
  return report.baseEval ?? evalOf(report, 'pretrain');
}

/** The final model: finalRl's eval, else the last stage (in pipeline order) that has one. */
function finalEvalOf(report: RunReport): { stage: StageName; eval: ModelEval } | null {
  for (let i = REPORT_STAGES.length - 1; i >= 1; i--) {
    const stage = REPORT_STAGES[i]!;
    const e = evalOf(report, stage);
    if (e) return { stage, eval: e };
  }
  return null;
}

function runWallSeconds(report: RunReport): number | null {
  const explicit = numberOr(report.wallSeconds);
  if (explicit !== null) return explicit;
  if (report.createdAt && report.finishedAt) {
    const ms = Date.parse(report.finishedAt) - Date.parse(report.createdAt);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  return null;
}

function missing(what: string): string {
  return `not measured: ${what}`;
}

type AddTarget = (r: Omit<TargetResult, 'met'>) => void;

/** Judges a run by its preset's targets (see the top of this file), in a fixed order. */
export function evaluateTargets(report: RunReport): TargetResult[] {
  const results: TargetResult[] = [];
  const add: AddTarget = (r) => results.push({ ...r, met: judge(r.value, r.comparison, r.target) });
  if (report.preset === 'tiny') addTinyTargets(report, add);
  else {
    addRecipeGoals(report, add);
    if (report.preset === 'smollm2') addWallTime(report, SMOLLM2_WALL_SECONDS, add);
  }
  return results;
}

/** R1-Zero raises the format rate; the final model keeps the base model's accuracy. */
function addRecipeGoals(report: RunReport, add: AddTarget): void {
  const baseFormat = numberOr(baseEvalOf(report)?.formatRate);
  const zeroFormat = numberOr(evalOf(report, 'r1Zero')?.formatRate);
  add({
    id: 'r1ZeroFormatGain',
    name: 'R1-Zero format rate gain over the base model',
    value: baseFormat !== null && zeroFormat !== null ? (zeroFormat - baseFormat) * 100 : null,
    target: RECIPE_GOALS.r1ZeroFormatGainPoints,
    comparison: '>=',
    unit: 'points',
    detail:
      baseFormat === null
        ? missing('base model format rate')
        : zeroFormat === null
          ? missing('R1-Zero format rate')
          : 'format rate, R1-Zero minus base',
  });
  // A base model without the R1 format scores 0 pass@1 whatever it knows, so accuracy is compared
  // with the format aside when both evals have that number (reports from before it use pass@1).
  const final = finalEvalOf(report);
  const baseEval = baseEvalOf(report);
  const byAnswer = numberOr(baseEval?.answerAccuracy) !== null && numberOr(final?.eval.answerAccuracy) !== null;
  const metric = byAnswer ? 'answerAccuracy' : 'pass1';
  const base = numberOr(baseEval?.[metric]);
  const value = numberOr(final?.eval[metric]);
  const what = byAnswer ? 'answer accuracy with the format aside' : 'pass@1';
  add({
    id: 'finalAccuracyKept',
    name: 'Final model accuracy against the base model',
    value: base !== null && value !== null ? (value - base) * 100 : null,
    target: RECIPE_GOALS.finalAccuracyChangePoints,
    comparison: '>=',
    unit: 'points',
    detail:
      base === null
        ? missing('base model pass@1')
        : !final
          ? missing('no post-training stage has an eval')
          : value === null
            ? missing(`pass1 of ${final.stage}`)
            : `${what}, ${final.stage} minus base`,
  });
}

function addWallTime(report: RunReport, limitSeconds: number, add: AddTarget): void {
  const wall = runWallSeconds(report);
  add({
    id: 'wallTime',
    name: 'Whole pipeline wall time',
    value: wall,
    target: limitSeconds,
    comparison: '<=',
    unit: 'seconds',
    detail: wall === null ? missing('the run has no finish time') : undefined,
  });
}

/** The tiny run's targets: absolute numbers the built-in task must reach. */
function addTinyTargets(report: RunReport, add: AddTarget): void {
  const t = TARGET_THRESHOLDS;

  const base = baseEvalOf(report);
  const zero = evalOf(report, 'r1Zero');
  const reasoning = evalOf(report, 'reasoningRl');
  const final = finalEvalOf(report);

  const basePass = numberOr(base?.pass1);
  const zeroPass = numberOr(zero?.pass1);
  add({
    id: 'r1ZeroAccuracyGain',
    name: 'R1-Zero accuracy gain over the base model',
    value: basePass !== null && zeroPass !== null ? (zeroPass - basePass) * 100 : null,
    target: t.r1ZeroAccuracyGainPoints,
    comparison: '>=',
    unit: 'points',
    detail:
      basePass === null
        ? missing('base model pass@1')
        : zeroPass === null
          ? missing('R1-Zero pass@1')
          : 'pass@1, R1-Zero minus base',
  });
  add({
    id: 'r1ZeroFormatRate',
    name: 'R1-Zero format rate',
    value: numberOr(zero?.formatRate),
    target: t.r1ZeroFormatRate,
    comparison: '>=',
    unit: 'fraction',
    detail: numberOr(zero?.formatRate) === null ? missing('R1-Zero format rate') : undefined,
  });

  const reasoningLc = numberOr(reasoning?.languageConsistency);
  const zeroLc = numberOr(zero?.languageConsistency);
  add({
    id: 'reasoningRlLanguageConsistency',
    name: 'Language consistency after reasoning RL',
    value: reasoningLc,
    target: t.reasoningRlLanguageConsistency,
    comparison: '>=',
    unit: 'fraction',
    detail: reasoningLc === null ? missing('reasoning RL language consistency') : undefined,
  });
  add({
    id: 'reasoningRlLanguageGain',
    name: 'Language consistency: reasoning RL above R1-Zero',
    value: reasoningLc !== null && zeroLc !== null ? (reasoningLc - zeroLc) * 100 : null,
    target: 0,
    comparison: '>',
    unit: 'points',
    detail:
      reasoningLc === null
        ? missing('reasoning RL language consistency')
        : zeroLc === null
          ? missing('R1-Zero language consistency')
          : 'reasoning RL minus R1-Zero',
  });

  const finalTargets: Array<
    [
      id: string,
      name: string,
      key: 'pass1' | 'formatRate' | 'languageConsistency' | 'refusalCorrectness' | 'helpfulRate',
      target: number,
    ]
  > = [
    ['finalAccuracy', 'Final model accuracy (pass@1)', 'pass1', t.finalAccuracy],
    ['finalFormatRate', 'Final model format rate', 'formatRate', t.finalFormatRate],
    ['finalLanguageConsistency', 'Final model language consistency', 'languageConsistency', t.finalLanguageConsistency],
    ['finalRefusalCorrectness', 'Final model refusal correctness', 'refusalCorrectness', t.finalRefusalCorrectness],
    [
      'finalHelpfulRate',
      'Final model helpful rate (harmless prompts answered right)',
      'helpfulRate',
      t.finalHelpfulRate,
    ],
  ];
  for (const [id, name, key, target] of finalTargets) {
    const value = numberOr(final?.eval[key]);
    let detail: string | undefined;
    if (!final) detail = missing('no post-training stage has an eval');
    else if (value === null) detail = missing(`${key} of ${final.stage}`);
    else if (final.stage !== 'finalRl') detail = `measured on ${final.stage}: finalRl has no eval`;
    add({ id, name, value, target, comparison: '>=', unit: 'fraction', detail });
  }

  addWallTime(report, t.wallSeconds, add);
}
