// A GRPO step's rollouts in three shards: run by one worker, or spread over three gpu worker
// processes, the stage ends with the same checkpoint bytes, and with three workers the shards
// really ran on more than one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from '@temporalio/client';
import { GPU_QUEUE } from '../../contracts/queues';
import { stageWorkflowId } from '../../workflows/run-id';
import {
  FAST_FAILURE,
  newRunId,
  ONLY_TWO_STAGES,
  startPipeline,
  startTestWorkers,
  usePipelineTestContext,
} from '../helpers/pipeline';
import { spawnWorker } from '../helpers/worker-process';

const ctx = usePipelineTestContext({ workers: false });

const CONFIG = {
  preset: 'micro',
  seed: 29,
  ...FAST_FAILURE,
  // one history per stage workflow, so one history holds every rollouts activity of the stage
  workflow: { ...FAST_FAILURE.workflow, continueAsNewAfter: 100 },
  stages: { ...ONLY_TWO_STAGES.stages, r1Zero: { grpo: { steps: 2, promptsPerStep: 3, rolloutShards: 3 } } },
};

const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** Waits until every one of the processes polls the gpu queue (identities are `pid@host`). */
async function waitForGpuPollers(client: Client, pids: number[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: GPU_QUEUE },
      taskQueueType: TASK_QUEUE_TYPE_ACTIVITY,
    });
    const identities = (r.pollers ?? []).map((p) => p.identity ?? '');
    if (pids.every((pid) => identities.some((id) => id.startsWith(`${pid}@`)))) return;
    if (Date.now() > deadline)
      throw new Error(`gpu pollers ${identities.join(', ')} lack one of pids ${pids.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The worker identity that ran each rollouts activity of a stage workflow. */
async function rolloutWorkers(client: Client, runId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(stageWorkflowId(runId, 'r1Zero')).fetchHistory();
  const events = history.events ?? [];
  const rolloutIds = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'rollouts')
      .map((e) => String(e.eventId)),
  );
  return events
    .map((e) => e.activityTaskStartedEventAttributes)
    .filter((a) => a && rolloutIds.has(String(a.scheduledEventId)))
    .map((a) => a!.identity ?? '');
}

test(
  'rollout shards spread over three gpu workers end with the same checkpoint as one worker',
  { timeout: 900_000 },
  async () => {
    const oneWorker = await (async () => {
      const workers = await startTestWorkers();
      try {
        return await (await startPipeline(ctx.client, newRunId('fanout-one'), CONFIG)).result();
      } finally {
        await workers.shutdown();
      }
    })();

    const control = await startTestWorkers(['control']);
    try {
      const gpu = [spawnWorker({ queues: 'gpu' }), spawnWorker({ queues: 'gpu' }), spawnWorker({ queues: 'gpu' })];
      await waitForGpuPollers(
        ctx.client,
        gpu.map((c) => c.pid!),
      );
      const runId = newRunId('fanout-three');
      const threeWorkers = await (await startPipeline(ctx.client, runId, CONFIG)).result();

      assert.equal(threeWorkers.stages.r1Zero!.checkpoint.step, 2);
      assert.equal(
        threeWorkers.stages.r1Zero!.checkpoint.sha256,
        oneWorker.stages.r1Zero!.checkpoint.sha256,
        'the same R1-Zero checkpoint whichever workers sampled the shards',
      );
      const ranOn = await rolloutWorkers(ctx.client, runId);
      assert.equal(ranOn.length, 6, 'three shards in each of two steps');
      const spawned = new Set(gpu.map((c) => c.pid));
      assert.ok(
        ranOn.every((id) => spawned.has(Number(id.split('@')[0]))),
        `rollouts ran on ${ranOn.join(', ')}`,
      );
      assert.ok(new Set(ranOn).size >= 2, `every shard ran on one worker: ${ranOn.join(', ')}`);
      for (const c of gpu) c.kill('SIGTERM');
    } finally {
      await control.shutdown();
    }
  },
);
