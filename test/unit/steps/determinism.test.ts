import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineRuntime } from '../../../engine';
import type { PipelineConfig } from '../../../recipe/config';
import {
  freshOptimizer,
  initPolicy,
  loadPolicy,
  policyHash,
  pretrainCorpus,
  pretrainSteps,
  savePolicy,
  promptFormat,
  sftSteps,
  sftTotalSteps,
  type Policy,
} from '../../../steps';
import { grpoStepInProcess, microConfig } from './helpers';

const cfg = microConfig();
const engine = new EngineRuntime('cpu');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-det-'));
after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await engine.release();
});

const pretrain = (policy: Policy, config: PipelineConfig, from: number, to: number) =>
  pretrainSteps(engine, policy, config, pretrainCorpus(policy, config), from, to);
const grpoStep = (policy: Policy, config: PipelineConfig, step: number, reference?: Policy) =>
  grpoStepInProcess(engine, policy, config, 'r1Zero', step, reference);

/** Save and load, as an activity boundary does. */
function roundTrip(policy: Policy, name: string): Policy {
  const dir = path.join(tmp, name);
  const hash = savePolicy(dir, policy);
  const loaded = loadPolicy(dir);
  assert.equal(loaded.sha256, hash);
  return loaded;
}

const examples = Array.from({ length: 10 }, (_, i) => ({
  prompt: `Q: What is ${i}+1?\nA: `,
  completion: `<think>${i}+1=${i + 1}</think><answer>${i + 1}</answer>`,
}));

describe('steps are deterministic and chunkable', () => {
  test('pretraining: same seed gives the same bytes; two chunks with a checkpoint in between equal one call', async () => {
    const a = freshOptimizer(initPolicy(cfg));
    await pretrain(a, cfg, 0, 4);
    const b = freshOptimizer(initPolicy(cfg));
    await pretrain(b, cfg, 0, 2);
    const resumed = roundTrip(b, 'pretrain');
    assert.equal(resumed.step, 2);
    await pretrain(resumed, cfg, 2, 4);
    assert.equal(a.step, 4);
    assert.equal(policyHash(a), policyHash(resumed));
    assert.equal(a.optimizer?.step, 4);
    // And the steps really changed something.
    assert.notEqual(policyHash(a), policyHash(freshOptimizer(initPolicy(cfg))));
  });

  test('a different seed gives different parameters', async () => {
    const other = microConfig({ seed: 2 });
    const a = freshOptimizer(initPolicy(cfg));
    const b = freshOptimizer(initPolicy(other));
    await pretrain(a, cfg, 0, 1);
    await pretrain(b, other, 0, 1);
    assert.notEqual(policyHash(a), policyHash(b));
  });

  test('a chunk that does not start at policy.step is refused', async () => {
    const a = freshOptimizer(initPolicy(cfg));
    await assert.rejects(pretrain(a, cfg, 1, 2), /fromStep 1 does not match policy.step 0/);
    await assert.rejects(pretrain(initPolicy(cfg), cfg, 0, 1), /freshOptimizer/);
  });

  test('SFT: chunked with a checkpoint in between equals one call', async () => {
    const sft = cfg.stages.coldStartSft.sft;
    const total = sftTotalSteps(examples.length, sft);
    assert.equal(total, Math.ceil(10 / sft.batchSize) * sft.epochs);
    const a = freshOptimizer(initPolicy(cfg));
    const losses = await sftSteps(engine, a, examples, sft, 7, 0, total, promptFormat(cfg, a.tokenizer));
    assert.equal(losses.length, total);
    for (const m of losses) assert.ok(Number.isFinite(m.loss) && m.loss > 0);
    const b = freshOptimizer(initPolicy(cfg));
    await sftSteps(engine, b, examples, sft, 7, 0, 1, promptFormat(cfg, b.tokenizer));
    const resumed = roundTrip(b, 'sft');
    await sftSteps(engine, resumed, examples, sft, 7, 1, total, promptFormat(cfg, resumed.tokenizer));
    assert.equal(policyHash(a), policyHash(resumed));
  });

  // An untrained model never earns accuracy or format, so the overlong penalty provides the
  // reward spread that makes real updates happen.
  const grpoCfg = microConfig({ stages: { r1Zero: { grpo: { overlongBuffer: 30, rewards: { overlong: 1 } } } } });

  test('GRPO: steps 0..3 in one go equal 0..1 + checkpoint + 1..3, and the updates are real', async () => {
    const base = freshOptimizer(initPolicy(grpoCfg));
    await pretrain(base, grpoCfg, 0, 3);
    const a = freshOptimizer(base);
    const b = freshOptimizer(base);
    const updates = [];
    for (let step = 0; step < 3; step++) updates.push((await grpoStep(a, grpoCfg, step)).update);
    assert.ok(
      updates.every((u) => !u.skipped && u.rows > 0 && u.kl === null),
      JSON.stringify(updates),
    );
    assert.equal(a.optimizer?.step, 3);
    await grpoStep(b, grpoCfg, 0);
    const resumed = roundTrip(b, 'grpo');
    for (let step = 1; step < 3; step++) await grpoStep(resumed, grpoCfg, step);
    assert.equal(a.step, 3);
    assert.equal(policyHash(a), policyHash(resumed));
    assert.notEqual(policyHash(a), policyHash(freshOptimizer(base)));
  });

  test('GRPO with a KL reference and two inner epochs: μ optimizer steps per GRPO step, KL reported', async () => {
    const klCfg = microConfig({
      stages: { r1Zero: { grpo: { overlongBuffer: 30, beta: 0.1, innerEpochs: 2, rewards: { overlong: 1 } } } },
    });
    const base = freshOptimizer(initPolicy(klCfg));
    await pretrain(base, klCfg, 0, 2);
    const policy = freshOptimizer(base);
    await assert.rejects(grpoStep(policy, klCfg, 0), /reference policy/);
    const first = await grpoStep(policy, klCfg, 0, base);
    assert.equal(first.update.epochs, 2);
    assert.equal(policy.optimizer?.step, 2);
    // The first epoch starts at the reference, so the mean KL over epochs is small but defined.
    assert.equal(typeof first.update.kl, 'number');
    assert.ok(first.update.kl! >= 0 && first.update.kl! < 1);
  });
});
