// Live progress: while pretraining runs (one long activity), the pipeline's progress query and its
// R1flowStep search attribute already show steps done, reported by the activity itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressQuery } from '../../contracts/messages';
import { newRunId, startPipeline, usePipelineTestContext, waitForProgress } from '../helpers/pipeline';

const ctx = usePipelineTestContext();

const PRETRAIN_ONLY = {
  preset: 'micro',
  // a seed of its own, so no earlier run's base model is reused from the pretraining cache
  seed: 100_000 + Math.floor(Math.random() * 1_000_000),
  stages: {
    pretrain: { steps: 200 },
    r1Zero: { enabled: false },
    coldStartSft: { enabled: false },
    reasoningRl: { enabled: false },
    rejectionSft: { enabled: false },
    finalRl: { enabled: false },
  },
};

test('pretraining reports its steps to the pipeline while it runs', { timeout: 300_000 }, async () => {
  const handle = await startPipeline(ctx.client, newRunId('progress'), PRETRAIN_ONLY);
  const midway = await waitForProgress(
    handle,
    (p) => {
      const s = p.stages.find((x) => x.stage === 'pretrain')!;
      return s.status === 'running' && s.step > 0 && s.step < 200;
    },
    120_000,
  );
  const pretrain = midway.stages.find((s) => s.stage === 'pretrain')!;
  assert.equal(pretrain.totalSteps, 200);
  assert.ok(Number.isFinite(pretrain.metrics.loss), 'the latest training loss comes with the step');
  const described = await handle.describe();
  const step = described.searchAttributes.R1flowStep?.[0];
  assert.ok(typeof step === 'number' && step > 0, `R1flowStep follows the steps (got ${String(step)})`);

  const result = await handle.result();
  assert.equal(result.stages.pretrain!.checkpoint.step, 200);
  const done = await handle.query(progressQuery);
  assert.deepEqual(
    { status: done.stages[0]!.status, step: done.stages[0]!.step, totalSteps: done.stages[0]!.totalSteps },
    { status: 'done', step: 200, totalSteps: 200 },
  );
});
