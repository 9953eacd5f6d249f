// End-to-end training through the trainer facade: learning, determinism, exact resume, GRPO;
// for the GPT and for a Llama-family model (Qwen3-shaped: grouped-query attention, q/k norm).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ModelConfig, type Params, SeededRng, cloneParams, gptConfig, initParams } from '../../../../engine/model';
import { smallQwen3 } from '../model-helpers';
import {
  type AdamWConfig,
  DEFAULT_ADAMW,
  adamwStateFromTensors,
  adamwStateToTensors,
  createAdamWState,
} from '../../../../engine/optim';
import { type TokenBatch, createTrainer, packSequences } from '../../../../engine/train';
import { useTestSessions } from '../test-sessions';

const sessions = useTestSessions();

// Reversal task: BOS d1..d5 SEP d5..d1 over digits 0..7; only the reversed half is trained on.
const BOS = 8,
  SEP = 9,
  PAD = 10,
  N = 5;
// [label, config, embedding tensor name, held-out loss the reversal task must reach in 300 steps]
const CONFIGS: Array<[string, ModelConfig, string, number]> = [
  ['GPT', gptConfig({ vocabSize: 11, dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, contextLength: 16 }), 'wte', 0.05],
  ['Qwen3-shaped Llama', smallQwen3(11, 16), 'model.embed_tokens.weight', 0.15],
];

function reversalBatch(rng: SeededRng, size: number): TokenBatch {
  const seqs = Array.from({ length: size }, () => {
    const d = Array.from({ length: N }, () => rng.nextUint32() % 8);
    return { tokens: [BOS, ...d, SEP, ...d.slice().reverse()], lossStart: N + 2 };
  });
  return packSequences(seqs, PAD);
}

const opt = (totalSteps: number): AdamWConfig => ({
  ...DEFAULT_ADAMW,
  lr: 3e-3,
  warmupSteps: 20,
  totalSteps,
  weightDecay: 0.01,
});

