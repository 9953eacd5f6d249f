import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransient, withRetry } from '../../../storage/retry';

test('transient errors are retried until they succeed', async () => {
  let calls = 0;
  const value = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return 'ok';
    },
    { baseDelayMs: 1 },
  );
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('permanent errors are not retried', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      },
      { baseDelayMs: 1 },
    ),
    /denied/,
  );
  assert.equal(calls, 1);
});

test('retries stop after the attempt limit', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw Object.assign(new Error('busy'), { $metadata: { httpStatusCode: 503 } });
      },
      { attempts: 3, baseDelayMs: 1 },
    ),
    /busy/,
  );
  assert.equal(calls, 3);
});

test('classification of transient errors', () => {
  assert.equal(isTransient({ name: 'SlowDown' }), true);
  assert.equal(isTransient({ $metadata: { httpStatusCode: 429 } }), true);
  assert.equal(isTransient({ $metadata: { httpStatusCode: 404 } }), false);
  assert.equal(isTransient(new Error('plain')), false);
});
