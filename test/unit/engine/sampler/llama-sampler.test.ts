// The rollout sampler with a Llama-family config (training it is covered with the GPT's tests in
// test/unit/engine/train/trainer.test.ts): sampling at a temperature with top-p picks the same
// tokens on the Loop and step paths.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParams } from '../../../../engine/model';
import { smallQwen3 } from '../model-helpers';
import { EngineRuntime } from '../../../../engine/runtime';

const engine = new EngineRuntime('cpu', { intraOpThreads: 1 });
after(() => engine.release());

const BOS = 8,
  PAD = 10;
const cfg = smallQwen3(11, 16);

describe('sampling a Llama-family model', () => {
  test('sampling at temperature 0.8, top-p 0.9 picks the same tokens on the Loop and step paths', async () => {
    const params = initParams(cfg, 7);
    for (const p of Object.values(params)) for (let i = 0; i < p.length; i++) p[i] *= 20; // peaked logits
    const sampler = engine.sampler(cfg, params);
    const request = { prompts: [[BOS, 1, 2], [BOS], [BOS, 3, 4, 5, 6]], seeds: ['a', 'b', 'c'] };
    const options = { maxNewTokens: 8, temperature: 0.8, topP: 0.9, stopTokens: [PAD], padToken: PAD };
    const loop = await sampler.sample(request, options, 'loop');
    const step = await sampler.sample(request, options, 'step');
    assert.deepEqual(
      loop.map((c) => c.tokens),
      step.map((c) => c.tokens),
    );
    for (const [i, c] of loop.entries())
      c.logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - step[i].logprobs[t]) < 1e-5, `row ${i} token ${t}`));
    assert.ok(loop.some((c) => new Set(c.tokens).size > 1));
  });
});
