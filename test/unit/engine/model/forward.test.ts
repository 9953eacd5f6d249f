// Forward pass: KV-cache decoding equals the full pass; left padding with positions + key mask;
// seeded initialisation.

import { createSession } from '../../../../engine/device';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, encodeModel } from '../../../../engine/onnx';
import {
  type KvCache,
  checkParams,
  countParams,
  declareWeightInputs,
  gptConfig,
  gptForward,
  initParams,
  paramSpecs,
} from '../../../../engine/model';

const cfg = gptConfig({
  vocabSize: 13,
  dModel: 16,
  nLayers: 2,
  nHeads: 4,
  dFF: 32,
  contextLength: 16,
  tiedEmbeddings: false,
});
const hd = cfg.dModel / cfg.nHeads;
const params = initParams(cfg, 42);
// Larger weights than init so attention patterns are far from uniform.
for (const s of paramSpecs(cfg)) if (s.init === 'normal') params[s.name] = params[s.name].map((x) => x * 15);

const feedsOf = () =>
  Object.fromEntries(paramSpecs(cfg).map((s) => [s.name, new ort.Tensor('float32', params[s.name], s.shape)]));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function fullSession(withMask: boolean, tokenType: 'int32' | 'int64' = 'int32') {
  const g = new GraphBuilder('full');
  const w = declareWeightInputs(g, cfg);
  const tokens = g.input('tokens', tokenType, ['batch', 'seq']);
  const positions = withMask ? g.input('positions', 'int64', ['batch', 'seq']) : undefined;
  const keyMask = withMask ? g.input('key_mask', 'bool', ['batch', 'seq']) : undefined;
  g.output(gptForward(g, cfg, w, tokens, { positions, keyMask }).logits, 'logits');
  return createSession(encodeModel(g), { device: 'cpu' });
}

async function decodeSession() {
  const g = new GraphBuilder('decode');
  const w = declareWeightInputs(g, cfg);
  const tokens = g.input('tokens', 'int32', ['batch', 'new']);
  const past: KvCache[] = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    past.push({
      key: g.input(`past_key_${l}`, 'float32', ['batch', cfg.nHeads, 'past', hd]),
      value: g.input(`past_value_${l}`, 'float32', ['batch', cfg.nHeads, 'past', hd]),
    });
  }
  const r = gptForward(g, cfg, w, tokens, { past });
  g.output(r.logits, 'logits');
  r.present.forEach((p, l) => {
    g.output(p.key, `present_key_${l}`);
    g.output(p.value, `present_value_${l}`);
  });
  return createSession(encodeModel(g), { device: 'cpu' });
}

describe('GPT forward', () => {
  test('prefill + incremental decoding with a KV cache equals the full forward pass (max abs diff <= 1e-4)', async () => {
    const B = 2,
      T = 9,
      prefill = 4;
    const toks = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % cfg.vocabSize);
    const full = await fullSession(false);
    const expected = (await full.run({ ...feedsOf(), tokens: new ort.Tensor('int32', toks, [B, T]) })).logits
      .data as Float32Array;

    const dec = await decodeSession();
    let cache: Record<string, ort.Tensor> = {};
    for (let l = 0; l < cfg.nLayers; l++) {
      cache[`past_key_${l}`] = new ort.Tensor('float32', new Float32Array(0), [B, cfg.nHeads, 0, hd]);
      cache[`past_value_${l}`] = new ort.Tensor('float32', new Float32Array(0), [B, cfg.nHeads, 0, hd]);
    }
    const V = cfg.vocabSize;
    let start = 0;
    for (const len of [prefill, ...Array(T - prefill).fill(1)]) {
      const chunk = new Int32Array(B * len);
      for (let b = 0; b < B; b++) for (let t = 0; t < len; t++) chunk[b * len + t] = toks[b * T + start + t];
      const out = await dec.run({ ...feedsOf(), ...cache, tokens: new ort.Tensor('int32', chunk, [B, len]) });
      const got = out.logits.data as Float32Array;
      for (let b = 0; b < B; b++) {
        const want = expected.subarray((b * T + start) * V, (b * T + start + len) * V);
        const diff = maxAbsDiff(got.subarray(b * len * V, (b + 1) * len * V), want);
        assert.ok(diff <= 1e-4, `row ${b} positions ${start}..${start + len - 1}: max abs diff ${diff}`);
      }
      cache = {};
      for (let l = 0; l < cfg.nLayers; l++) {
        cache[`past_key_${l}`] = out[`present_key_${l}`];
        cache[`past_value_${l}`] = out[`present_value_${l}`];
      }
      assert.deepEqual(cache.past_key_0.dims, [B, cfg.nHeads, start + len, hd]);
      start += len;
    }
    // The logits must actually depend on context, or the comparison above proves little.
    assert.ok(maxAbsDiff(expected.subarray(0, V), expected.subarray(V, 2 * V)) > 1e-2);
  });

  test('int64 tokens (as sampling ops produce them) give the same logits as int32', async () => {
    const toks = [3, 1, 4, 1, 5, 9, 2, 6];
    const a = await (
      await fullSession(false, 'int32')
    ).run({ ...feedsOf(), tokens: new ort.Tensor('int32', Int32Array.from(toks), [2, 4]) });
    const b = await (
      await fullSession(false, 'int64')
    ).run({ ...feedsOf(), tokens: new ort.Tensor('int64', BigInt64Array.from(toks.map(BigInt)), [2, 4]) });
    assert.deepEqual(Array.from(b.logits.data as Float32Array), Array.from(a.logits.data as Float32Array));
  });

  test('a left-padded row with positions and key mask gives the same logits as the unpadded row', async () => {
    const s = await fullSession(true);
    const T = 5,
      pad = 2;
    const real = [4, 7, 1];
    const toks = Int32Array.from([...real, 9, 9, 0, 0, ...real]); // row 0 right-padded, row 1 left-padded
    const positions = BigInt64Array.from([0, 1, 2, 3, 4, 0, 0, 0, 1, 2].map(BigInt));
    const keyMask = new Uint8Array([1, 1, 1, 1, 1, 0, 0, 1, 1, 1]);
    const out = await s.run({
      ...feedsOf(),
      tokens: new ort.Tensor('int32', toks, [2, T]),
      positions: new ort.Tensor('int64', positions, [2, T]),
      key_mask: new ort.Tensor('bool', keyMask, [2, T]),
    });
    const V = cfg.vocabSize;
    const logits = out.logits.data as Float32Array;
    const diff = maxAbsDiff(logits.subarray(0, real.length * V), logits.subarray((T + pad) * V, 2 * T * V));
    assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
  });

  test('seeded initialisation is reproducible and config-checked', () => {
    const a = initParams(cfg, 1),
      b = initParams(cfg, 1),
      c = initParams(cfg, 2);
    for (const k of Object.keys(a)) assert.ok(Buffer.from(a[k].buffer).equals(Buffer.from(b[k].buffer)), k);
    assert.ok(!Buffer.from(a.wte.buffer).equals(Buffer.from(c.wte.buffer)));
    assert.equal(
      Object.values(a).reduce((s, x) => s + x.length, 0),
      countParams(cfg),
    );
    assert.deepEqual(Array.from(a['h.0.ln1.weight']), new Array(cfg.dModel).fill(1));
    assert.throws(() => checkParams(cfg, { ...a, wte: new Float32Array(3) }), /Parameter 'wte' has 3 values/);
    assert.throws(
      () => gptConfig({ vocabSize: 10, dModel: 10, nHeads: 4 }),
      /dModel \(10\) must be divisible by nHeads \(4\)/,
    );
  });
});
