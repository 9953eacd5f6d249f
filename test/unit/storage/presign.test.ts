// Presigned report links (signed locally: no S3 needed) and the manifest's exported-model slot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArtifactStore } from '../../../storage/artifact-store';
import { emptyManifest, exportedModelOf } from '../../../storage/manifest';
import { MAX_PRESIGN_SECONDS, presignedGetUrl } from '../../../storage/presign';
import { createS3Client } from '../../../storage/s3-client';

const store = new ArtifactStore(
  createS3Client({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    bucket: 'b',
    accessKeyId: 'AKID',
    secretAccessKey: 'secret',
    forcePathStyle: true,
  }),
  'b',
);

test('a presigned GET names the object, is signed and lives at most 7 days', async () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const link = await presignedGetUrl(store, 'runs/r-1/report/report.html', 30 * 24 * 3600, now);
  const url = new URL(link.url);
  assert.equal(url.origin, 'http://127.0.0.1:9');
  assert.equal(url.pathname, '/b/runs/r-1/report/report.html');
  assert.equal(url.searchParams.get('X-Amz-Expires'), String(MAX_PRESIGN_SECONDS));
  assert.match(url.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
  assert.equal(url.searchParams.get('X-Amz-Date'), '20261201T100000Z');
  assert.ok(!link.url.includes('secret'), 'the secret key never appears in the link');
  assert.equal(link.expiresAt, '2026-12-08T10:00:00.000Z');
  await assert.rejects(presignedGetUrl(store, '../escape'), /key/);
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
