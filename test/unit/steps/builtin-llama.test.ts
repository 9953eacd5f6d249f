import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CharTokenizer, EngineRuntime, countParams, isLlamaConfig } from '../../../engine';
import { ConfigError, resolveConfig } from '../../../recipe/config';
import {
  freshOptimizer,
  initPolicy,
  loadPolicy,
  policyHash,
  pretrainCorpus,
  pretrainSteps,
  savePolicy,
} from '../../../steps';
import { microConfig } from './helpers';

const engine = new EngineRuntime('cpu');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steps-llama-'));
after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await engine.release();
});

describe('the built-in model on the Llama architecture', () => {
  test('initPolicy builds a Llama-family model of the configured size with the character tokenizer', () => {
    const gpt = initPolicy(microConfig());
    const llama = initPolicy(microConfig({ model: { architecture: 'llama' } }));
    assert.equal(isLlamaConfig(gpt.config), false);
    assert.equal(isLlamaConfig(llama.config), true);
    assert.ok(llama.tokenizer instanceof CharTokenizer);
    assert.equal(llama.config.vocabSize, gpt.config.vocabSize);
    assert.equal(llama.config.dModel, gpt.config.dModel);
    assert.equal(llama.config.nLayers, gpt.config.nLayers);
    // no learned positions, no biases, three MLP matrices instead of two
    assert.notEqual(countParams(llama.config), countParams(gpt.config));
  });

  test('pretraining in two chunks with a checkpoint between equals one call, and the checkpoint stays a Llama', async () => {
    const cfg = microConfig({ model: { architecture: 'llama' } });
    const corpus = (p: ReturnType<typeof initPolicy>) => pretrainCorpus(p, cfg);
    const whole = freshOptimizer(initPolicy(cfg));
    await pretrainSteps(engine, whole, cfg, corpus(whole), 0, 4);
    const half = freshOptimizer(initPolicy(cfg));
    await pretrainSteps(engine, half, cfg, corpus(half), 0, 2);
    const dir = path.join(tmp, 'half');
    savePolicy(dir, half);
    const resumed = loadPolicy(dir);
    assert.equal(isLlamaConfig(resumed.config), true);
    await pretrainSteps(engine, resumed, cfg, corpus(resumed), 2, 4);
    assert.equal(policyHash(resumed), policyHash(whole));
    assert.notEqual(policyHash(whole), policyHash(freshOptimizer(initPolicy(cfg))));
  });

  test('an unknown architecture is a config error naming the field', () => {
    assert.throws(
      () => resolveConfig({ preset: 'micro', model: { architecture: 'mamba' } }),
      (e: unknown) => e instanceof ConfigError && /model\.architecture/.test(e.message),
    );
  });
});
