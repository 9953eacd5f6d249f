// The pipeline's progress as the workflow keeps it: one object that updates the `progress`
// query's answer, the UI's current details and the search attributes together, so the three
// never disagree.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { ReportResult } from '../contracts/activities';
import type { PipelineProgress, StageProgress, StageStepUpdate } from '../contracts/progress';
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

  constructor(runId: string, config: PipelineConfig) {
    this.summary = pipelineSummary(config);
    this.progress = {
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
      { key: STAGE_KEY, value: 'starting' },
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

  running(stage: StageName, config: PipelineConfig): void {
    const s = this.stage(stage);
    s.status = 'running';
    s.totalSteps = totalStepsOf(stage, config);
    this.progress.currentStage = stage;
    upsertSearchAttributes([
      { key: STAGE_KEY, value: stage },
      { key: STEP_KEY, value: 0 },
    ]);
    this.publish();
  }

  /** A training activity's step report; a late one from a finished stage or an earlier attempt is old news. */
  step(update: StageStepUpdate): void {
    const s = this.stage(update.stage);
    if (s.status !== 'running') return;
    s.step = update.step;
    s.totalSteps = update.totalSteps;
    s.metrics = update.metrics;
    upsertSearchAttributes([{ key: STEP_KEY, value: update.step }]);
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
