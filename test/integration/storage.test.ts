// The artifact store against the real SeaweedFS S3 started by the test command.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ChecksumMismatchError, InvalidKeyError, ObjectNotFoundError } from '../../storage/errors';
import { ManifestError, manifestKey, readManifest } from '../../storage/manifest';
import { presignedGetUrl } from '../../storage/presign';
import { RunStore } from '../../storage/run-store';
import { testStore, uniqueRunId } from '../helpers/services';

const dir = mkdtempSync(join(tmpdir(), 'r1flow-storage-'));
const store = testStore({ partSize: 5 * 1024 * 1024 });
after(() => store.client.destroy());

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('artifact store on S3', () => {
  test('a 21 MB file goes up in parts and comes back byte-identical', async () => {
    const source = join(dir, 'big.bin');
    writeFileSync(source, randomBytes(21 * 1024 * 1024));
    const key = `${uniqueRunId('storage')}/big.bin`;
    const record = await store.putFile(key, source);
    assert.equal(record.size, statSync(source).size);
    assert.equal(record.sha256, await sha256OfFile(source));
    // 21 MB in 5 MiB parts: S3 reports a multipart ETag as "<md5>-<parts>"
    const head = await store.head(key);
    assert.match(head?.etag ?? '', /-5"?$/);
    const target = join(dir, 'big.copy');
    const back = await store.getToFile(key, target, record);
    assert.equal(back.sha256, record.sha256);
    assert.ok(readFileSync(source).equals(readFileSync(target)));
    await store.delete(key);
    assert.equal(await store.exists(key), false);
  });

  test('an object altered behind the store is a checksum mismatch naming the key, and the local file is untouched', async () => {
    const run = new RunStore(store, uniqueRunId('tamper'));
    const record = await run.putBytes('data/rollouts.jsonl', '{"a":1}\n');
    await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: record.key, Body: '{"a":2}\n' }));
    await assert.rejects(
      run.getBytes('data/rollouts.jsonl'),
      (err: unknown) =>
        err instanceof ChecksumMismatchError && err.key === record.key && err.message.includes(record.key),
    );
    const local = join(dir, 'rollouts.jsonl');
    writeFileSync(local, 'previous good content');
    await assert.rejects(run.getToFile('data/rollouts.jsonl', local), ChecksumMismatchError);
    assert.equal(readFileSync(local, 'utf8'), 'previous good content');
    assert.equal(existsSync(`${local}.partial-${process.pid}`), false);
  });

  test('a missing object is not-found naming the key', async () => {
    const key = `${uniqueRunId('missing')}/nothing.bin`;
    await assert.rejects(
      store.getBytes(key),
      (err: unknown) => err instanceof ObjectNotFoundError && err.message.includes(key),
    );
    assert.equal(await store.head(key), undefined);
  });

  test('bad keys are refused before any request', async () => {
    await assert.rejects(store.putBytes('../escape', 'x'), InvalidKeyError);
    await assert.rejects(store.putBytes('/abs', 'x'), InvalidKeyError);
    assert.throws(() => new RunStore(store, '../other-run'), InvalidKeyError);
  });

  test('list by prefix pages through everything and delete by prefix removes it', async () => {
    const prefix = uniqueRunId('list');
    const keys = Array.from({ length: 7 }, (_, i) => `${prefix}/obj-${i}`);
    for (const k of keys) await store.putBytes(k, k);
    const listed: string[] = [];
    for await (const o of store.list(`${prefix}/`)) listed.push(o.key);
    assert.deepEqual(listed.sort(), [...keys].sort());
    assert.equal(await store.deletePrefix(`${prefix}/`), 7);
    const left: string[] = [];
    for await (const o of store.list(`${prefix}/`)) left.push(o.key);
    assert.deepEqual(left, []);
  });
});

