// An unsharded GRPO step as one grpoStep activity: the stage workflow schedules one activity per
// step, and it ends with the same checkpoint bytes as the three activities (rollouts, score,
// update) called one after the other; a retry of it that finds its step scored (its heartbeat
// details) goes straight to the update, without sampling again, and ends the same.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createControlActivities } from '../../activities/control';
import type { ActivityDeps } from '../../activities/deps';
import { createGpuActivities } from '../../activities/gpu';
import { WorkerCaches } from '../../activities/worker-caches';
import type { GrpoStepInput, GrpoStepProgress, ScoreResult } from '../../contracts/activities';
import { createLogger } from '../../infra/logger';
import { resolveConfig } from '../../recipe/config';
import { ObjectNotFoundError } from '../../storage/errors';
import { runKeys } from '../../storage/layout';
import type { CheckpointRef } from '../../storage/manifest';
import { RunStore } from '../../storage/run-store';
import { stageWorkflowId } from '../../workflows/run-id';
import { grpoStage, type StageActivities } from '../../workflows/stage-bodies';
import { stageInput } from '../../workflows/stage-plan';
import { FAST_FAILURE, newRunId, ONLY_TWO_STAGES, startPipeline, usePipelineTestContext } from '../helpers/pipeline';

const ctx = usePipelineTestContext();

const CONFIG = {
  preset: 'micro',
  seed: 31,
  ...FAST_FAILURE,
  workflow: { ...FAST_FAILURE.workflow, continueAsNewAfter: 100 },
  stages: { ...ONLY_TWO_STAGES.stages, r1Zero: { grpo: { steps: 2 } } },
};

test(
  'a GRPO step as one activity ends as its three activities do, and resumes at the update',
  { timeout: 600_000 },
  async () => {
    const temporalRun = newRunId('whole-step');
    const viaTemporal = await (await startPipeline(ctx.client, temporalRun, CONFIG)).result();
    const history = await ctx.client.workflow.getHandle(stageWorkflowId(temporalRun, 'r1Zero')).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name) => name !== undefined);
    assert.deepEqual(scheduled, ['grpoStep', 'grpoStep', 'evaluate'], 'one activity per step, then the evaluation');

    // the same stage in process, as rollouts → score → update per step
    const deps: ActivityDeps = {
      store: ctx.store,
      log: createLogger('grpo-step-test', { level: 'warn', format: 'json' }),
      cacheDir: mkdtempSync(join(tmpdir(), 'r1flow-grpo-step-')),
      caches: new WorkerCaches(),
    };
    const config = resolveConfig(CONFIG);
    const control = createControlActivities(deps);
    const gpu = createGpuActivities(deps);
    const scores: ScoreResult[] = [];
    const policies: CheckpointRef[] = [];
    const threeCalls: StageActivities = {
      pretrain: (i) => gpu.pretrain(i),
      evaluate: (i) => gpu.evaluate(i),
      buildSftData: (i) => gpu.buildSftData(i),
      sft: (i) => gpu.sft(i),
      rollouts: (i) => gpu.rollouts(i),
      scoreRollouts: async (i) => {
        scores.push(await control.scoreRollouts(i));
        return scores[scores.length - 1];
      },
      policyUpdate: async (i) => {
        policies.push(await gpu.policyUpdate(i));
        return policies[policies.length - 1];
      },
      findResumePoint: (i) => control.findResumePoint(i),
    };
    try {
      const runId = newRunId('three-calls');
      const init = await control.initRun({ runId, config, rawConfig: CONFIG });
      const input = stageInput('r1Zero', { runId, config, init }, { pretrain: viaTemporal.stages.pretrain });
      const inProcess = await grpoStage(input, threeCalls);
      assert.equal(policies.length, 2);
      assert.equal(
        viaTemporal.stages.r1Zero!.checkpoint.sha256,
        inProcess.checkpoint.sha256,
        'the same R1-Zero checkpoint from one activity per step as from three',
      );

      // a retry of step 2 whose first attempt had scored the step: its rollouts are gone from S3,
      // so the retry can only succeed without sampling them again
      const run = new RunStore(ctx.store, runId);
      await ctx.store.delete(run.key(runKeys.rollouts('r1Zero', 1)));
      const beats: GrpoStepProgress[] = [];
      const retry = new MockActivityEnvironment({
        heartbeatDetails: { step: 1, phase: 'update', scoreMetrics: scores[1].metrics } satisfies GrpoStepProgress,
      });
      retry.on('heartbeat', (d: GrpoStepProgress) => beats.push(d));
      const stepTwo: GrpoStepInput = { runId, stage: 'r1Zero', config, step: 1, totalSteps: 2, policy: policies[0] };
      const resumed: CheckpointRef = await retry.run(() => gpu.grpoStep(stepTwo));
      assert.equal(resumed.sha256, policies[1].sha256, 'the resumed step ends with the same checkpoint');
      await assert.rejects(run.getBytes(runKeys.rollouts('r1Zero', 1)), ObjectNotFoundError);
      assert.ok(
        beats.every((b) => b.phase === 'update'),
        `a resumed step reports only its update: ${JSON.stringify(beats)}`,
      );

      // a first attempt reports the step scored as soon as it is, with the score step's metrics
      const freshRun = newRunId('fresh-step');
      await control.initRun({ runId: freshRun, config, rawConfig: CONFIG });
      const fresh = new MockActivityEnvironment();
      const freshBeats: GrpoStepProgress[] = [];
      fresh.on('heartbeat', (d: GrpoStepProgress) => freshBeats.push(d));
      const stepOne: GrpoStepInput = {
        runId: freshRun,
        stage: 'r1Zero',
        config,
        step: 0,
        totalSteps: 2,
        policy: input.init!,
      };
      const again: CheckpointRef = await fresh.run(() => gpu.grpoStep(stepOne));
      assert.equal(again.sha256, policies[0].sha256);
      assert.deepEqual(freshBeats.at(-1), { step: 0, phase: 'update', scoreMetrics: scores[0].metrics });
    } finally {
      await deps.caches.release();
    }
  },
);
