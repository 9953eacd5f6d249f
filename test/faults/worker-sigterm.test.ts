// A worker SIGTERMed in the middle of writing a checkpoint: the write it is doing finishes (or,
// if the process is killed before, is never recorded), the training activity hands over at its
// next step, a new worker resumes from the last recorded checkpoint, and no half-written object
// is ever read as valid: the run ends with the uninterrupted run's checkpoints and every object
// its manifest lists verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pretrainHashOf } from '../../activities/control';
import { CHECKPOINT_FILES } from '../../engine/checkpoint';
import { resolveConfig } from '../../recipe/config';
import { globalKeys } from '../../storage/layout';
import {
  assertManifestVerifies,
  FAST_FAILURE,
  newRunId,
  startPipeline,
  uninterruptedRun,
  usePipelineTestContext,
} from '../helpers/pipeline';
import { exited, spawnWorker } from '../helpers/worker-process';

const ctx = usePipelineTestContext({ workers: false });

const CONFIG = {
  preset: 'micro',
  // a seed of its own, so pretraining is not taken from the cache
  seed: 200_000 + Math.floor(Math.random() * 1_000_000),
  ...FAST_FAILURE,
  stages: { pretrain: { steps: 400 } },
};

test(
  'a worker SIGTERMed mid-checkpoint-write leaves nothing half-written that is read as valid',
  {
    timeout: 600_000,
  },
  async () => {
    const reference = await uninterruptedRun(ctx.client, 'sigterm-reference', CONFIG);
    // this run must pretrain itself, not reuse the reference's base model
    await ctx.store.delete(globalKeys.pretrainCache(pretrainHashOf(resolveConfig(CONFIG))));

    const runId = newRunId('sigterm');
    const first = spawnWorker();
    const handle = await startPipeline(ctx.client, runId, CONFIG);
    // the first object of an intermediate pretraining checkpoint is there: the write is under way
    const prefix = `runs/${runId}/pretrain/ckpt/`;
    const seen: string[] = [];
    for (const deadline = Date.now() + 240_000; seen.length === 0;) {
      assert.ok(Date.now() < deadline, 'no pretraining checkpoint write seen');
      for await (const o of ctx.store.list(prefix)) seen.push(o.key);
    }
    first.kill('SIGTERM');
    const completeWhenSignalled = seen.some((k) => k.endsWith(`/${CHECKPOINT_FILES.manifest}`));
    // a container runtime kills what has not stopped within its grace period
    const killer = setTimeout(() => first.kill('SIGKILL'), 20_000);
    await exited(first);
    clearTimeout(killer);
    console.log(
      `SIGTERM after ${seen.length} object(s) of the first checkpoint (${completeWhenSignalled ? 'complete' : 'incomplete'}); worker exited with ${first.exitCode ?? first.signalCode}`,
    );

    spawnWorker();
    const result = await handle.result();
    for (const stage of ['pretrain', 'finalRl'] as const)
      assert.equal(
        result.stages[stage]!.checkpoint.sha256,
        reference.stages[stage]!.checkpoint.sha256,
        `${stage}: same checkpoint as the uninterrupted run`,
      );
    await assertManifestVerifies(ctx.store, runId);
  },
);
