// Two runs started at once on one stack and one worker: both complete, each with the checkpoints
// of its solo run (no cache, manifest or key of one leaks into the other).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STAGE_NAMES } from '../../recipe/config';
import {
  assertManifestVerifies,
  FAST_FAILURE,
  newRunId,
  startPipeline,
  uninterruptedRun,
  usePipelineTestContext,
} from '../helpers/pipeline';

const ctx = usePipelineTestContext();

const configs = [31, 32].map((seed) => ({ preset: 'micro', seed, ...FAST_FAILURE }));

test('two runs at once end with the checkpoints of their solo runs', { timeout: 600_000 }, async () => {
  const solo = [];
  for (const config of configs) solo.push(await uninterruptedRun(ctx.client, 'solo', config));
  assert.notEqual(solo[0]!.stages.finalRl!.checkpoint.sha256, solo[1]!.stages.finalRl!.checkpoint.sha256);

  const runIds = configs.map(() => newRunId('together'));
  const handles = await Promise.all(configs.map((config, i) => startPipeline(ctx.client, runIds[i]!, config)));
  const together = await Promise.all(handles.map((h) => h.result()));
  for (const [i, result] of together.entries()) {
    for (const stage of STAGE_NAMES)
      assert.equal(
        result.stages[stage]!.checkpoint.sha256,
        solo[i]!.stages[stage]!.checkpoint.sha256,
        `seed ${configs[i]!.seed}: ${stage} as in its solo run`,
      );
    await assertManifestVerifies(ctx.store, runIds[i]!);
  }
});
