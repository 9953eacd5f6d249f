// SeaweedFS stopped for 60 s in the middle of a stage, then started again by `dev up`: the
// activities wait for it and go on (storage/retry), the run completes with the final checkpoint
// of an uninterrupted run, and every object listed in its manifest is there and verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertManifestVerifies,
  FAST_FAILURE,
  newRunId,
  startPipeline,
  startTestWorkers,
  testClient,
  uninterruptedRun,
  waitForObjects,
} from '../helpers/pipeline';
import { testStore } from '../helpers/services';
import { bringBack, stopService } from '../helpers/stack-faults';

const CONFIG = { preset: 'micro', seed: 51, ...FAST_FAILURE, stages: { reasoningRl: { grpo: { steps: 8 } } } };
const OUTAGE_MS = 60_000;

test('a run waits out a 60 s storage outage mid-stage', { timeout: 900_000 }, async () => {
  const store = testStore();
  const client = await testClient();
  const reference = await uninterruptedRun(client, 'outage-reference', CONFIG);
  const workers = await startTestWorkers();
  try {
    const runId = newRunId('outage');
    const handle = await startPipeline(client, runId, CONFIG);
    await waitForObjects(store, `runs/${runId}/reasoningRl/metrics/`, 2);
    const stoppedAt = Date.now();
    await stopService('seaweedfs');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    assert.deepEqual(await bringBack(), ['seaweedfs'], 'dev up starts SeaweedFS alone; Temporal kept running');
    const result = await handle.result();
    console.log(`SeaweedFS down ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s before the run could finish`);

    assert.equal(result.stages.finalRl!.checkpoint.sha256, reference.stages.finalRl!.checkpoint.sha256);
    assert.equal(result.stages.reasoningRl!.checkpoint.step, 8);
    const verified = await assertManifestVerifies(store, runId);
    console.log(`${verified} objects listed in the manifest, all present and verified`);
  } finally {
    await workers.shutdown();
    await client.connection.close();
    store.client.destroy();
  }
});
