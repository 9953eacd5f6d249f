// SIGKILL the worker in the middle of an RL stage, start a new one: the run completes with no
// step lost or done twice, and its final checkpoint equals that of an uninterrupted run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { readManifest } from '../../storage/manifest';
import {
  FAST_FAILURE,
  newRunId,
  startPipeline,
  startTestWorkers,
  testClient,
  waitForObjects,
} from '../helpers/pipeline';
import { testStore } from '../helpers/services';
import { killWorker, spawnWorker } from '../helpers/worker-process';

let client: Client;
const store = testStore();
before(async () => {
  client = await testClient();
});
after(async () => {
  await client.connection.close();
  store.client.destroy();
});

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
      return await (await startPipeline(client, newRunId('uninterrupted'), CONFIG)).result();
    } finally {
      await workers.shutdown();
    }
  })();

  const runId = newRunId('crashed');
  const first = spawnWorker();
  const handle = await startPipeline(client, runId, CONFIG);
  // mid-stage: the second reasoning-RL update has written its metrics (progress signals are
  // rate-limited, so the pipeline's progress query may skip that step)
  await waitForObjects(store, `runs/${runId}/reasoningRl/metrics/`, 2);
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
  const manifest = await readManifest(store, runId);
  const steps = Object.keys(manifest!.objects)
    .filter((k) => k.startsWith(`runs/${runId}/reasoningRl/metrics/step-`))
    .sort();
  assert.deepEqual(
    steps,
    [1, 2, 3, 4, 5, 6].map((n) => `runs/${runId}/reasoningRl/metrics/step-${String(n).padStart(6, '0')}.json`),
  );
});
