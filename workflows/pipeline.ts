// r1Pipeline: the whole recipe as one durable workflow. It validates the config, runs each stage
// as a child workflow with a deterministic id, records finished stages in the run manifest, and
// when a stage fails after its retries it waits — visibly — for a `resume` (optionally with a
// config patch) or an `abort`, instead of failing the run.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CheckpointRef } from '../activities/types';
import { CONTROL_QUEUE } from '../contracts/queues';
import { ConfigError } from '../recipe/config/errors';
import type * as ResolveModule from '../recipe/config/resolve';
import type { PipelineConfig } from '../recipe/config/schema';
import { STAGE_NAMES, type StageName } from '../recipe/config/stage-names';
import { controlLocalActivities } from './activity-proxies';
import {
  abortSignal,
  abortUpdate,
  displayMetrics,
  progressQuery,
  resumeUpdate,
  stageStepSignal,
  type PipelineProgress,
  type ResumeRequest,
  type StageProgress,
} from './definitions';
import { progressMarkdown } from './details';
import { runIdFromWorkflowId, stageWorkflowId } from './run-id';
import { LINEAGE_KEY, PRESET_KEY, STAGE_KEY, STEP_KEY } from '../contracts/search-attributes';
import { planStage, type StageWorkflowInput } from './stage-input';
import { stageWorkflowType, totalStepsOf } from './stages';

export interface PipelineResult {
  runId: string;
  stages: Partial<Record<StageName, CheckpointRef>>;
  reportUri?: string;
  reportHtmlUri?: string;
}

type ConfigResolver = typeof ResolveModule;

/**
 * The config validator (zod and the schema), loaded on first use. The workflow sandbox
 * initialises the bundle's modules afresh for every workflow it creates, and zod with the schema
 * takes ~10 ms of that: loaded eagerly, every stage workflow and every continue-as-new would pay
 * it without ever validating a config. `webpackMode: "eager"` keeps it inside the bundle.
 */
async function loadResolver(): Promise<ConfigResolver> {
  return import(/* webpackMode: "eager" */ '../recipe/config/resolve');
}

function validate(resolver: ConfigResolver, raw: unknown): PipelineConfig {
  try {
    return resolver.resolveConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: 'ConfigError',
        nonRetryable: true,
        details: [err.problems],
      });
    }
    throw err;
  }
}

