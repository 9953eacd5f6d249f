// The pipeline's live progress, as the `progress` query returns it and the CLI and the UI show it.
import type { StageName } from '../recipe/config/schema';
import type { EvalSummary } from '../recipe/eval/metrics';
import type { PROGRESS_METRICS } from '../recipe/metrics';

export type StageStatus = 'pending' | 'skipped' | 'reused' | 'running' | 'done' | 'failed' | 'waiting';

/** The handful of numbers a progress view shows (recipe/metrics PROGRESS_METRICS). */
export type ProgressMetrics = Partial<Record<(typeof PROGRESS_METRICS)[number], number>>;

export interface StageProgress {
  stage: StageName;
  status: StageStatus;
  step: number;
  totalSteps: number;
  /** latest training numbers (reward, accuracy, loss, …) */
  metrics: ProgressMetrics;
  /** held-out evaluation after the stage */
  eval?: EvalSummary;
  checkpointUri?: string;
  error?: string;
}

export interface PipelineProgress {
  runId: string;
  preset?: string;
  status: 'running' | 'waiting-for-resume' | 'done' | 'aborted';
  currentStage?: StageName;
  stages: StageProgress[];
  /** set while the pipeline waits after a failed stage */
  waiting?: { stage: StageName; error: string; since: string };
  reportUri?: string;
  /** a link that opens the report in a browser, refreshed after every stage */
  reportLink?: ReportLink;
  /** where the exported model is, once the run's manifest records one */
  exportedModelUri?: string;
}

/** A browser link to the run's report.html: a presigned S3 URL, which stops working at `expiresAt`. */
export interface ReportLink {
  url: string;
  expiresAt: string;
}

/**
 * Sent to the pipeline by a training activity (a GRPO update, a chunk of pretraining or SFT), so
 * the pipeline's progress is live. The activity signals the pipeline itself: a signal sent by the
 * stage workflow would cost that workflow an extra workflow task per step.
 */
export interface StageStepUpdate {
  stage: StageName;
  step: number;
  totalSteps: number;
  metrics: ProgressMetrics;
}
