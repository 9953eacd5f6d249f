// Waiting for a service: a probe that says waiting cannot help ends the wait at once, with the
// reason; other failures are retried until the deadline and then reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GaveUpError, waitFor } from '../../../infra/processes';

test('a process that exited ends the wait at once, naming why', async () => {
  const t0 = Date.now();
  await assert.rejects(
    waitFor(
      'Temporal',
      async () => {
        throw new GaveUpError('temporal exited: bad flag');
      },
      30_000,
      () => 'see temporal.log',
    ),
    /Temporal did not start: temporal exited: bad flag; see temporal.log/,
  );
  assert.ok(Date.now() - t0 < 5_000, 'did not wait for the deadline');
});

test('an ordinary failure is retried until the probe succeeds', async () => {
  let calls = 0;
  await waitFor(
    'S3',
    async () => {
      calls++;
      if (calls < 3) throw new Error('connection refused');
      return true;
    },
    30_000,
    () => '',
  );
  assert.equal(calls, 3);
});

test('a probe that never succeeds times out with its last error', async () => {
  await assert.rejects(
    waitFor(
      'S3',
      async () => {
        throw new Error('connection refused');
      },
      600,
      () => 'see seaweedfs.log',
    ),
    /S3 did not become healthy within 1 s \(last error: connection refused\); see seaweedfs.log/,
  );
});