function errorMessage(err: unknown): string {
  let e: unknown = err;
  // a child workflow failure wraps the activity failure that wraps the real error: unwrap those
  // two, but not the real error's own causes (an SDK error under ours says less than ours)
  while ((e instanceof ChildWorkflowFailure || e instanceof ActivityFailure) && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

type Decision = { kind: 'resume'; patch?: Record<string, unknown> } | { kind: 'abort'; reason: string };

export async function r1Pipeline(rawConfig: unknown = { preset: 'tiny' }): Promise<PipelineResult> {
  const info = workflowInfo();
  const runId = runIdFromWorkflowId(info.workflowId);
  let raw = rawConfig;
  const resolver = await loadResolver();
  let config = validate(resolver, raw);

  const progress: PipelineProgress = {
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
  const stageOf = (s: StageName) => progress.stages.find((p) => p.stage === s)!;
  const publish = () => setCurrentDetails(progressMarkdown(progress));

  let decision: Decision | undefined;
  let abortRequested: string | undefined;
  let running: CancellationScope | undefined;

  setHandler(progressQuery, () => progress);
  setHandler(stageStepSignal, (u) => {
    const s = stageOf(u.stage);
    // a late signal from a finished stage, or from an attempt before a resume, is old news
    if (s.status !== 'running') return;
    s.step = u.step;
    s.totalSteps = u.totalSteps;
    s.metrics = u.metrics;
    upsertSearchAttributes([{ key: STEP_KEY, value: u.step }]);
    publish();
  });
  const requestAbort = (reason = 'aborted by user') => {
    abortRequested = reason;
    decision = { kind: 'abort', reason };
    running?.cancel();
  };
  setHandler(abortSignal, (reason?: string) => requestAbort(reason));
  setHandler(abortUpdate, (reason?: string) => {
    requestAbort(reason);
    return `run ${runId} is being aborted`;
  });
  setHandler(
    resumeUpdate,
    (request?: ResumeRequest) => {
      decision = { kind: 'resume', patch: request?.patch };
      return `resuming stage ${progress.waiting?.stage} of run ${runId}${request?.patch ? ' with the patched config' : ''}`;
    },
    {
      validator: (request?: ResumeRequest) => {
        if (progress.status !== 'waiting-for-resume')
          throw new Error(`run ${runId} is not waiting for a resume (status: ${progress.status})`);
        if (request?.patch !== undefined) {
          if (typeof request.patch !== 'object' || request.patch === null || Array.isArray(request.patch))
            throw new Error('patch must be a JSON object');
          try {
            resolver.resolveConfig(resolver.deepMerge(raw, request.patch));
          } catch (err) {
            if (err instanceof ConfigError)
              throw new Error(`the patch makes the config invalid: ${err.problems.join('; ')}`, { cause: err });
            throw err;
          }
        }
      },
    },
  );

  upsertSearchAttributes([
    { key: PRESET_KEY, value: config.preset ?? 'custom' },
    ...(config.lineage ? [{ key: LINEAGE_KEY, value: config.lineage }] : []),
    { key: STAGE_KEY, value: 'starting' },
  ]);
  publish();

  // the bookkeeping activities run as local activities: the control workers that run this
  // workflow also serve them, and a local activity costs no task-queue round trip
  const control = () => controlLocalActivities(config);
  const init = await control().initRun.executeWithOptions(
    { summary: 'read the run manifest and find reusable stages' },
    [{ runId, config, rawConfig: raw }],
  );
  const refs: Partial<Record<StageName, CheckpointRef>> = { ...init.doneStages };
  for (const [stage, ref] of Object.entries(init.doneStages) as Array<[StageName, CheckpointRef]>) {
    Object.assign(stageOf(stage), { status: 'reused', step: ref.step, checkpointUri: ref.uri, eval: evalOf(ref) });
  }

  for (const stage of STAGE_NAMES) {
    const s = stageOf(stage);
    if (refs[stage]) continue;
    if (!config.stages[stage].enabled) {
      s.status = 'skipped';
      continue;
    }
    for (;;) {
      s.status = 'running';
      s.totalSteps = totalStepsOf(stage, config);
      progress.currentStage = stage;
      upsertSearchAttributes([
        { key: STAGE_KEY, value: stage },
        { key: STEP_KEY, value: 0 },
      ]);
      publish();
      try {
        const ref = await runStage(stage);
        refs[stage] = ref;
        Object.assign(s, {
          status: 'done',
          step: ref.step,
          totalSteps: s.totalSteps || ref.step,
          metrics: displayMetrics(ref.metrics),
          checkpointUri: ref.uri,
          eval: evalOf(ref),
          error: undefined,
        });
        await control().recordStage.executeWithOptions({ summary: `record ${stage} in the run manifest` }, [
          { runId, stage, ref },
        ]);
        publish();
        break;
      } catch (err) {
        if (abortRequested) return aborted(abortRequested);
        s.status = 'waiting';
        s.error = errorMessage(err);
        progress.status = 'waiting-for-resume';
        progress.waiting = { stage, error: s.error, since: new Date().toISOString() };
        upsertSearchAttributes([{ key: STAGE_KEY, value: `${stage}:waiting` }]);
        publish();
        decision = undefined;
        await condition(() => decision !== undefined);
        const d = decision as Decision | undefined;
        if (!d || d.kind === 'abort') return aborted(d?.reason ?? 'aborted by user');
        if (d.patch) {
          raw = resolver.deepMerge(raw, d.patch);
          config = validate(resolver, raw);
        }
        progress.status = 'running';
        progress.waiting = undefined;
      }
    }
  }

  progress.currentStage = undefined;
  upsertSearchAttributes([{ key: STAGE_KEY, value: 'report' }]);
  publish();
  await control().finishRun.executeWithOptions({ summary: 'record the final checkpoint (and the lineage pointer)' }, [
    { runId, config, stages: refs },
  ]);
  const report = await control().buildReport.executeWithOptions({ summary: 'write the run report' }, [
    { runId, config, stages: refs },
  ]);
  progress.status = 'done';
  progress.reportUri = report.htmlUri;
  upsertSearchAttributes([{ key: STAGE_KEY, value: 'done' }]);
  publish();
  return { runId, stages: refs, reportUri: report.jsonUri, reportHtmlUri: report.htmlUri };

  async function runStage(stage: StageName): Promise<CheckpointRef> {
    const plan = stage === 'pretrain' ? { init: init.base?.ref } : planStage(stage, refs);
    if ('missing' in plan && plan.missing) {
      throw ApplicationFailure.create({ message: plan.missing, type: 'ConfigError', nonRetryable: true });
    }
    const input: StageWorkflowInput = {
      runId,
      parentWorkflowId: info.workflowId,
      stage,
      config,
      pretrainHash: init.pretrainHash,
      init: plan.init,
      source: 'source' in plan ? plan.source : undefined,
      reference: 'reference' in plan ? plan.reference : undefined,
    };
    // a scope of its own, so that `abort` can cancel the stage that is running
    running = new CancellationScope();
    try {
      return await running.run(() =>
        executeChild(stageWorkflowType(stage), {
          workflowId: stageWorkflowId(info.workflowId, stage),
          taskQueue: CONTROL_QUEUE,
          args: [input],
          staticSummary: `${stage} of run ${runId}`,
        }),
      );
    } finally {
      running = undefined;
    }
  }

  function aborted(reason: string): never {
    progress.status = 'aborted';
    upsertSearchAttributes([{ key: STAGE_KEY, value: 'aborted' }]);
    publish();
    throw ApplicationFailure.create({
      message: `run ${runId} aborted: ${reason}`,
      type: 'Aborted',
      nonRetryable: true,
    });
  }
}

function evalOf(ref: CheckpointRef): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(ref.metrics)) if (k.startsWith('eval.')) out[k.slice(5)] = v;
  return out;
}
