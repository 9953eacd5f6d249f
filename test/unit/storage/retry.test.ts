import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransient, isUnreachable, withRetry } from '../../../storage/retry';

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
      { attempts: 3, baseDelayMs: 1, outageMs: 0 },
    ),
    /busy/,
  );
  assert.equal(calls, 3);
});

test('a store that cannot be reached is waited for past the attempt limit, up to the outage time', async () => {
  let calls = 0;
  const started = Date.now();
  const value = await withRetry(
    async () => {
      calls++;
      if (Date.now() - started < 300)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8333'), { code: 'ECONNREFUSED' });
      return 'back';
    },
    { attempts: 2, baseDelayMs: 1, maxDelayMs: 20, outageMs: 5000 },
  );
  assert.equal(value, 'back');
  assert.ok(calls > 2, `kept trying past the attempt limit (${calls} calls)`);

  let refused = 0;
  const outageStart = Date.now();
  await assert.rejects(
    withRetry(
      async () => {
        refused++;
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      { attempts: 2, baseDelayMs: 1, maxDelayMs: 20, outageMs: 200 },
    ),
    /ECONNREFUSED/,
  );
  const waited = Date.now() - outageStart;
  assert.ok(waited >= 200 && waited < 2000, `gave up after the outage time (${waited} ms, ${refused} calls)`);
});

test('classification of transient errors', () => {
  assert.equal(isUnreachable({ code: 'ECONNREFUSED' }), true);
  assert.equal(isUnreachable({ $metadata: { httpStatusCode: 503 } }), true);
  assert.equal(isUnreachable({ $metadata: { httpStatusCode: 500 } }), true);
  assert.equal(isUnreachable({ name: 'SlowDown', $metadata: { httpStatusCode: 429 } }), false);
  assert.equal(isTransient({ name: 'SlowDown' }), true);
  assert.equal(isTransient({ $metadata: { httpStatusCode: 429 } }), true);
  assert.equal(isTransient({ $metadata: { httpStatusCode: 404 } }), false);
  assert.equal(isTransient(new Error('plain')), false);
});
