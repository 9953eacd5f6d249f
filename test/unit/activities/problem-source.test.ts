// The run's datasets as the activities load them: split by a hash of each problem's key, and a
// split that leaves either side empty refused with the file named.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ActivityDeps } from '../../../activities/deps';
import { BadDataError } from '../../../activities/errors';
import { datasetPools } from '../../../activities/problem-source';
import { resolveConfig } from '../../../recipe/config';
import { splitOfKey } from '../../../recipe/task/split';

/** Only what datasetPools reads for a local file: the per-worker dataset cache. */
const deps = () => ({ caches: { datasets: new Map() } }) as unknown as ActivityDeps;

/** A GSM8K-form file of `count` questions whose held-out side under evalShare 0.1 is `side` (or any side). */
function writeDataset(count: number, side?: 'train' | 'eval'): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < count; i++) {
    const id = `q${i}`;
    if (side && splitOfKey(`dataset:${id}`, 0.1) !== side) continue;
    lines.push(JSON.stringify({ id, question: `What is ${i}+1?`, answer: `${i} plus 1 #### ${i + 1}` }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'r1flow-dataset-')), 'data.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const poolsOf = (uri: string, evalShare = 0.1) =>
  datasetPools(deps(), resolveConfig({ preset: 'micro', data: { reasoning: { uri, evalShare } } }));

test('a dataset is split by the hash of each key: both sides as splitOfKey says', async () => {
  const pools = await poolsOf(writeDataset(60));
  const { train, eval: held } = pools.reasoning!;
  assert.equal(train.length + held.length, 60);
  assert.ok(held.length > 0 && train.length > 0);
  for (const p of held) assert.equal(splitOfKey(p.key, 0.1), 'eval');
  for (const p of train) assert.equal(splitOfKey(p.key, 0.1), 'train');
});

test('a dataset whose evalShare holds out none of its problems names the file and what to change', async () => {
  const file = writeDataset(5, 'train');
  await assert.rejects(
    poolsOf(file),
    (e: Error) =>
      e instanceof BadDataError &&
      e.message ===
        `dataset ${file}: evalShare 0.1 holds out none of its 5 problems for evaluation; add problems, raise evalShare or give an evalUri`,
  );
});

test('a dataset whose evalShare leaves nothing to train on is refused too', async () => {
  const file = writeDataset(3, 'eval');
  await assert.rejects(
    poolsOf(file),
    (e: Error) => e instanceof BadDataError && /no problem is left for training/.test(e.message),
  );
});
