// r1flow generate / inspect on remote SOURCEs against the test stack's S3: an s3:// Hugging Face
// prefix, an s3:// r1flow checkpoint, a run id (its last finished stage) and RUN/STAGE, the last
// two found through the run manifest, every object verified against it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { saveModelCheckpoint } from '../../engine/checkpoint';
import { loadLocalModel } from '../../engine/hf';
import { joinKey } from '../../storage/keys';
import { runKeys } from '../../storage/layout';
import { updateManifest } from '../../storage/manifest';
import { RunStore } from '../../storage/run-store';
import { fixtureDir, readReference } from '../unit/engine/hf/fixture-helpers';
import { generateGreedy } from '../helpers/r1flow-cli';
import { testStore, uniqueRunId } from '../helpers/services';

const store = testStore();
const scratch = mkdtempSync(join(tmpdir(), 'r1flow-sources-'));
after(() => {
  store.client.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

const generate = generateGreedy;

async function putFolder(prefix: string, dir: string) {
  const records = [];
  for (const file of readdirSync(dir).sort()) records.push(await store.putFile(joinKey(prefix, file), join(dir, file)));
  return records;
}

describe('remote model sources', () => {
  const ref = readReference('llama-sharded');

  test('an s3:// Hugging Face prefix (sharded) generates transformers’ greedy tokens', async () => {
    const prefix = `models/${uniqueRunId('hf')}/llama-sharded`;
    await putFolder(prefix, fixtureDir('llama-sharded'));
    const r = generate(`s3://${store.bucket}/${prefix}`, ref.prompt);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).tokenIds, ref.greedy);
  });

  test('a run id, RUN/STAGE and the s3:// checkpoint itself name the same checkpoint', async () => {
    const runId = uniqueRunId('sources');
    const local = join(scratch, 'ckpt');
    saveModelCheckpoint(local, await loadLocalModel(fixtureDir('llama-sharded')));
    const run = new RunStore(store, runId);
    const key = run.key(runKeys.checkpoint('coldStartSft', 3));
    await run.record(await putFolder(key, local));
    await updateManifest(store, runId, (m) => {
      m.stages.coldStartSft = {
        status: 'done',
        checkpoint: { uri: `${store.uri(key)}/`, key, sha256: 'x', step: 3, metrics: {} },
        updatedAt: new Date().toISOString(),
      };
      m.stages.reasoningRl = { status: 'running', updatedAt: new Date().toISOString() };
    });
    for (const source of [runId, `${runId}/coldStartSft`, `s3://${store.bucket}/${key}`]) {
      const r = generate(source, ref.prompt);
      assert.equal(r.code, 0, `${source}: ${r.err}`);
      assert.deepEqual(JSON.parse(r.out).tokenIds, ref.greedy, source);
    }
    const unfinished = generate(`${runId}/reasoningRl`, ref.prompt);
    assert.match(unfinished.err, /stage reasoningRl of run .* has no finished checkpoint \(running\)/);
    const missing = generate(uniqueRunId('nothing'), ref.prompt);
    assert.match(missing.err, /no such file or folder, and no run nothing-\w+ in s3:\/\//);
  });
});
