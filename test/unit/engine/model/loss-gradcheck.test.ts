// Full SFT and GRPO losses: autodiff gradients of every parameter vs central finite differences
// in float64, a float32 sanity check, and the variants of the GRPO graph.

import { createSession } from '../../../../engine/device';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';

import {
  type BuiltGraph,
  type GptConfig,
  type ModelConfig,
  SeededRng,
  buildGrpoGraph,
  buildLogprobsGraph,
  buildSftGraph,
  gptConfig,
  gradName,
  llamaConfig,
  paramSpecs,
} from '../../../../engine/model';
import { relNormError } from '../gradcheck-helpers';
import { floatTensor, paramFeeds, randomParams64 } from '../model-helpers';

const TOL = 1e-6;
const B = 3,
  T = 6;
const tokens = Int32Array.from([1, 4, 2, 6, 0, 3, 2, 2, 5, 1, 6, 4, 0, 3, 3, 5, 2, 1]);
// Completion masks of different lengths per row (position 0 is never a target).
const mask = Float64Array.from([0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1]);

// The GRPO checks use one layer to keep the finite-difference sweep short; SFT covers two.
function tinyConfig(tied: boolean, nLayers = 1): GptConfig {
  return gptConfig({ vocabSize: 7, dModel: 8, nLayers, nHeads: 2, dFF: 12, contextLength: 8, tiedEmbeddings: tied });
}

/**
 * float64 sessions stop at basic graph optimisations: the extended ones fuse x·sigmoid(x) (SwiGLU)
 * into com.microsoft.QuickGelu, which onnxruntime's CPU provider implements for float32 only.
 */
const FLOAT64_SESSION = { device: 'cpu', intraOpThreads: 1, graphOptimization: 'basic' } as const;

async function runAll(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>) {
  return session.run(feeds);
}

/** For every parameter: autodiff gradient vs central differences of the graph's own loss output. */
async function checkAllParams(cfg: ModelConfig, built: BuiltGraph, extra: Record<string, ort.Tensor>, seed: number) {
  const session = await createSession(built.bytes, FLOAT64_SESSION);
  const params = randomParams64(cfg, seed);
  const base = await runAll(session, { ...paramFeeds(cfg, params, 'float64'), ...extra });
  const failures: string[] = [];
  for (const s of paramSpecs(cfg)) {
    const p = params[s.name];
    const fd = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) {
      const x0 = p[k];
      const h = 1e-5 * Math.max(1, Math.abs(x0));
      const lossAt = async (x: number) => {
        p[k] = x;
        const feeds = { ...extra, ...paramFeeds(cfg, params, 'float64') };
        return (await session.run(feeds, ['loss'])).loss.data[0] as number;
      };
      const lp = await lossAt(x0 + h);
      const lm = await lossAt(x0 - h);
      p[k] = x0;
      fd[k] = (lp - lm) / (2 * h);
    }
    const ad = base[gradName(s.name)].data as Float64Array;
    const r = relNormError(ad, fd);
    if (s.name !== 'wpe' || r.fdNorm > 0) {
      if (!(r.fdNorm > 1e-9)) failures.push(`${s.name}: finite-difference gradient is zero`);
      else if (!(r.relErr <= TOL)) failures.push(`${s.name}: relative error ${r.relErr.toExponential(2)}`);
    }
  }
  await session.release();
  return { failures, base };
}

async function logprobs64(cfg: ModelConfig, seed: number): Promise<Float64Array> {
  const s = await createSession(buildLogprobsGraph(cfg, 'float64').bytes, FLOAT64_SESSION);
  const out = await s.run({
    ...paramFeeds(cfg, randomParams64(cfg, seed), 'float64'),
    tokens: new ort.Tensor('int32', tokens, [B, T]),
  });
  await s.release();
  return out.logprobs.data as Float64Array;
}

function noisy(base: Float64Array, seed: number, scale: number): Float64Array {
  const rng = new SeededRng(seed);
  return base.map((x) => x + scale * rng.normal());
}

