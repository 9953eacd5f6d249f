// A GRPO step's rollouts in three shards: run by one worker, or spread over three gpu worker
// processes, the stage ends with the same checkpoint bytes, and with three workers the shards
// really ran on more than one of them; one step off-policy too, where the next step's shards
// run while the update does.
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
  uninterruptedRun,
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

/** Each activity of the R1-Zero stage workflow: its name, step, the worker that ran it, and when it started and ended. */
interface ActivityRun {
  name: string;
  step: number;
  identity: string;
  started: number;
  ended: number;
}

async function stageActivityRuns(client: Client, runId: string): Promise<ActivityRun[]> {
  const history = await client.workflow.getHandle(stageWorkflowId(runId, 'r1Zero')).fetchHistory();
  const events = history.events ?? [];
  const time = (e: (typeof events)[number]) =>
    Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const runs = new Map<string, ActivityRun>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const input = JSON.parse(Buffer.from(scheduled.input?.payloads?.[0]?.data ?? []).toString()) as { step?: number };
      runs.set(String(e.eventId), {
        name: scheduled.activityType?.name ?? '',
        step: input.step ?? -1,
        identity: '',
        started: NaN,
        ended: NaN,
      });
    }
    const started = e.activityTaskStartedEventAttributes;
    const run = started && runs.get(String(started.scheduledEventId));
    if (run) {
      run.identity = started.identity ?? '';
      run.started = time(e);
    }
    const completed = e.activityTaskCompletedEventAttributes;
    const done = completed && runs.get(String(completed.scheduledEventId));
    if (done) done.ended = time(e);
  }
  return [...runs.values()];
}

/** Starts three gpu worker processes beside an in-process control worker, runs the config, stops them. */
async function onThreeGpuWorkers(prefix: string, config: Record<string, unknown>) {
  const control = await startTestWorkers(['control']);
  try {
    const gpu = [spawnWorker({ queues: 'gpu' }), spawnWorker({ queues: 'gpu' }), spawnWorker({ queues: 'gpu' })];
    try {
      await waitForGpuPollers(
        ctx.client,
        gpu.map((c) => c.pid!),
      );
      const runId = newRunId(prefix);
      const result = await (await startPipeline(ctx.client, runId, config)).result();
      return { result, runs: await stageActivityRuns(ctx.client, runId), pids: new Set(gpu.map((c) => c.pid)) };
    } finally {
      for (const c of gpu) c.kill('SIGTERM');
    }
  } finally {
    await control.shutdown();
  }
}

test(
  'rollout shards spread over three gpu workers end with the same checkpoint as one worker',
  { timeout: 900_000 },
  async () => {
    const oneWorker = await uninterruptedRun(ctx.client, 'fanout-one', CONFIG);
    const three = await onThreeGpuWorkers('fanout-three', CONFIG);
    assert.equal(three.result.stages.r1Zero!.checkpoint.step, 2);
    assert.equal(
      three.result.stages.r1Zero!.checkpoint.sha256,
      oneWorker.stages.r1Zero!.checkpoint.sha256,
      'the same R1-Zero checkpoint whichever workers sampled the shards',
    );
    const ranOn = three.runs.filter((r) => r.name === 'rollouts').map((r) => r.identity);
    assert.equal(ranOn.length, 6, 'three shards in each of two steps');
    assert.ok(
      ranOn.every((id) => three.pids.has(Number(id.split('@')[0]))),
      `rollouts ran on ${ranOn.join(', ')}`,
    );
    assert.ok(new Set(ranOn).size >= 2, `every shard ran on one worker: ${ranOn.join(', ')}`);
  },
);

const OFF_POLICY = {
  ...CONFIG,
  stages: { ...CONFIG.stages, r1Zero: { grpo: { ...CONFIG.stages.r1Zero.grpo, steps: 3, staleness: 1 } } },
};

test(
  "one step off-policy, the next step's shards run beside the update, and one or three workers end the same",
  { timeout: 900_000 },
  async () => {
    const oneWorker = await uninterruptedRun(ctx.client, 'off-policy-one', OFF_POLICY);
    const three = await onThreeGpuWorkers('off-policy-three', OFF_POLICY);
    const final = three.result.stages.r1Zero!.checkpoint;
    assert.equal(final.step, 3);
    assert.equal(
      final.sha256,
      oneWorker.stages.r1Zero!.checkpoint.sha256,
      'the same checkpoint with one or three workers',
    );
    assert.equal(final.metrics.staleness, 1, "the last update's rollouts were one step stale");

    const updates = three.runs.filter((r) => r.name === 'policyUpdate');
    assert.deepEqual(
      updates.map((u) => u.step),
      [0, 1, 2],
    );
    for (const update of updates.slice(0, -1)) {
      const next = three.runs.filter((r) => r.name === 'rollouts' && r.step === update.step + 1);
      assert.equal(next.length, 3);
      assert.ok(
        next.some((r) => r.started < update.ended),
        `a shard of step ${update.step + 1} started before update ${update.step} ended`,
      );
    }
  },
);