describe('run manifest', () => {
  test('round trip: every write is recorded with sha256 and size, and reads verify', async () => {
    const runId = uniqueRunId('manifest');
    const run = new RunStore(store, runId);
    const a = await run.putBytes('pretrain/config.json', '{"x":1}');
    const file = join(dir, 'weights.bin');
    writeFileSync(file, randomBytes(1000));
    const b = await run.putFile('pretrain/step-000001/model.safetensors', file);
    const manifest = await readManifest(store, runId);
    assert.ok(manifest);
    assert.equal(manifest.runId, runId);
    assert.deepEqual(
      manifest.objects[a.key] && { sha256: manifest.objects[a.key]!.sha256, size: manifest.objects[a.key]!.size },
      { sha256: a.sha256, size: 7 },
    );
    assert.equal(manifest.objects[b.key]!.sha256, await sha256OfFile(file));
    assert.equal((await run.getBytes('pretrain/config.json')).toString(), '{"x":1}');
  });

  test('an object missing from the manifest cannot be read as verified', async () => {
    const run = new RunStore(store, uniqueRunId('unlisted'));
    await store.putBytes(run.key('sneaked-in.bin'), 'x');
    await assert.rejects(
      run.getBytes('sneaked-in.bin'),
      (err: unknown) => err instanceof ManifestError && err.message.includes('not listed in the manifest'),
    );
  });

  test('concurrent writers of one manifest keep every entry (compare-and-swap)', async () => {
    const runId = uniqueRunId('concurrent');
    const writers = Array.from({ length: 4 }, () => new RunStore(store, runId));
    const written = await Promise.all(
      writers.flatMap((run, w) => Array.from({ length: 5 }, (_, i) => run.putBytes(`w${w}/obj-${i}.txt`, `${w}-${i}`))),
    );
    const manifest = await readManifest(store, runId);
    assert.deepEqual(Object.keys(manifest!.objects).sort(), written.map((r) => r.key).sort());
  });

  test('a conditional write refuses a version that has changed, and creating refuses an existing object', async () => {
    const key = `${uniqueRunId('cas')}/value.txt`;
    assert.ok(await store.putBytesIf(key, 'one', { ifAbsent: true }));
    assert.equal(await store.putBytesIf(key, 'again', { ifAbsent: true }), undefined);
    const read = await store.getVersioned(key);
    assert.equal(read!.bytes.toString(), 'one');
    assert.ok(await store.putBytesIf(key, 'two', { ifMatch: read!.etag! }));
    assert.equal(
      await store.putBytesIf(key, 'three', { ifMatch: read!.etag! }),
      undefined,
      'the version read first is gone',
    );
    assert.equal((await store.getBytes(key)).toString(), 'two');
    assert.equal(await store.getVersioned(`${key}.missing`), undefined);
  });

  test('a corrupt manifest is a clear error naming its key', async () => {
    const runId = uniqueRunId('corrupt');
    await store.putBytes(manifestKey(runId), '{"version":1,"runId":');
    await assert.rejects(
      readManifest(store, runId),
      (err: unknown) =>
        err instanceof ManifestError && err.message.includes(manifestKey(runId)) && /not valid JSON/.test(err.message),
    );
    await store.putBytes(manifestKey(runId), '{"version":2}');
    await assert.rejects(readManifest(store, runId), /is invalid at version/);
  });
});

describe('browser links', () => {
  test('a presigned link opens the object; its read-only signer cannot write', async () => {
    const key = `${uniqueRunId('link')}/report.html`;
    await store.putBytes(key, '<html>report</html>');
    const link = await presignedGetUrl(store, key);
    const response = await fetch(link.url);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '<html>report</html>');
    // the link names the link identity, whose rights are Read only: a write with it is refused
    await assert.rejects(
      store.linkSigner!.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${key}.evil`, Body: 'x' })),
      (err: Error) => err.name === 'AccessDenied',
    );
    assert.equal(await store.exists(`${key}.evil`), false);
  });
});
