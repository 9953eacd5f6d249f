// The GRPO stage body one step off-policy (grpo.staleness 1), over in-process fake activities:
// which policy samples each step, that the next step's rollouts run beside the update, that the
// loop's state carries over a continue-as-new without sampling a step twice, and that a repair
// resumes with the policy one step before the resume point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResumePointInput, RolloutsInput, UpdateInput } from '../../../contracts/activities';
import type { GrpoLoopState, StageWorkflowInput } from '../../../contracts/stages';
import { resolveConfig } from '../../../recipe/config';
import type { CheckpointRef } from '../../../storage/manifest';
import { grpoStage, type StageActivities } from '../../../workflows/stage-bodies';
import { evalSummary } from '../../helpers/eval-summary';

const RUN = 'off-policy-run';
const STEPS = 5;

function ref(step: number): CheckpointRef {
  return {
    uri: `s3://b/runs/${RUN}/r1Zero/ckpt/${step}/`,
    key: `runs/${RUN}/r1Zero/ckpt/${step}`,
    sha256: `p${step}`,
    step,
    metrics: {},
  };
}
const INIT: CheckpointRef = { ...ref(0), sha256: 'init', key: `runs/${RUN}/pretrain/ckpt/9` };

function stageInput(grpo: Record<string, unknown> = {}): StageWorkflowInput {
  const config = resolveConfig({
    preset: 'micro',
    stages: { r1Zero: { grpo: { steps: STEPS, staleness: 1, ...grpo } } },
  });
  return { runId: RUN, stage: 'r1Zero', config, init: INIT, reference: INIT, pretrainHash: 'h' };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fake activities that log when each call starts and ends and how many are in flight. */
class FakeStep {
  log: string[] = [];
  rollouts: RolloutsInput[] = [];
  updates: UpdateInput[] = [];
  resumes: ResumePointInput[] = [];
  inFlight = 0;
  /** `update:<step>` or `rollouts:<step>` → the error its next call throws */
  failures = new Map<string, Error>();
  /** how long each call takes, in ms */
  constructor(private readonly ms = { rollouts: 15, update: 30 }) {}

  private async call<T>(name: string, step: number, ms: number, result: () => T): Promise<T> {
    this.inFlight++;
    this.log.push(`${name}:${step}:start`);
    try {
      await tick(ms);
      const failure = this.failures.get(`${name}:${step}`);
      if (failure) {
        this.failures.delete(`${name}:${step}`);
        throw failure;
      }
      return result();
    } finally {
      this.log.push(`${name}:${step}:end`);
      this.inFlight--;
    }
  }

  acts(): StageActivities {
    return {
      pretrain: () => Promise.reject(new Error('not in a GRPO stage')),
      buildSftData: () => Promise.reject(new Error('not in a GRPO stage')),
      sft: () => Promise.reject(new Error('not in a GRPO stage')),
      evaluate: async () => evalSummary({ pass1: 0.5 }),
      rollouts: (i) => {
        this.rollouts.push(i);
        return this.call('rollouts', i.step, this.ms.rollouts, () => ({
          rolloutsKey: 'k',
          samples: 4,
          meanLength: 3,
          truncatedFraction: 0,
        }));
      },
      scoreRollouts: (i) =>
        this.call('score', i.step, 1, () => ({ scoredKey: 's', metrics: { reward: 1 }, usableSamples: 4 })),
      policyUpdate: (i) => {
        this.updates.push(i);
        return this.call('update', i.step, this.ms.update, () => ref(i.step + 1));
      },
      findResumePoint: async (i) => {
        this.resumes.push(i);
        this.log.push('resume');
        const at = i.atMostStep - 1;
        return { iteration: at, policy: at === 0 ? INIT : ref(at), previous: at <= 1 ? INIT : ref(at - 1) };
      },
    };
  }

  /** The sha256 of the policy that sampled each step, in the order the steps were sampled. */
  sampledBy(): string[] {
    return this.rollouts.map((r) => `${r.step}<${r.policy.sha256}`);
  }
}

const EXPECTED_SAMPLERS = ['0<init', '1<init', '2<p1', '3<p2', '4<p3'];

test('step k+1 is sampled from the policy update k starts from, while update k runs', async () => {
  const fake = new FakeStep();
  const result = await grpoStage(stageInput(), fake.acts());
  assert.equal(result.checkpoint.sha256, `p${STEPS}`);
  assert.deepEqual(fake.sampledBy(), EXPECTED_SAMPLERS);
  assert.deepEqual(
    fake.updates.map((u) => `${u.step}:${u.policy.sha256}:${u.staleness}`),
    ['0:init:0', '1:p1:1', '2:p2:1', '3:p3:1', '4:p4:1'],
    'each update starts from the last one and says how stale its rollouts are',
  );
  for (let k = 0; k + 1 < STEPS; k++) {
    const started = fake.log.indexOf(`rollouts:${k + 1}:start`);
    assert.ok(
      started >= 0 && started < fake.log.indexOf(`update:${k}:end`),
      `rollouts of step ${k + 1} overlap update ${k}`,
    );
    assert.ok(fake.log.indexOf(`rollouts:${k + 1}:end`) < fake.log.indexOf(`update:${k + 1}:start`));
  }
});

test('with staleness 0 the same body samples each step from the policy it updates, one after the other', async () => {
  const fake = new FakeStep();
  const acts = fake.acts();
  await grpoStage(stageInput({ staleness: 0, rolloutShards: 2 }), acts);
  assert.deepEqual([...new Set(fake.sampledBy())], ['0<init', '1<p1', '2<p2', '3<p3', '4<p4']);
  assert.ok(fake.log.indexOf('rollouts:1:start') > fake.log.indexOf('update:0:end'));
});

test('a continue-as-new carries the step already sampled and its sampling policy', async () => {
  const fake = new FakeStep();
  const acts = fake.acts();
  const carried: GrpoLoopState[] = [];
  const stop = new Error('continue as new');
  const beforeIteration = async (state: GrpoLoopState, sinceStart: number) => {
    if (sinceStart < 2) return;
    assert.equal(fake.inFlight, 0, 'no activity is running when the loop continues as new');
    carried.push(state);
    throw stop;
  };
  let state: GrpoLoopState | undefined;
  for (;;) {
    try {
      const result = await grpoStage(stageInput(), acts, { state, beforeIteration });
      assert.equal(result.checkpoint.sha256, `p${STEPS}`);
      break;
    } catch (err) {
      if (err !== stop) throw err;
      state = carried.at(-1);
    }
  }
  assert.deepEqual(
    carried.map((s) => `${s.iteration}:${s.policy.sha256}:${s.behavior?.sha256}:${s.sampled}`),
    ['2:p2:p1:true', '4:p4:p3:true'],
  );
  assert.deepEqual(fake.sampledBy(), EXPECTED_SAMPLERS, 'no step is sampled twice');
});

test('a repair resumes with the policy one step before the resume point as the sampler', async () => {
  // rollouts slower than the update, so the next step's are still running when the update fails
  const fake = new FakeStep({ rollouts: 60, update: 30 });
  const failure = Object.assign(
    new Error(`checksum mismatch for runs/${RUN}/r1Zero/ckpt/step-000003/params.safetensors`),
    {
      type: 'ChecksumMismatchError',
    },
  );
  fake.failures.set('update:3', failure);
  const result = await grpoStage(stageInput(), fake.acts());
  assert.equal(result.checkpoint.sha256, `p${STEPS}`);
  assert.deepEqual(
    fake.resumes.map((r) => [r.atMostStep, r.withPrevious]),
    [[3, true]],
  );
  assert.deepEqual(fake.sampledBy(), [...EXPECTED_SAMPLERS.slice(0, 5), '2<p1', '3<p2', '4<p3']);
  assert.ok(fake.log.indexOf('update:3:end') < fake.log.indexOf('rollouts:4:end'));
  assert.ok(fake.log.indexOf('rollouts:4:end') < fake.log.indexOf('resume'), 'the rollouts in flight settled first');
});

test('a failure is raised only once the rollouts beside it have settled', async () => {
  const fake = new FakeStep({ rollouts: 60, update: 30 });
  fake.failures.set('update:1', Object.assign(new Error('bad batch'), { type: 'BadDataError' }));
  await assert.rejects(grpoStage(stageInput(), fake.acts()), /bad batch/);
  assert.equal(fake.inFlight, 0);
  assert.ok(fake.log.includes('rollouts:2:end'));

  const sampling = new FakeStep();
  sampling.failures.set('rollouts:3', Object.assign(new Error('sampler out of memory'), { type: 'Error' }));
  await assert.rejects(grpoStage(stageInput(), sampling.acts()), /sampler out of memory/);
  assert.equal(sampling.inFlight, 0);
  assert.ok(!sampling.log.includes('update:3:start'), 'step 3 is not trained without its rollouts');
});
