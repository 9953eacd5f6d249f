// The Temporal server SIGKILLed in the middle of a stage and started again by `dev up` on the same
// SQLite file, SeaweedFS left running: the run completes with the final checkpoint of an
// uninterrupted run, and every object its manifest lists verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressQuery } from '../../contracts/messages';
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
import { bringBack, killService } from '../helpers/stack-faults';

const CONFIG = { preset: 'micro', seed: 41, ...FAST_FAILURE, stages: { reasoningRl: { grpo: { steps: 8 } } } };

test('a run survives its Temporal server being killed mid-stage and restarted', { timeout: 900_000 }, async () => {
  const store = testStore();
  let client = await testClient();
  const reference = await uninterruptedRun(client, 'temporal-reference', CONFIG);
  const workers = await startTestWorkers();
  try {
    const runId = newRunId('temporal-killed');
    await startPipeline(client, runId, CONFIG);
    await waitForObjects(store, `runs/${runId}/reasoningRl/metrics/`, 2);
    const killed = await killService('temporal');
    await client.connection.close();
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await bringBack(), ['temporal'], 'dev up starts Temporal alone; SeaweedFS kept running');
    console.log(`Temporal (pid ${killed}) killed mid reasoningRl and started again on the same SQLite file`);

    client = await testClient();
    const result = await client.workflow.getHandle(runId).result();
    assert.equal(result.stages.finalRl!.checkpoint.sha256, reference.stages.finalRl!.checkpoint.sha256);
    assert.equal((await client.workflow.getHandle(runId).query(progressQuery)).status, 'done');
    await assertManifestVerifies(store, runId);
  } finally {
    await workers.shutdown();
    await client.connection.close();
    store.client.destroy();
  }
});
