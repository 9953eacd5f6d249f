// Where a GRPO stage resumes after a stored checkpoint failed to verify, against the real S3:
// the newest checkpoint that verifies, and for a loop one step off-policy, the newest whose
// predecessor (the stage's init before step 1) verifies too.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findResumePoint } from '../../activities/checkpoint-recovery';
import { uploadPolicy } from '../../activities/checkpoint-io';
import type { ActivityDeps } from '../../activities/deps';
import { WorkerCaches } from '../../activities/worker-caches';
import { CHECKPOINT_FILES } from '../../engine/checkpoint';
import { createLogger } from '../../infra/logger';
import { resolveConfig } from '../../recipe/config';
import { initPolicy } from '../../steps';
import type { CheckpointRef } from '../../storage/manifest';
import { testStore, uniqueRunId } from '../helpers/services';

const store = testStore();
after(() => store.client.destroy());

const deps: ActivityDeps = {
  store,
  log: createLogger('resume-point-test', { level: 'warn', format: 'json' }),
  cacheDir: mkdtempSync(join(tmpdir(), 'r1flow-resume-point-')),
  caches: new WorkerCaches(),
};

/** A run with a pretrain checkpoint (the GRPO stage's init) and r1Zero checkpoints at steps 1–3. */
async function runWithCheckpoints(): Promise<{ runId: string; init: CheckpointRef; steps: CheckpointRef[] }> {
  const runId = uniqueRunId('resume-point');
  const policy = initPolicy(resolveConfig({ preset: 'micro' }));
  const init = await uploadPolicy(deps, runId, 'pretrain', { ...policy, step: 4 }, {});
  const steps: CheckpointRef[] = [];
  for (let step = 1; step <= 3; step++) {
    // each step's parameters differ, as after an update
    const params = {
      ...policy.params,
      [Object.keys(policy.params)[0]]: policy.params[Object.keys(policy.params)[0]].map((v) => v + step),
    };
    steps.push(await uploadPolicy(deps, runId, 'r1Zero', { ...policy, params, step }, { reward: step }));
  }
  return { runId, init, steps };
}

async function damage(ref: CheckpointRef): Promise<void> {
  const key = `${ref.key}/${CHECKPOINT_FILES.params}`;
  const bytes = Buffer.from(await store.getBytes(key));
  bytes[bytes.length - 1] ^= 0xff;
  await store.putBytes(key, bytes);
}

const config = resolveConfig({ preset: 'micro' });
const pointText = (p: Awaited<ReturnType<typeof findResumePoint>>) =>
  p ? `${p.iteration}:${p.policy.sha256.slice(0, 8)}:${p.previous?.sha256.slice(0, 8) ?? '-'}` : 'none';
const text = (iteration: number, policy: CheckpointRef, previous?: CheckpointRef) =>
  `${iteration}:${policy.sha256.slice(0, 8)}:${previous?.sha256.slice(0, 8) ?? '-'}`;

test('a resume point one step off-policy needs its predecessor to verify too', { timeout: 120_000 }, async () => {
  const { runId, init, steps } = await runWithCheckpoints();
  const ask = (atMostStep: number, withPrevious: boolean) =>
    findResumePoint(store, { runId, stage: 'r1Zero', config, atMostStep, init, withPrevious });

  assert.equal(pointText(await ask(3, true)), text(3, steps[2], steps[1]), 'everything verifies');
  assert.equal(pointText(await ask(1, true)), text(1, steps[0], init), 'before step 1 comes the init');
  assert.equal(pointText(await ask(0, true)), text(0, init, init));

  await damage(steps[1]);
  assert.equal(pointText(await ask(3, false)), text(3, steps[2]), 'on-policy, step 3 alone is enough');
  assert.equal(pointText(await ask(3, true)), text(1, steps[0], init), 'steps 3 and 2 lack a good predecessor');

  await damage(init);
  assert.equal(pointText(await ask(3, true)), 'none', 'nothing verifies with its predecessor');
  assert.equal(pointText(await ask(3, false)), text(3, steps[2]));
});
