// The trainer and sampler with a Llama-family config: it learns, GRPO moves log-probs the way the
// advantages say (each step one session.run with the in-graph AdamW), and sampling at a
// temperature picks the same tokens on the Loop and step paths.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Params, SeededRng, initParams, llamaConfig } from '../../../../engine/model';
import { DEFAULT_ADAMW, createAdamWState } from '../../../../engine/optim';
import { EngineRuntime } from '../../../../engine/runtime';
import { type TokenBatch, packSequences } from '../../../../engine/train';

const engine = new EngineRuntime('cpu', { intraOpThreads: 1 });
after(() => engine.release());

const BOS = 8,
  SEP = 9,
  PAD = 10,
  N = 5;
// Qwen3-like: grouped-query attention (2 query heads per kv head), q/k norm, head_dim ≠ d/heads.
const cfg = llamaConfig({
  architecture: 'Qwen3ForCausalLM',
  vocabSize: 11,
  dModel: 32,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  headDim: 16,
  dFF: 64,
  contextLength: 16,
  qkNorm: true,
});

function reversalBatch(rng: SeededRng, size: number): TokenBatch {
  const seqs = Array.from({ length: size }, () => {
    const d = Array.from({ length: N }, () => rng.nextUint32() % 8);
    return { tokens: [BOS, ...d, SEP, ...d.slice().reverse()], lossStart: N + 2 };
  });
  return packSequences(seqs, PAD);
}

describe('training a Llama-family model', () => {
  test('learns sequence reversal: held-out loss < 0.1 nats/token after 300 steps', async () => {
    const params = initParams(cfg, 1);
    const state = createAdamWState(params);
    const trainer = engine.trainer(cfg);
    const rng = new SeededRng(2);
    const optimizer = { ...DEFAULT_ADAMW, lr: 3e-3, warmupSteps: 20, totalSteps: 300, weightDecay: 0.01 };
    for (let i = 0; i < 300; i++) await trainer.sftStep(params, state, reversalBatch(rng, 32), { optimizer });
    const { loss } = await trainer.sftLossAndGrads(params, reversalBatch(new SeededRng(99), 64));
    assert.ok(loss < 0.1, `held-out loss ${loss}`);
  });

  test('GRPO steps move log-probs in the direction of the advantages', async () => {
    const params = initParams(cfg, 5);
    const trainer = engine.trainer(cfg);
    const batch = reversalBatch(new SeededRng(1), 4);
    const advantages = Float32Array.from([1, -1, 1, -1]);
    const rowLogprob = async (p: Params) => {
      const { logprobs } = await trainer.logprobs(p, batch);
      return [0, 1, 2, 3].map((b) => {
        let s = 0;
        for (let t = 0; t < batch.seqLen; t++)
          s += logprobs[b * batch.seqLen + t] * batch.lossMask[b * batch.seqLen + t];
        return s;
      });
    };
    const before = await rowLogprob(params);
    const state = createAdamWState(params);
    const hp = {
      optimizer: { ...DEFAULT_ADAMW, lr: 3e-3, clipNorm: 1 },
      epsLow: 0.2,
      epsHigh: 0.28,
      beta: 0,
      aggregation: 'sequence-mean' as const,
    };
    let metrics;
    for (let i = 0; i < 5; i++) metrics = (await trainer.grpoStep(params, state, { ...batch, advantages }, hp)).metrics;
    const after = await rowLogprob(params);
    for (let b = 0; b < 4; b++)
      assert.ok(
        advantages[b] > 0 ? after[b] > before[b] : after[b] < before[b],
        `row ${b}: ${before[b]} -> ${after[b]}`,
      );
    assert.equal(state.step, 5);
    assert.ok(metrics && metrics.kl === null && metrics.entropy > 0 && metrics.gradNorm > 0);
  });

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
