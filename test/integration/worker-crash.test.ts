// SIGKILL the worker in the middle of an RL stage, start a new one: the run completes with no
// step lost or done twice, and its final checkpoint equals that of an uninterrupted run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readManifest } from '../../storage/manifest';
import {
  FAST_FAILURE,
  newRunId,
  startPipeline,
  startTestWorkers,
  usePipelineTestContext,
  waitForObjects,
} from '../helpers/pipeline';
import { killWorker, spawnWorker } from '../helpers/worker-process';

const ctx = usePipelineTestContext({ workers: false });

const CONFIG = {
  preset: 'micro',
  seed: 11,
  ...FAST_FAILURE,
  stages: { reasoningRl: { grpo: { steps: 6 } } },
};

test('a worker killed mid-stage loses no step and changes no byte of the result', { timeout: 600_000 }, async () => {
  const reference = await (async () => {
    const workers = await startTestWorkers();
    try {
      return await (await startPipeline(ctx.client, newRunId('uninterrupted'), CONFIG)).result();
    } finally {
      await workers.shutdown();
    }
  })();

  const runId = newRunId('crashed');
  const first = spawnWorker();
  const handle = await startPipeline(ctx.client, runId, CONFIG);
  // mid-stage: the second reasoning-RL update has written its metrics (progress signals are
  // rate-limited, so the pipeline's progress query may skip that step)
  await waitForObjects(ctx.store, `runs/${runId}/reasoningRl/metrics/`, 2);
  await killWorker(first);
  spawnWorker();
  const result = await handle.result();

  assert.equal(result.stages.reasoningRl!.checkpoint.step, 6);
  assert.equal(
    result.stages.finalRl!.checkpoint.sha256,
    reference.stages.finalRl!.checkpoint.sha256,
    'same final checkpoint as the uninterrupted run',
  );
  assert.equal(result.stages.reasoningRl!.checkpoint.sha256, reference.stages.reasoningRl!.checkpoint.sha256);
  const manifest = await readManifest(ctx.store, runId);
  const steps = Object.keys(manifest!.objects)
    .filter((k) => k.startsWith(`runs/${runId}/reasoningRl/metrics/step-`))
    .sort();
  assert.deepEqual(
    steps,
    [1, 2, 3, 4, 5, 6].map((n) => `runs/${runId}/reasoningRl/metrics/step-${String(n).padStart(6, '0')}.json`),
  );
});