describe('full losses vs finite differences (float64)', () => {
  test('SFT masked cross-entropy, tied embeddings, two layers', async () => {
    const cfg = tinyConfig(true, 2);
    const { failures, base } = await checkAllParams(
      cfg,
      buildSftGraph(cfg, 'float64'),
      {
        tokens: new ort.Tensor('int32', tokens, [B, T]),
        mask: new ort.Tensor('float64', mask, [B, T]),
      },
      11,
    );
    assert.deepEqual(failures, []);
    assert.equal(base.token_count.data[0], 11);
  });

  test('GRPO token-mean with reference KL, untied head', async () => {
    const cfg = tinyConfig(false);
    const lp = await logprobs64(cfg, 12);
    const built = buildGrpoGraph(
      cfg,
      { aggregation: 'token-mean', useReference: true, oldLogprobs: 'input' },
      'float64',
    );
    const { failures, base } = await checkAllParams(
      cfg,
      built,
      {
        tokens: new ort.Tensor('int32', tokens, [B, T]),
        mask: new ort.Tensor('float64', mask, [B, T]),
        advantages: floatTensor('float64', [1.0, -0.7, 0.4], [B]),
        old_logprobs: new ort.Tensor('float64', noisy(lp, 1, 0.3), [B, T]),
        ref_logprobs: new ort.Tensor('float64', noisy(lp, 2, 0.2), [B, T]),
        beta: floatTensor('float64', [0.3], []),
        eps_low: floatTensor('float64', [0.2], []),
        eps_high: floatTensor('float64', [0.28], []),
      },
      12,
    );
    assert.deepEqual(failures, []);
    const clip = base.clip_fraction.data[0] as number;
    assert.ok(clip > 0 && clip < 1, `clip fraction ${clip} should show both clipped and unclipped tokens`);
    assert.ok((base.kl.data[0] as number) > 0);
  });

  test('GRPO sequence-mean without reference, tied head', async () => {
    const cfg = tinyConfig(true);
    const lp = await logprobs64(cfg, 13);
    const built = buildGrpoGraph(
      cfg,
      { aggregation: 'sequence-mean', useReference: false, oldLogprobs: 'input' },
      'float64',
    );
    assert.ok(
      !built.inputNames.includes('ref_logprobs') && !built.inputNames.includes('beta'),
      'beta = 0 graph must not take a reference',
    );
    assert.ok(!built.outputNames.includes('kl'));
    const { failures } = await checkAllParams(
      cfg,
      built,
      {
        tokens: new ort.Tensor('int32', tokens, [B, T]),
        mask: new ort.Tensor('float64', mask, [B, T]),
        advantages: floatTensor('float64', [-0.5, 1.2, 0.8], [B]),
        old_logprobs: new ort.Tensor('float64', noisy(lp, 3, 0.3), [B, T]),
        eps_low: floatTensor('float64', [0.2], []),
        eps_high: floatTensor('float64', [0.2], []),
      },
      13,
    );
    assert.deepEqual(failures, []);
  });
});

describe('loss graph consistency', () => {
  test('float32 SFT gradients agree with float64 (relative error <= 1e-4 per tensor)', async () => {
    const cfg = tinyConfig(true);
    const params = randomParams64(cfg, 21);
    const results = [];
    for (const dtype of ['float32', 'float64'] as const) {
      const s = await createSession(buildSftGraph(cfg, dtype).bytes, { device: 'cpu', intraOpThreads: 1 });
      results.push(
        await s.run({
          ...paramFeeds(cfg, params, dtype),
          tokens: new ort.Tensor('int32', tokens, [B, T]),
          mask: floatTensor(dtype, mask, [B, T]),
        }),
      );
      await s.release();
    }
    assert.ok(Math.abs((results[0].loss.data[0] as number) - (results[1].loss.data[0] as number)) < 1e-5);
    for (const sp of paramSpecs(cfg)) {
      const r = relNormError(
        results[0][gradName(sp.name)].data as Float32Array,
        results[1][gradName(sp.name)].data as Float64Array,
      );
      assert.ok(r.relErr <= 1e-4, `${sp.name}: float32 vs float64 relative error ${r.relErr}`);
    }
  });

  test("GRPO with oldLogprobs 'current' equals feeding the current log-probs", async () => {
    const cfg = tinyConfig(true);
    const lp = await logprobs64(cfg, 31);
    const feeds = {
      ...paramFeeds(cfg, randomParams64(cfg, 31), 'float64'),
      tokens: new ort.Tensor('int32', tokens, [B, T]),
      mask: new ort.Tensor('float64', mask, [B, T]),
      advantages: floatTensor('float64', [1, -1, 0.5], [B]),
      eps_low: floatTensor('float64', [0.2], []),
      eps_high: floatTensor('float64', [0.2], []),
    };
    const outs = [];
    for (const oldLogprobs of ['current', 'input'] as const) {
      const built = buildGrpoGraph(cfg, { aggregation: 'token-mean', useReference: false, oldLogprobs }, 'float64');
      const s = await createSession(built.bytes, { device: 'cpu', intraOpThreads: 1 });
      outs.push(
        await s.run(
          oldLogprobs === 'input' ? { ...feeds, old_logprobs: new ort.Tensor('float64', lp, [B, T]) } : feeds,
        ),
      );
      await s.release();
    }
    // With old == current the ratio is 1 everywhere: loss = -mean(A) over masked tokens.
    const expectedLoss = -(4 * 1 + 2 * -1 + 5 * 0.5) / 11;
    assert.ok(Math.abs((outs[0].loss.data[0] as number) - expectedLoss) < 1e-12);
    for (const sp of paramSpecs(cfg)) {
      const r = relNormError(
        outs[0][gradName(sp.name)].data as Float64Array,
        outs[1][gradName(sp.name)].data as Float64Array,
      );
      assert.ok(r.relErr <= 1e-9, `${sp.name}: ${r.relErr}`);
    }
    assert.equal(outs[0].clip_fraction.data[0], 0);
  });
});

