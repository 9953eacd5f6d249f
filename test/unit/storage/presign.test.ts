// Presigned report links (signed locally: no S3 needed) and the manifest's exported-model slot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyManifest, exportedModelOf } from '../../../storage/manifest';
import { MAX_PRESIGN_SECONDS, NoLinkSignerError, presignedGetUrl } from '../../../storage/presign';
import { openArtifactStore } from '../../../storage/open-store';

const settings = {
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  bucket: 'b',
  accessKeyId: 'WRITERKEY',
  secretAccessKey: 'writer-secret',
  linkAccessKeyId: 'LINKKEY',
  linkSecretAccessKey: 'link-secret',
  forcePathStyle: true,
};
const store = openArtifactStore(settings);

test('a presigned GET names the object, is signed and lives at most 7 days', async () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const link = await presignedGetUrl(store, 'runs/r-1/report/report.html', 30 * 24 * 3600, now);
  const url = new URL(link.url);
  assert.equal(url.origin, 'http://127.0.0.1:9');
  assert.equal(url.pathname, '/b/runs/r-1/report/report.html');
  assert.equal(url.searchParams.get('X-Amz-Expires'), String(MAX_PRESIGN_SECONDS));
  assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
  assert.equal(url.searchParams.get('X-Amz-Date'), '20261201T100000Z');
  assert.ok(!link.url.includes('secret'), 'no secret key appears in the link');
  assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /^LINKKEY\//, 'signed by the read-only link key');
  assert.ok(!link.url.includes('WRITERKEY'), "the run's own access key id never appears in a link");
  assert.equal(link.expiresAt, '2026-12-08T10:00:00.000Z');
  await assert.rejects(presignedGetUrl(store, '../escape'), /key/);
});

test('a store without a read-only link credential signs no link', async () => {
  const { linkAccessKeyId: _id, linkSecretAccessKey: _secret, ...writerOnly } = settings;
  const unsigned = openArtifactStore(writerOnly);
  assert.equal(unsigned.linkSigner, undefined);
  await assert.rejects(presignedGetUrl(unsigned, 'runs/r-1/report/report.html'), NoLinkSignerError);
});

test("the manifest's exported-model slot reads a URI or an object with one", () => {
  const m = emptyManifest('r-1');
  assert.equal(exportedModelOf(m), undefined);
  m.info.exportedModel = 's3://b/runs/r-1/export/hf/';
  assert.equal(exportedModelOf(m), 's3://b/runs/r-1/export/hf/');
  m.info.exportedModel = { uri: 's3://b/runs/r-1/export/hf/', format: 'hf' };
  assert.equal(exportedModelOf(m), 's3://b/runs/r-1/export/hf/');
  m.info.exportedModel = 42;
  assert.equal(exportedModelOf(m), undefined);
});
