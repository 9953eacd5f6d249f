// The pipeline without Temporal, for benchmarks and in-process tools: the same stage order
// (workflows/stage-order), stage inputs (workflows/stage-plan) and stage bodies
// (workflows/stage-bodies) as r1Pipeline, over the activity functions called in process. A
// failed stage throws instead of waiting for a resume.
import { createControlActivities } from '../activities/control';
import type { ActivityDeps } from '../activities/deps';
import { createGpuActivities } from '../activities/gpu';
import type { ControlActivities, GpuActivities, ReportResult } from '../contracts/activities';
import { finalResultOf, type StageResult } from '../contracts/stages';
import { resolveConfig, type StageName } from '../recipe/config';
import { stageBodyOf, type StageActivities } from '../workflows/stage-bodies';
import { runStagesInOrder } from '../workflows/stage-order';
import { stageInput } from '../workflows/stage-plan';

/** The stage bodies' activities as direct calls (the summaries are for the Temporal UI only). */
export function directStageActivities(control: ControlActivities, gpu: GpuActivities): StageActivities {
  return {
    pretrain: (input) => gpu.pretrain(input),
    evaluate: (input) => gpu.evaluate(input),
    buildSftData: (input) => gpu.buildSftData(input),
    sft: (input) => gpu.sft(input),
    rollouts: (input) => gpu.rollouts(input),
    scoreRollouts: (input) => control.scoreRollouts(input),
    findResumePoint: (input) => control.findResumePoint(input),
    policyUpdate: (input) => gpu.policyUpdate(input),
    grpoStep: (input) => gpu.grpoStep(input),
  };
}

/**
 * The same activities, each call counted and timed by name: the calls Temporal would make as
 * activity tasks, so a benchmark can spread Temporal's cost over them and compare each
 * activity's own time with its time inside a worker.
 */
function counted<T extends object>(activities: T, calls: Record<string, number>, seconds: Record<string, number>): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        const t0 = performance.now();
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          seconds[name] = (seconds[name] ?? 0) + (performance.now() - t0) / 1000;
        }
      },
    ]),
  ) as T;
}

export interface PlainRun {
  results: Partial<Record<StageName, StageResult>>;
  /** how often each activity was called (every one is an activity task under Temporal) */
  activityCalls: Record<string, number>;
  /** wall seconds spent inside each activity, summed over its calls */
  activitySeconds: Record<string, number>;
  /** wall seconds of each stage that ran */
  perStageSeconds: Partial<Record<StageName, number>>;
  report: ReportResult;
}

export async function runPipelineInProcess(
  deps: ActivityDeps,
  runId: string,
  rawConfig: Record<string, unknown>,
  onStage?: (stage: StageName, result: StageResult, seconds: number) => void,
): Promise<PlainRun> {
  const config = resolveConfig(rawConfig);
  const activityCalls: Record<string, number> = {};
  const activitySeconds: Record<string, number> = {};
  const control = counted(createControlActivities(deps), activityCalls, activitySeconds);
  const gpu = counted(createGpuActivities(deps), activityCalls, activitySeconds);
  const acts = directStageActivities(control, gpu);
  const init = await control.initRun({ runId, config, rawConfig });
  const results: Partial<Record<StageName, StageResult>> = { ...init.doneStages };
  const perStageSeconds: Partial<Record<StageName, number>> = {};
  let started = 0;
  await runStagesInOrder(results, {
    enabled: (stage) => config.stages[stage].enabled,
    skipped: () => {},
    run: (stage) => {
      started = performance.now();
      const input = stageInput(stage, { runId, config, init }, results);
      return stageBodyOf(stage)(input, acts);
    },
    async done(stage, result) {
      perStageSeconds[stage] = (performance.now() - started) / 1000;
      onStage?.(stage, result, perStageSeconds[stage]);
      await control.recordStage({ runId, stage, result });
      // r1Pipeline refreshes the report after every stage (its details link to it)
      await control.buildReport({ runId, config, stages: results });
    },
  });
  const final = finalResultOf(results)?.checkpoint;
  if (final) await gpu.exportModel({ runId, config, policy: final });
  await control.finishRun({ runId, config, stages: results });
  const report = await control.buildReport({ runId, config, stages: results });
  return { results, activityCalls, activitySeconds, perStageSeconds, report };
}
