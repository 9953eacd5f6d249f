// The same training and the same rollouts on 1 and on 2 intra-op threads end in the same bytes,
// for the GPT and a Llama-family model. The batches are large enough (many rows sharing few
// token ids) that onnxruntime splits every kernel across both threads, and the MLPs are wider
// than 128 (a GEMM's K above 128 is where onnxruntime's thread split changed the summation), so
// both order-dependent kernels found before (the ScatterND embedding gradient and MLAS GEMMs with
// a split N) would show up here.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ModelConfig, type Params, SeededRng, gptConfig, initParams, llamaConfig } from '../../../../engine/model';
import { type AdamWState, DEFAULT_ADAMW, createAdamWState } from '../../../../engine/optim';
import { RolloutSampler, modelDecoder } from '../../../../engine/sampler';
import { SessionCache, createTrainer, packSequences } from '../../../../engine/train';

const VOCAB = 64,
  ROWS = 64,
  LENGTH = 64;

const CONFIGS: Array<[string, ModelConfig]> = [
  ['GPT', gptConfig({ vocabSize: VOCAB, dModel: 96, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 96 })],
  [
    'Qwen3-shaped Llama',
    llamaConfig({
      architecture: 'Qwen3ForCausalLM',
      vocabSize: VOCAB,
      dModel: 96,
      nLayers: 2,
      nHeads: 4,
      nKvHeads: 2,
      headDim: 24,
      dFF: 256,
      contextLength: 96,
      qkNorm: true,
    }),
  ],
];

const sessions = new Map<number, SessionCache>();
function sessionsWith(threads: number): SessionCache {
  let s = sessions.get(threads);
  if (!s) sessions.set(threads, (s = new SessionCache('cpu', { intraOpThreads: threads })));
  return s;
}
after(async () => {
  for (const s of sessions.values()) await s.release();
});

/** Rows of random lengths over a small vocabulary: every token id appears in many rows. */
function batches(steps: number) {
  const rng = new SeededRng(5);
  return Array.from({ length: steps }, () =>
    packSequences(
      Array.from({ length: ROWS }, () => {
        const n = LENGTH / 2 + (rng.nextUint32() % (LENGTH / 2));
        return { tokens: Array.from({ length: n }, () => rng.nextUint32() % VOCAB), lossStart: 3 };
      }),
      0,
    ),
  );
}

function bytesOf(params: Params, state: AdamWState): Buffer {
  const parts: Buffer[] = [];
  for (const record of [params, state.m, state.v])
    for (const k of Object.keys(record).sort()) {
      const t = record[k];
      parts.push(Buffer.from(t.buffer, t.byteOffset, t.byteLength));
    }
  return Buffer.concat(parts);
}

async function trainOn(cfg: ModelConfig, threads: number): Promise<Buffer> {
  const trainer = createTrainer(cfg, sessionsWith(threads));
  const params = initParams(cfg, 3);
  const state = createAdamWState(params);
  const optimizer = { ...DEFAULT_ADAMW, lr: 3e-3, warmupSteps: 0 };
  const data = batches(4);
  for (const batch of data.slice(0, 2)) await trainer.sftStep(params, state, batch, { optimizer });
  for (const [i, batch] of data.slice(2).entries()) {
    const advantages = Float32Array.from({ length: batch.batchSize }, (_, b) => ((b + i) % 3) - 1);
    const hp = { optimizer, epsLow: 0.2, epsHigh: 0.28, beta: 0, aggregation: 'token-mean' as const };
    await trainer.grpoStep(params, state, { ...batch, advantages }, hp);
  }
  return bytesOf(params, state);
}

async function sampleWith(cfg: ModelConfig, threads: number) {
  const sampler = RolloutSampler.create(modelDecoder(cfg), initParams(cfg, 4), { intraOpThreads: threads });
  try {
    const rng = new SeededRng(6);
    const prompts = Array.from({ length: 32 }, (_, i) =>
      Array.from({ length: 4 + (i % 5) }, () => 1 + (rng.nextUint32() % (VOCAB - 1))),
    );
    const request = { prompts, seeds: prompts.map((_, i) => 100 + i) };
    return await sampler.sample(request, { maxNewTokens: 24, temperature: 1, topP: 0.9, stopTokens: [], padToken: 0 });
  } finally {
    await sampler.release();
  }
}

for (const [label, cfg] of CONFIGS) {
  describe(`the ${label} on 1 and 2 threads`, () => {
    test('SFT and GRPO steps leave bitwise identical parameters and AdamW moments', async () => {
      const one = await trainOn(cfg, 1);
      const two = await trainOn(cfg, 2);
      assert.equal(one.length, two.length);
      assert.ok(one.equals(two), 'parameters or moments differ between 1 and 2 threads');
    });

    test('rollouts pick the same tokens with bitwise identical log-probs', async () => {
      const one = await sampleWith(cfg, 1);
      const two = await sampleWith(cfg, 2);
      assert.deepEqual(
        two.map((c) => c.tokens),
        one.map((c) => c.tokens),
      );
      assert.ok(
        Buffer.from(Float32Array.from(one.flatMap((c) => c.logprobs)).buffer).equals(
          Buffer.from(Float32Array.from(two.flatMap((c) => c.logprobs)).buffer),
        ),
        'log-probs differ between 1 and 2 threads',
      );
    });
  });
}
