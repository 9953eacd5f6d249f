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
  /** the stage's own workflow, where its live steps are while it runs */
  workflowId?: string;
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
 * Where a running stage is, step by step. Nothing carries it into a workflow history: a GRPO
 * stage workflow keeps it in memory (its `stageProgress` query and its current details, both
 * answered without an event), and a pretraining or SFT activity sends it with its heartbeats,
 * which the server keeps on the pending activity (read with describe). The pipeline itself only
 * learns a stage's numbers when the stage finishes; `r1flow status` and `run --follow` put the
 * two together (cli/live-progress).
 */
export interface LiveStageProgress {
  stage: StageName;
  step: number;
  totalSteps: number;
  metrics: ProgressMetrics;
}

/** What a training activity's heartbeat details hold besides its own resume point. */
export interface LiveHeartbeatDetails {
  live?: LiveStageProgress;
}
