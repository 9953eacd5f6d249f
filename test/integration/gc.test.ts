// `r1flow gc` on a real bucket: a finished run whose retention lets scratch and intermediate
// checkpoints go loses exactly those (objects and manifest entries), keeps every stage's final
// checkpoint, and still verifies; a run with the default retention keeps everything; dead
// processes' leftovers in a cache folder are removed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../infra/paths';
import { STAGE_NAMES } from '../../recipe/config';
import { readManifest } from '../../storage/manifest';
import {
  assertManifestVerifies,
  FAST_FAILURE,
  newRunId,
  startPipeline,
  usePipelineTestContext,
} from '../helpers/pipeline';

const ctx = usePipelineTestContext();

test('gc applies each finished run’s retention and frees dead leftovers', { timeout: 600_000 }, async () => {
  const pruned = newRunId('gc-pruned');
  const kept = newRunId('gc-kept');
  const retention = { scratch: { deleteAfterDays: 0 }, intermediateCheckpoints: { deleteAfterDays: 0 } };
  const prunedResult = await (
    await startPipeline(ctx.client, pruned, { preset: 'micro', ...FAST_FAILURE, retention })
  ).result();
  await (await startPipeline(ctx.client, kept, { preset: 'micro', ...FAST_FAILURE })).result();
  const keptBefore = Object.keys((await readManifest(ctx.store, kept))!.objects).sort();

  const cacheDir = mkdtempSync(join(tmpdir(), 'r1flow-gc-cache-'));
  const dead = join(cacheDir, 'scratch', `${2 ** 22 + 1}-left-behind`);
  mkdirSync(dead, { recursive: true });
  writeFileSync(join(dead, 'params.safetensors'), Buffer.alloc(4096));
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'gc', '--cache-dir', cacheDir], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  assert.match(out, new RegExp(`${pruned}: freed \\d+ objects`));
  assert.ok(!existsSync(dead), 'a dead process’s scratch folder is removed');

  const after = (await readManifest(ctx.store, pruned))!;
  const keys = Object.keys(after.objects);
  assert.ok(!keys.some((k) => /\/(rollouts|scored)\//.test(k)), 'no scratch left in the manifest');
  for await (const o of ctx.store.list(`runs/${pruned}/r1Zero/rollouts/`)) assert.fail(`${o.key} still in the bucket`);
  for (const stage of STAGE_NAMES) {
    const ref = prunedResult.stages[stage]!.checkpoint;
    if (!ref.key.startsWith(`runs/${pruned}/`)) continue;
    assert.ok(
      keys.some((k) => k.startsWith(`${ref.key}/`)),
      `${stage}: the final checkpoint stays`,
    );
  }
  assert.ok(!keys.some((k) => k.startsWith(`runs/${pruned}/r1Zero/ckpt/step-000001/`)), 'intermediate checkpoint gone');
  assert.ok((after.info.retention as { objects: number }).objects > 0, 'the manifest records what went');
  await assertManifestVerifies(ctx.store, pruned);
  assert.deepEqual(Object.keys((await readManifest(ctx.store, kept))!.objects).sort(), keptBefore, 'default: keep');
});
