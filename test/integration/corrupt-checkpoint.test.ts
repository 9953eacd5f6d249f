// The newest checkpoint altered in S3 before the next activity reads it: the read is refused with
// an error naming the key, the stage goes on from the newest checkpoint that still verifies, and
// the run ends with the same final checkpoint as an uninterrupted one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { RolloutsInput } from '../../contracts/activities';
import { CHECKPOINT_FILES } from '../../engine/checkpoint';
import {
  assertManifestVerifies,
  FAST_FAILURE,
  newRunId,
  startPipeline,
  startTestWorkers,
  uninterruptedRun,
  usePipelineTestContext,
  waitForObjects,
} from '../helpers/pipeline';
import { exited, killWorker, spawnWorker } from '../helpers/worker-process';

const ctx = usePipelineTestContext({ workers: false });

const CONFIG = { preset: 'micro', seed: 21, ...FAST_FAILURE, stages: { reasoningRl: { grpo: { steps: 6 } } } };

/** Every event of every run of a workflow id (a GRPO stage continues as new). */
async function eventsOf(workflowId: string) {
  const events = [];
  for await (const w of ctx.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    events.push(...((await ctx.client.workflow.getHandle(workflowId, w.runId).fetchHistory()).events ?? []));
  return events;
}

test(
  'a corrupted newest checkpoint is refused by key and the stage resumes from the previous good one',
  {
    timeout: 600_000,
  },
  async () => {
    const reference = await uninterruptedRun(ctx.client, 'corrupt-reference', CONFIG);

    const runId = newRunId('corrupt');
    const stageId = `${runId}/reasoningRl`;
    // workflows and scoring here, the gpu work in a process of its own that can be frozen
    const control = await startTestWorkers(['control']);
    const gpuA = spawnWorker({ queues: 'gpu' });
    try {
      const handle = await startPipeline(ctx.client, runId, CONFIG);
      await waitForObjects(ctx.store, `runs/${runId}/reasoningRl/ckpt/step-000003/${CHECKPOINT_FILES.manifest}`, 1);
      gpuA.kill('SIGSTOP');
      // let the workflow side settle, then find the policy the next gpu activity reads
      await new Promise((r) => setTimeout(r, 1500));
      const scheduled = (await ctx.client.workflow.getHandle(stageId).fetchHistory()).events!.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name !== undefined,
      );
      const last = scheduled.at(-1)!.activityTaskScheduledEventAttributes!;
      const input = defaultPayloadConverter.fromPayload<RolloutsInput>(last.input!.payloads![0]!);
      // usually step 3; step 2 when the update that wrote step 3 had not reported back yet (its
      // retry reads step 2): either way a checkpoint of this stage, with an earlier one to go back to
      assert.ok(
        input.policy.step >= 2,
        `the next activity reads a reasoning-RL checkpoint (step ${input.policy.step})`,
      );
      const badKey = `${input.policy.key}/${CHECKPOINT_FILES.params}`;
      const bytes = Buffer.from(await ctx.store.getBytes(badKey));
      bytes[bytes.length - 1] ^= 0xff;
      await ctx.store.putBytes(badKey, bytes);
      await killWorker(gpuA);

      // a fresh worker has nothing cached: it must read the altered object from S3
      const gpuB = spawnWorker({ queues: 'gpu' });
      const result = await handle.result();
      gpuB.kill('SIGTERM');
      await exited(gpuB);

      assert.equal(
        result.stages.finalRl!.checkpoint.sha256,
        reference.stages.finalRl!.checkpoint.sha256,
        'same final checkpoint as the uninterrupted run',
      );
      assert.equal(result.stages.reasoningRl!.checkpoint.sha256, reference.stages.reasoningRl!.checkpoint.sha256);
      const events = await eventsOf(stageId);
      const refused = events
        .map((e) => e.activityTaskFailedEventAttributes?.failure)
        .filter((f) => f?.cause?.message?.includes(badKey) ?? f?.message?.includes(badKey));
      assert.ok(refused.length > 0, `a read of ${badKey} was refused`);
      const message = refused[0]!.cause?.message ?? refused[0]!.message!;
      assert.match(message, /checksum mismatch for runs\/.+params\.safetensors/);
      const recovered = events.some((e) =>
        e.markerRecordedEventAttributes?.details?.data?.payloads?.some((p) =>
          Buffer.from(p.data ?? [])
            .toString()
            .includes('findResumePoint'),
        ),
      );
      assert.ok(recovered, 'the stage looked for the newest good checkpoint');
      // the altered object was written again by the re-run step: everything verifies now
      assert.ok((await assertManifestVerifies(ctx.store, runId)) > 20);
    } finally {
      if (gpuA.exitCode === null && gpuA.signalCode === null) gpuA.kill('SIGKILL');
      await control.shutdown();
    }
  },
);
