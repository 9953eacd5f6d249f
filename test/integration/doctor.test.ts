// The doctor workflow round trip on the real dev server with a real worker polling both queues.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runDoctor } from '../../infra/doctor';
import { createLogger } from '../../infra/logger';
import { startWorkers, type RunningWorkers } from '../../workers/start';
import { testConnection } from '../helpers/services';

let workers: RunningWorkers;
before(async () => {
  workers = await startWorkers({
    connection: testConnection(),
    queues: ['control', 'gpu'],
    log: createLogger('test', { level: 'warn', format: 'json' }),
  });
});
after(async () => workers.shutdown());

test('doctor passes every check, including the S3 round trip through a workflow', async () => {
  const results = await runDoctor(testConnection());
  const failed = results.filter((r) => !r.ok);
  assert.deepEqual(failed, []);
  const names = results.map((r) => r.name);
  for (const expected of [
    'temporal reachable',
    'namespace',
    'search attributes',
    'worker on r1flow-gpu (activity)',
    's3 bucket',
    'doctor workflow (S3 write → read → verify)',
  ]) {
    assert.ok(names.includes(expected), `missing check ${expected}`);
  }
  assert.match(results.at(-1)!.detail, /^65536 bytes, sha256 [0-9a-f]{12}/);
});

test('doctor reports an unreachable Temporal with what to do', async () => {
  const conn = testConnection();
  const results = await runDoctor({ ...conn, temporal: { ...conn.temporal, address: '127.0.0.1:1' } });
  const temporal = results.find((r) => r.name === 'temporal reachable')!;
  assert.equal(temporal.ok, false);
  assert.match(temporal.fix ?? '', /r1flow dev up/);
});
