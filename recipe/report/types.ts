// report.json: every number a run produced, in one validated document. The HTML page is rendered
// from it alone, so `r1flow report RUN` can regenerate the page without touching the run again.
// Almost everything is optional or nullable: a run may cover a subset of stages, a stage may have
// failed before it produced a checkpoint, and a metric may be undefined (e.g. no general prompts).
import { z } from 'zod';
import { formatIssues } from '../config/errors';
import { STAGE_NAMES, type StageName } from '../config/schema';

export const REPORT_VERSION = 1;

/** Stages in pipeline order; the report renders them in this order. */
export const REPORT_STAGES: readonly StageName[] = STAGE_NAMES;

const maybeNumber = z.number().nullable().optional();
const maybeCount = z.number().int().min(0).nullable().optional();
/** Fractions are stored as 0..1 (not percent) everywhere in the report. */
const maybeFraction = z.number().min(0).max(1).nullable().optional();
const timestamp = z.iso.datetime({ offset: true });

/**
 * One logged training step. `step` is required; every other key is a metric name whose value is
 * null where it was not defined at that step (charts draw a gap there). Names the renderer knows
 * are recipe/metrics' STEP_METRICS; per-reward-function rewards use `reward.<function>`.
 */
export const CurvePointSchema = z.object({ step: z.number().int().min(0) }).catchall(z.number().nullable());
export type CurvePoint = z.infer<typeof CurvePointSchema>;

/** Curve keys are recipe/metrics' step metric names; per-reward-function rewards use `reward.<function>`. */
export { REWARD_FUNCTION_PREFIX } from '../metrics';

export const CheckpointRefSchema = z.object({
  uri: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' }),
  step: z.number().int().min(0),
});
export type CheckpointRef = z.infer<typeof CheckpointRefSchema>;

/**
 * A held-out evaluation of one model. Field meanings match recipe/eval's EvalSummary, so a
 * summary can be stored as is; extra numeric fields are kept.
 */
export const ModelEvalSchema = z.looseObject({
  /** mean over reasoning problems of c/n at the eval temperature */
  pass1: maybeFraction,
  /** the same with the format aside (an answer outside the answer tags counts) */
  answerAccuracy: maybeFraction,
  /** pass@k keyed by k as a string ("1", "4", ...) */
  passAtK: z
    .record(
      z.string().regex(/^[1-9][0-9]*$/, { error: 'keys must be positive whole numbers' }),
      z.number().min(0).max(1).nullable(),
    )
    .optional(),
  formatRate: maybeFraction,
  languageConsistency: maybeFraction,
  singleLanguageRate: maybeFraction,
  refusalCorrectness: maybeFraction,
  helpfulRate: maybeFraction,
  /** mean completion length in tokens */
  meanLength: z.number().min(0).nullable().optional(),
  samples: maybeCount,
  reasoningProblems: maybeCount,
  unscorable: maybeCount,
});
export type ModelEval = z.infer<typeof ModelEvalSchema>;

/** What a data step did, e.g. the cold-start filter: how many examples it kept and why it dropped the rest. */
export const DataReportSchema = z.object({
  title: z.string().min(1),
  kept: maybeCount,
  /** dropped examples by reason */
  dropped: z.record(z.string(), z.number().int().min(0)).optional(),
  /** any other counts or facts worth showing (sources mixed in, sample counts, ...) */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
});
export type DataReport = z.infer<typeof DataReportSchema>;

export const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped', 'reused'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const StageReportSchema = z.object({
  status: z.enum(STAGE_STATUSES),
  startedAt: timestamp.nullable().optional(),
  finishedAt: timestamp.nullable().optional(),
  wallSeconds: z.number().min(0).nullable().optional(),
  checkpoint: CheckpointRefSchema.nullable().optional(),
  curve: z.array(CurvePointSchema).optional(),
  data: z.array(DataReportSchema).optional(),
  eval: ModelEvalSchema.nullable().optional(),
  /** the last error of a failed stage, as shown to the user */
  error: z.string().nullable().optional(),
});
export type StageReport = z.infer<typeof StageReportSchema>;

export const SampleCompletionSchema = z.object({
  prompt: z.string(),
  base: z.string(),
  final: z.string(),
  /** the gold answer or expected behaviour, when there is one */
  expected: z.string().optional(),
  /** e.g. reasoning / harmless / unsafe */
  category: z.string().optional(),
  correct: z.object({ base: z.boolean(), final: z.boolean() }).optional(),
});
export type SampleCompletion = z.infer<typeof SampleCompletionSchema>;

/**
 * A target from the issue, judged on the report's numbers. `unit` says how value and target read:
 * fraction (0..1, shown as %), points (percentage points), seconds.
 */
export const TargetResultSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  value: z.number().nullable(),
  target: z.number(),
  comparison: z.enum(['>=', '<=', '>']),
  unit: z.enum(['fraction', 'points', 'seconds']),
  met: z.boolean(),
  /** which stages were compared, or why the value is missing */
  detail: z.string().optional(),
});
export type TargetResult = z.infer<typeof TargetResultSchema>;

/** How the held-out eval was run (mirrors the config's `eval` section). */
export const EvalSetupSchema = z.looseObject({
  problems: maybeCount,
  generalPrompts: maybeCount,
  temperature: maybeNumber,
  samples: maybeCount,
  passK: maybeCount,
  maxNewTokens: maybeCount,
  seed: maybeNumber,
});
export type EvalSetup = z.infer<typeof EvalSetupSchema>;

const stageShape = Object.fromEntries(STAGE_NAMES.map((name) => [name, StageReportSchema.optional()])) as {
  [K in StageName]: z.ZodOptional<typeof StageReportSchema>;
};

export const RunReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  runId: z.string().min(1),
  preset: z.string().nullable().optional(),
  createdAt: timestamp.nullable().optional(),
  finishedAt: timestamp.nullable().optional(),
  /** whole-pipeline wall time; when absent, finishedAt − createdAt is used */
  wallSeconds: z.number().min(0).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  /** the run's page in the Temporal UI; the only external link the HTML page contains */
  uiUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .nullable()
    .optional(),
  /** the base model a run imported instead of pretraining: its source and the sha256 of its files */
  baseModel: z
    .object({ source: z.string(), sha256: z.string(), architecture: z.string().optional() })
    .nullable()
    .optional(),
  /** the final policy exported as a Hugging Face folder (transformers loads it) */
  model: z.object({ uri: z.string(), sha256: z.string() }).nullable().optional(),
  /** where the machine ran: cores, device, versions */
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** the resolved pipeline config, as run */
  config: z.unknown().optional(),
  evalSetup: EvalSetupSchema.optional(),
  /** the base model's held-out eval (before any post-training) */
  baseEval: ModelEvalSchema.nullable().optional(),
  stages: z.strictObject(stageShape),
  samples: z.array(SampleCompletionSchema).optional(),
  /** stored results of evaluateTargets; recomputed by the renderer when absent */
  targets: z.array(TargetResultSchema).optional(),
});
export type RunReport = z.infer<typeof RunReportSchema>;

export class ReportError extends Error {
  constructor(
    readonly problems: string[],
    readonly source?: string,
  ) {
    super(`${source ?? 'report'} is not a valid run report: ${problems.join('; ')}`);
    this.name = 'ReportError';
  }
}

/** Validates parsed report.json; a failure lists every problem as `path: what is wrong`. */
export function parseRunReport(value: unknown, source?: string): RunReport {
  const result = RunReportSchema.safeParse(value);
  if (!result.success) throw new ReportError(formatIssues(result.error.issues), source);
  return result.data;
}
