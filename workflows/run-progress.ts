// The pipeline's progress as the workflow keeps it: one object that updates the `progress`
// query's answer, the UI's current details and the search attributes together, so the three
// never disagree. It changes only when a stage starts, ends or waits — never per training step
// (a running stage's steps are on the stage's own workflow, see contracts/progress) — so the
// pipeline's history does not grow with a stage's length.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { ReportResult } from '../contracts/activities';
import type { PipelineProgress, StageProgress } from '../contracts/progress';
import type { StageResult } from '../contracts/stages';
import { LINEAGE_KEY, PRESET_KEY, STAGE_KEY, STEP_KEY } from '../contracts/search-attributes';
import type { PipelineConfig } from '../recipe/config/schema';
import { STAGE_NAMES, type StageName } from '../recipe/config/stage-names';
import { pickMetrics, PROGRESS_METRICS } from '../recipe/metrics';
import { progressMarkdown } from './details';
import { pipelineSummary } from './run-metadata';
import { totalStepsOf } from './stage-plan';

export class RunProgress {
  readonly progress: PipelineProgress;

  /** the run's one-line summary (workflows/run-metadata), shown atop the details */
  private summary: string;

  /** `carried`: the progress of the run this one continued as new from. */
  constructor(runId: string, config: PipelineConfig, carried?: PipelineProgress) {
    this.summary = pipelineSummary(config);
    this.progress = carried ?? {
      runId,
      preset: config.preset,
      status: 'running',
      stages: STAGE_NAMES.map((stage): StageProgress => ({
        stage,
        status: 'pending',
        step: 0,
        totalSteps: totalStepsOf(stage, config),
        metrics: {},
      })),
    };
  }

  stage(stage: StageName): StageProgress {
    return this.progress.stages.find((p) => p.stage === stage)!;
  }

  publish(): void {
    setCurrentDetails(progressMarkdown(this.progress, this.summary));
  }

  starting(config: PipelineConfig): void {
    upsertSearchAttributes([
      { key: PRESET_KEY, value: config.preset ?? 'custom' },
      ...(config.lineage ? [{ key: LINEAGE_KEY, value: config.lineage }] : []),
      { key: STAGE_KEY, value: this.progress.currentStage ?? 'starting' },
    ]);
    this.publish();
  }

  reused(stage: StageName, result: StageResult): void {
    Object.assign(this.stage(stage), {
      status: 'reused',
      step: result.checkpoint.step,
      checkpointUri: result.checkpoint.uri,
      eval: result.eval,
    });
  }

  skipped(stage: StageName): void {
    this.stage(stage).status = 'skipped';
  }

  /** `workflowId`: the stage's own workflow, where its live steps are. */
  running(stage: StageName, config: PipelineConfig, workflowId: string): void {
    const s = this.stage(stage);
    s.status = 'running';
    s.totalSteps = totalStepsOf(stage, config);
    s.workflowId = workflowId;
    this.progress.currentStage = stage;
    upsertSearchAttributes([
      { key: STAGE_KEY, value: stage },
      { key: STEP_KEY, value: 0 },
    ]);
    this.publish();
  }

  done(stage: StageName, result: StageResult): void {
    const s = this.stage(stage);
    Object.assign(s, {
      status: 'done',
      step: result.checkpoint.step,
      totalSteps: s.totalSteps || result.checkpoint.step,
      metrics: pickMetrics(result.checkpoint.metrics, PROGRESS_METRICS),
      checkpointUri: result.checkpoint.uri,
      eval: result.eval,
      error: undefined,
    });
    upsertSearchAttributes([{ key: STEP_KEY, value: result.checkpoint.step }]);
    this.publish();
  }

  waiting(stage: StageName, error: string, since: Date): void {
    const s = this.stage(stage);
    s.status = 'waiting';
    s.error = error;
    this.progress.status = 'waiting-for-resume';
    this.progress.waiting = { stage, error, since: since.toISOString() };
    upsertSearchAttributes([{ key: STAGE_KEY, value: `${stage}:waiting` }]);
    this.publish();
  }

  resumed(): void {
    this.progress.status = 'running';
    this.progress.waiting = undefined;
  }

  reporting(): void {
    this.progress.currentStage = undefined;
    upsertSearchAttributes([{ key: STAGE_KEY, value: 'report' }]);
    this.publish();
  }

  /** The report was rebuilt (after a stage, or at the end): the details link to it. */
  reportRefreshed(report: Pick<ReportResult, 'htmlUri' | 'link' | 'exportedModelUri'>): void {
    this.progress.reportLink = report.link;
    this.progress.exportedModelUri = report.exportedModelUri;
    this.publish();
  }

  finished(reportUri: string): void {
    this.progress.status = 'done';
    this.progress.reportUri = reportUri;
    upsertSearchAttributes([{ key: STAGE_KEY, value: 'done' }]);
    this.publish();
  }

  aborted(): void {
    this.progress.status = 'aborted';
    upsertSearchAttributes([{ key: STAGE_KEY, value: 'aborted' }]);
    this.publish();
  }
}
