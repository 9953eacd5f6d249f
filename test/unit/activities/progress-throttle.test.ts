// The progress rate limit: a pipeline hears the first update at once, then at most one per
// interval, always the latest; pipelines do not share a limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressThrottle } from '../../../activities/progress';
import type { StageStepUpdate } from '../../../contracts/progress';

const step = (n: number): StageStepUpdate => ({
  stage: 'reasoningRl',
  step: n,
  totalSteps: 10,
  metrics: { reward: n / 10 },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the first update goes out at once, a burst after it collapses into its latest', async () => {
  const throttle = new ProgressThrottle(80);
  const sent: Array<[string, number]> = [];
  const to = (id: string) => async (u: StageStepUpdate) => {
    sent.push([id, u.step]);
  };
  throttle.offer('run-a', step(1), to('run-a'));
  assert.deepEqual(sent, [['run-a', 1]]);
  for (const n of [2, 3, 4]) throttle.offer('run-a', step(n), to('run-a'));
  throttle.offer('run-b', step(7), to('run-b'));
  assert.deepEqual(
    sent,
    [
      ['run-a', 1],
      ['run-b', 7],
    ],
    'run-b has a limit of its own; run-a waits',
  );
  await sleep(150);
  assert.deepEqual(
    sent,
    [
      ['run-a', 1],
      ['run-b', 7],
      ['run-a', 4],
    ],
    'only the latest of the burst, once the interval is up',
  );
  await sleep(100);
  throttle.offer('run-a', step(5), to('run-a'));
  assert.deepEqual(sent.at(-1), ['run-a', 5], 'after a quiet interval an update goes out at once again');
});

test('a failed send is swallowed: progress is best effort', async () => {
  const throttle = new ProgressThrottle(10);
  throttle.offer('run-c', step(1), async () => {
    throw new Error('pipeline closed');
  });
  await sleep(20);
  let delivered = 0;
  throttle.offer('run-c', step(2), async () => {
    delivered++;
  });
  await sleep(30);
  assert.equal(delivered, 1);
});