// The Llama family: RMSNorm, rotary embeddings, grouped-query attention, SwiGLU, q/k/v biases
// (Qwen2), per-head q/k norm (Qwen3) and llama3 rope scaling, all through primitive ops.
function tinyLlama(overrides: Parameters<typeof llamaConfig>[0]) {
  return llamaConfig({
    dModel: 8,
    nLayers: 1,
    nHeads: 4,
    nKvHeads: 2,
    headDim: 4,
    dFF: 12,
    contextLength: 8,
    rmsNormEps: 1e-6,
    ...overrides,
  });
}

describe('Llama-family losses vs finite differences (float64)', () => {
  const batch = () => ({
    tokens: new ort.Tensor('int32', tokens, [B, T]),
    mask: new ort.Tensor('float64', mask, [B, T]),
  });

  test('SFT, Qwen2-style: q/k/v biases, grouped-query attention, untied head', async () => {
    const cfg = tinyLlama({ architecture: 'Qwen2ForCausalLM', vocabSize: 7, qkvBias: true, tiedEmbeddings: false });
    const { failures } = await checkAllParams(cfg, buildSftGraph(cfg, 'float64'), batch(), 21);
    assert.deepEqual(failures, []);
  });

  test('SFT, Qwen3-style: per-head q/k norm, head width ≠ d/heads, llama3 rope scaling, tied head', async () => {
    const cfg = tinyLlama({
      architecture: 'Qwen3ForCausalLM',
      vocabSize: 7,
      headDim: 6,
      qkNorm: true,
      outputBias: true,
      ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 4 },
    });
    const { failures } = await checkAllParams(cfg, buildSftGraph(cfg, 'float64'), batch(), 22);
    assert.deepEqual(failures, []);
  });

  test('GRPO token-mean with reference KL, Llama with MLP biases', async () => {
    const cfg = tinyLlama({ vocabSize: 7, mlpBias: true });
    const lp = await logprobs64(cfg, 23);
    const built = buildGrpoGraph(
      cfg,
      { aggregation: 'token-mean', useReference: true, oldLogprobs: 'input' },
      'float64',
    );
    const { failures } = await checkAllParams(
      cfg,
      built,
      {
        ...batch(),
        advantages: floatTensor('float64', [1.0, -0.7, 0.4], [B]),
        old_logprobs: new ort.Tensor('float64', noisy(lp, 3, 0.3), [B, T]),
        ref_logprobs: new ort.Tensor('float64', noisy(lp, 4, 0.2), [B, T]),
        beta: floatTensor('float64', [0.3], []),
        eps_low: floatTensor('float64', [0.2], []),
        eps_high: floatTensor('float64', [0.28], []),
      },
      23,
    );
    assert.deepEqual(failures, []);
  });
});
