import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyManifest, type RunManifest } from '../../../storage/manifest';
import { retentionPlan } from '../../../storage/retention';

const DAY = 86_400_000;
const entry = { sha256: 'a'.repeat(64), size: 10, writtenAt: '2026-01-01T00:00:00.000Z' };

function manifest(retention: unknown, finishedAt?: string): RunManifest {
  const m = emptyManifest('r');
  for (const key of [
    'runs/r/r1Zero/rollouts/step-000000.json',
    'runs/r/r1Zero/scored/step-000000.json',
    'runs/r/r1Zero/metrics/step-000001.json',
    'runs/r/r1Zero/ckpt/step-000001/params.safetensors',
    'runs/r/r1Zero/ckpt/step-000002/params.safetensors',
    'runs/r/eval/r1Zero.json',
  ])
    m.objects[key] = entry;
  m.stages.r1Zero = {
    status: 'done',
    checkpoint: {
      uri: 's3://b/runs/r/r1Zero/ckpt/step-000002/',
      key: 'runs/r/r1Zero/ckpt/step-000002',
      sha256: 'x',
      step: 2,
      metrics: {},
    },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  m.info = { config: { retention }, ...(finishedAt ? { finishedAt } : {}) };
  return m;
}

test('nothing goes by default, nor from a run that has not finished', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  assert.deepEqual(retentionPlan(manifest(undefined, '2026-01-01T00:00:00Z'), now).keys, []);
  const unfinished = retentionPlan(manifest({ scratch: { deleteAfterDays: 0 } }), now);
  assert.deepEqual(unfinished.keys, []);
  assert.match(unfinished.skipped!, /not finished/);
});

test('scratch goes once its days are up; metrics, evals and checkpoints stay', () => {
  const finished = Date.parse('2026-01-01T00:00:00Z');
  const m = manifest({ scratch: { deleteAfterDays: 7 } }, '2026-01-01T00:00:00Z');
  assert.deepEqual(retentionPlan(m, finished + 6 * DAY).keys, []);
  const plan = retentionPlan(m, finished + 7 * DAY);
  assert.deepEqual(plan.keys, ['runs/r/r1Zero/rollouts/step-000000.json', 'runs/r/r1Zero/scored/step-000000.json']);
  assert.equal(plan.bytes, 20);
});

test("intermediate checkpoints go only when asked, and a stage's final checkpoint never", () => {
  const m = manifest({ scratch: 'keep', intermediateCheckpoints: { deleteAfterDays: 0 } }, '2026-01-01T00:00:00Z');
  assert.deepEqual(retentionPlan(m, Date.parse('2026-01-02T00:00:00Z')).keys, [
    'runs/r/r1Zero/ckpt/step-000001/params.safetensors',
  ]);
});
