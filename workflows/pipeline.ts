// r1Pipeline: the whole recipe as one durable workflow. It validates the config, runs each stage
// as a child workflow with a deterministic id, records finished stages in the run manifest, and
// when a stage fails after its retries it waits — visibly — for a `resume` (optionally with a
// config patch) or an `abort`, instead of failing the run. Its history grows only with stages and
// resumes, never with steps; it still continues as new at a stage boundary once the history is
// long (a run resumed many times), carrying what it knows (PipelineCarry).
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  executeChild,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { InitRunResult } from '../contracts/activities';
import type { PipelineProgress } from '../contracts/progress';
import { CONTROL_QUEUE } from '../contracts/queues';
import { finalResultOf, type PipelineResult, type StageResult } from '../contracts/stages';
import type { StageName } from '../recipe/config/stage-names';
import { controlLocalActivities, gpuActivities } from './activity-proxies';
import { loadResolver, validateConfig } from './config-resolver';
import { PipelineControl } from './pipeline-control';
import { stageStartMetadata } from './run-metadata';
import { RunProgress } from './run-progress';
import { runIdFromWorkflowId, stageWorkflowId } from './run-id';
import { runStagesInOrder } from './stage-order';
import { stageInput } from './stage-plan';
import { stageWorkflowOf } from './stages';

/** The change that rebuilds the report after every stage (workflow versioning: `patched`). */
const REPORT_PER_STAGE_PATCH = 'report-after-each-stage';
/** The change that exports the final policy when a run ends. */
const EXPORT_FINAL_MODEL_PATCH = 'export-final-model';

/** What a pipeline run hands to the run it continues as new into. */
export interface PipelineCarry {
  /** the config as it stands, with every accepted resume patch merged in */
  rawConfig: unknown;
  init: InitRunResult;
  results: Partial<Record<StageName, StageResult>>;
  progress: PipelineProgress;
}

export async function r1Pipeline(
  rawConfig: unknown = { preset: 'tiny' },
  carried?: PipelineCarry,
): Promise<PipelineResult> {
  const { workflowId } = workflowInfo();
  const runId = runIdFromWorkflowId(workflowId);
  const resolver = await loadResolver();
  let raw = carried?.rawConfig ?? rawConfig;
  let config = validateConfig(resolver, raw);
  const state = new RunProgress(runId, config, carried?.progress);
  const control = new PipelineControl(state, resolver, () => raw);
  state.starting(config);

  // the bookkeeping activities run as local activities: the control workers that run this
  // workflow also serve them, and a local activity costs no task-queue round trip
  const bookkeeping = () => controlLocalActivities(config);
  const init =
    carried?.init ??
    (await bookkeeping().initRun.executeWithOptions({ summary: 'read the run manifest and find reusable stages' }, [
      { runId, config, rawConfig: raw },
    ]));
  const results: Partial<Record<StageName, StageResult>> = carried?.results ?? { ...init.doneStages };
  if (!carried) for (const [stage, result] of Object.entries(init.doneStages)) state.reused(stage as StageName, result);

  /** At a stage boundary: continue as new once the history is long, so no run of it nears Temporal's limit. */
  async function continueAsNewIfLong(): Promise<void> {
    const info = workflowInfo();
    if (!info.continueAsNewSuggested && info.historyLength < config.workflow.pipelineHistoryEvents) return;
    await continueAsNew<typeof r1Pipeline>(rawConfig, { rawConfig: raw, init, results, progress: state.progress });
  }

  /** A stage's child workflow, retried after each `resume` until it succeeds or the run is aborted. */
  async function runStage(stage: StageName): Promise<StageResult> {
    for (;;) {
      const childId = stageWorkflowId(workflowId, stage);
      state.running(stage, config, childId);
      try {
        const input = stageInput(stage, { runId, config, init }, results);
        return await control.cancellable(() =>
          executeChild(stageWorkflowOf(stage), {
            workflowId: childId,
            taskQueue: CONTROL_QUEUE,
            args: [input],
            ...stageStartMetadata(input),
          }),
        );
      } catch (err) {
        if (control.abortReason) throw aborted(control.abortReason);
        state.waiting(stage, errorMessage(err), new Date());
        const decision = await control.nextDecision();
        if (decision.kind === 'abort') throw aborted(decision.reason);
        if (decision.patch) {
          raw = resolver.deepMerge(raw, decision.patch);
          config = validateConfig(resolver, raw);
        }
        state.resumed();
        await continueAsNewIfLong();
      }
    }
  }

  /** Rebuilds the report so the details' link shows the stages so far. A view only: failing to refresh it never stops the run. */
  async function refreshReport(after: StageName): Promise<void> {
    try {
      const report = await bookkeeping().buildReport.executeWithOptions(
        { summary: `refresh the report after ${after}` },
        [{ runId, config, stages: results }],
      );
      state.reportRefreshed(report);
    } catch {
      // the previous link stays; the final report is built (and must succeed) at the end
    }
  }

  await runStagesInOrder(results, {
    enabled: (stage) => config.stages[stage].enabled,
    skipped: (stage) => state.skipped(stage),
    run: runStage,
    async done(stage, result) {
      state.done(stage, result);
      await bookkeeping().recordStage.executeWithOptions({ summary: `record ${stage} in the run manifest` }, [
        { runId, stage, result },
      ]);
      // runs started before this step existed replay without it
      if (patched(REPORT_PER_STAGE_PATCH)) await refreshReport(stage);
      await continueAsNewIfLong();
    },
  });

  state.reporting();
  // every run ends with its final policy as a Hugging Face folder, recorded in the run manifest
  // where the report and the details find it (runs that started before this replay without it)
  const final = finalResultOf(results)?.checkpoint;
  if (final && patched(EXPORT_FINAL_MODEL_PATCH)) {
    await gpuActivities(config).exportModel.executeWithOptions(
      { summary: 'export the final model as a Hugging Face folder' },
      [{ runId, config, policy: final }],
    );
  }
  await bookkeeping().finishRun.executeWithOptions(
    { summary: 'record the final checkpoint (and the lineage pointer)' },
    [{ runId, config, stages: results }],
  );
  const report = await bookkeeping().buildReport.executeWithOptions({ summary: 'write the run report' }, [
    { runId, config, stages: results },
  ]);
  state.reportRefreshed(report);
  state.finished(report.htmlUri);
  return { runId, stages: results, reportUri: report.jsonUri, reportHtmlUri: report.htmlUri };

  function aborted(reason: string): ApplicationFailure {
    state.aborted();
    return ApplicationFailure.create({
      message: `run ${runId} aborted: ${reason}`,
      type: 'Aborted',
      nonRetryable: true,
    });
  }
}

/** The message a person needs: a child failure wraps the activity failure that wraps the real error. */
function errorMessage(err: unknown): string {
  let e: unknown = err;
  // unwrap those two, but not the real error's own causes (an SDK error under ours says less than ours)
  while ((e instanceof ChildWorkflowFailure || e instanceof ActivityFailure) && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