for (const [label, cfg, embedding, learnedLoss] of CONFIGS) {
  async function train(
    params: Params,
    state = createAdamWState(params),
    steps: number,
    dataSeed: number,
    skip = 0,
    totalSteps = steps,
  ) {
    const trainer = createTrainer(cfg, sessions);
    const rng = new SeededRng(dataSeed);
    let last = NaN;
    for (let i = 0; i < skip + steps; i++) {
      const batch = reversalBatch(rng, 32); // drawn even when skipped so the data stream lines up
      if (i < skip) continue;
      last = (await trainer.sftStep(params, state, batch, { optimizer: opt(totalSteps) })).metrics.loss;
    }
    return { params, state, last };
  }

  const bytes = (p: Params) =>
    Buffer.concat(
      Object.keys(p)
        .sort()
        .map((k) => Buffer.from(p[k].buffer, p[k].byteOffset, p[k].byteLength)),
    );

  describe(`training the ${label}`, () => {
    test(`a 2-layer model learns sequence reversal: held-out loss < ${learnedLoss} nats/token after 300 steps`, async () => {
      const params = initParams(cfg, 7);
      const trainer = createTrainer(cfg, sessions);
      const heldOut = reversalBatch(new SeededRng(12345), 64);
      const before = (await trainer.sftLossAndGrads(params, heldOut)).loss;
      await train(params, undefined, 300, 99);
      const after = (await trainer.sftLossAndGrads(params, heldOut)).loss;
      assert.ok(before > 1.5, `untrained loss ${before} should be near ln(11)`);
      assert.ok(after < learnedLoss, `held-out loss after training is ${after}`);
    });

    test('two runs with the same seed give byte-identical parameters; another seed differs', async () => {
      const a = await train(initParams(cfg, 3), undefined, 25, 5);
      const b = await train(initParams(cfg, 3), undefined, 25, 5);
      const c = await train(initParams(cfg, 4), undefined, 25, 5);
      assert.ok(bytes(a.params).equals(bytes(b.params)));
      assert.ok(
        Buffer.from(
          new Float32Array(Object.values(adamwStateToTensors(a.state)).flatMap((t) => Array.from(t))).buffer,
        ).equals(
          Buffer.from(
            new Float32Array(Object.values(adamwStateToTensors(b.state)).flatMap((t) => Array.from(t))).buffer,
          ),
        ),
      );
      assert.ok(!bytes(a.params).equals(bytes(c.params)));
    });

    test('save -> restore -> continue equals an uninterrupted run bit for bit', async () => {
      const total = 30,
        half = 15;
      const straight = await train(initParams(cfg, 9), undefined, total, 21);

      const first = await train(initParams(cfg, 9), undefined, half, 21, 0, total);
      // Serialise to plain bytes and rebuild fresh objects, as a checkpoint round trip would.
      const saved = new Map<string, Buffer>();
      for (const [k, v] of Object.entries({ ...first.params }))
        saved.set(`p/${k}`, Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
      for (const [k, v] of Object.entries(adamwStateToTensors(first.state)))
        saved.set(`o/${k}`, Buffer.from(v.buffer.slice(0)));
      const restore = (prefix: string) => {
        const out: Record<string, Float32Array> = {};
        for (const [k, b] of saved)
          if (k.startsWith(prefix)) out[k.slice(prefix.length)] = new Float32Array(new Uint8Array(b).buffer);
        return out;
      };
      const resumed = await train(restore('p/'), adamwStateFromTensors(restore('o/')), total - half, 21, half, total);
      assert.equal(resumed.state.step, total);
      assert.ok(bytes(resumed.params).equals(bytes(straight.params)));
    });

    test('GRPO steps move log-probs in the direction of the advantages', async () => {
      const params = initParams(cfg, 5);
      const trainer = createTrainer(cfg, sessions);
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
      const ref = (await trainer.logprobs(cloneParams(params), batch)).logprobs;
      const hp = {
        optimizer: { ...DEFAULT_ADAMW, lr: 3e-3, clipNorm: 1 },
        epsLow: 0.2,
        epsHigh: 0.28,
        beta: 0.04,
        aggregation: 'token-mean' as const,
      };
      let metrics;
      for (let i = 0; i < 5; i++)
        metrics = (await trainer.grpoStep(params, state, { ...batch, advantages, refLogprobs: ref }, hp)).metrics;
      const after = await rowLogprob(params);
      for (let b = 0; b < 4; b++)
        assert.ok(
          advantages[b] > 0 ? after[b] > before[b] : after[b] < before[b],
          `row ${b}: ${before[b]} -> ${after[b]}`,
        );
      assert.ok(metrics && metrics.kl !== null && metrics.kl > 0 && metrics.entropy > 0 && metrics.tokens === 20);
    });

    test('GRPO with beta = 0 needs no reference; beta > 0 without one is refused', async () => {
      const params = initParams(cfg, 5);
      const trainer = createTrainer(cfg, sessions);
      const batch = { ...reversalBatch(new SeededRng(2), 2), advantages: Float32Array.from([0.5, -0.5]) };
      const hp = { optimizer: DEFAULT_ADAMW, epsLow: 0.2, epsHigh: 0.2, aggregation: 'sequence-mean' as const };
      const r = await trainer.grpoStep(params, createAdamWState(params), batch, { ...hp, beta: 0 });
      assert.equal(r.metrics.kl, null);
      assert.equal(r.metrics.clipFraction, 0);
      await assert.rejects(
        trainer.grpoStep(params, createAdamWState(params), batch, { ...hp, beta: 0.1 }),
        /refLogprobs is required/,
      );
    });

    test('bad batches are refused with the field named', async () => {
      const trainer = createTrainer(cfg, sessions);
      const params = initParams(cfg, 1);
      const batch = reversalBatch(new SeededRng(3), 2);
      await assert.rejects(
        trainer.sftLossAndGrads(params, { ...batch, tokens: batch.tokens.map((t) => (t === SEP ? 99 : t)) }),
        /batch\.tokens\[\d+\] = 99/,
      );
      await assert.rejects(
        trainer.sftLossAndGrads(params, { ...batch, lossMask: new Float32Array(3) }),
        /batch\.lossMask/,
      );
      const { [embedding]: _drop, ...missing } = params;
      await assert.rejects(trainer.sftLossAndGrads(missing, batch), new RegExp(`Parameter '${embedding}' is missing`));
    });
  });
}
