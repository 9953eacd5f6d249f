import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../../engine/onnx/graph-builder';
import { encodeModel } from '../../../../engine/onnx/encode';
import { emitSampleHead, sampleWalkFor, walkReadsTopP, type SampleWalk } from '../../../../engine/sampler/sample-head';
import { SampleRng, deriveSampleSeed, uniformsForBatch } from '../../../../engine/sampler/rng';

interface SampleHeadSessions {
  vocab: number;
  /** one session per walk, built when first asked for */
  byWalk: Map<SampleWalk, ort.InferenceSession>;
  release(): Promise<void>;
}

/** The sampling heads of a vocabulary size; `pick` runs the walk the sampler would for its settings. */
async function sampleHeadSession(vocab: number): Promise<SampleHeadSessions> {
  const byWalk = new Map<SampleWalk, ort.InferenceSession>();
  return {
    vocab,
    byWalk,
    release: async () => {
      for (const s of byWalk.values()) await s.release();
    },
  };
}

async function sessionFor(sessions: SampleHeadSessions, walk: SampleWalk): Promise<ort.InferenceSession> {
  let session = sessions.byWalk.get(walk);
  if (!session) {
    const g = new GraphBuilder('sample_head');
    const logits = g.input('logits', 'float32', ['batch', sessions.vocab]);
    const uniform = g.input('uniform', 'float32', ['batch']);
    const temperature = g.input('temperature', 'float32', []);
    const topP = walkReadsTopP(walk) ? g.input('top_p', 'float32', []) : null;
    const out = emitSampleHead(g, { logits, uniform, temperature, topP, vocabSize: sessions.vocab }, walk);
    g.output(out.token, 'token');
    g.output(out.logprob, 'logprob');
    session = await ort.InferenceSession.create(encodeModel(g), { intraOpNumThreads: 1 });
    sessions.byWalk.set(walk, session);
  }
  return session;
}

async function pick(
  sessions: SampleHeadSessions,
  logits: number[][],
  u: number[],
  temperature: number,
  topP: number,
  topK = 0,
) {
  const vocab = logits[0].length;
  const walk = sampleWalkFor(topP, topK, vocab);
  const result = await (
    await sessionFor(sessions, walk)
  ).run({
    logits: new ort.Tensor('float32', Float32Array.from(logits.flat()), [logits.length, vocab]),
    uniform: new ort.Tensor('float32', Float32Array.from(u), [u.length]),
    temperature: new ort.Tensor('float32', new Float32Array([temperature]), []),
    ...(walkReadsTopP(walk) ? { top_p: new ort.Tensor('float32', new Float32Array([topP]), []) } : {}),
  });
  return {
    walk,
    tokens: [...(result.token.data as BigInt64Array)].map(Number),
    logprobs: [...(result.logprob.data as Float32Array)],
  };
}

/** Float64 reference of the documented rule; also returns how far u·mass is from the nearest cdf step. */
function referencePick(
  logits: number[],
  u: number,
  temperature: number,
  topP: number,
  topK = 0,
): { token: number; margin: number } {
  let order = logits.map((_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  if (temperature <= 0) return { token: order[0], margin: Infinity };
  // top_k keeps the k largest first; the rest is renormalized over them
  const truncated = topK > 0 && topK < logits.length;
  if (truncated) order = order.slice(0, topK);
  // The whole distribution is walked in token-id order, the nucleus in descending order.
  else if (topP >= 1) order.sort((a, b) => a - b);
  const max = Math.max(...logits);
  const weights = order.map((i) => Math.exp((logits[i] - max) / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  const probs = weights.map((w) => w / total);
  const kept: number[] = [];
  let before = 0;
  for (const p of probs) {
    if (before >= topP) break;
    kept.push(p);
    before += p;
  }
  const mass = kept.reduce((s, p) => s + p, 0);
  const threshold = u * mass;
  let cdf = 0;
  let margin = Infinity;
  for (let j = 0; j < kept.length; j++) {
    cdf += kept[j];
    margin = Math.min(margin, Math.abs(cdf - threshold));
    if (cdf > threshold) return { token: order[j], margin };
  }
  return { token: order[kept.length - 1], margin };
}

describe('sampling rule', () => {
  test('picks by inverse CDF over the nucleus, with policy log-probs at temperature 1', async () => {
    const session = await sampleHeadSession(3);
    const row = [Math.log(0.3), Math.log(0.5), Math.log(0.2)]; // sorted order: 1, 0, 2
    // top_p = 1 walks ids in order: cdf 0.3, 0.8, 1.0
    const full = await pick(session, [row, row, row], [0.1, 0.6, 0.85], 1, 1);
    assert.deepEqual(full.tokens, [0, 1, 2]);
    full.logprobs.forEach((lp, i) => assert.ok(Math.abs(lp - Math.log([0.3, 0.5, 0.2][i])) < 1e-6));
    const nucleus = await pick(session, [row, row, row], [0.5, 0.7, 0.99], 1, 0.7); // keeps ids 1 and 0 (mass 0.8)
    assert.deepEqual(nucleus.tokens, [1, 0, 0]);
    // top_k 2 keeps ids 1 and 0, renormalized to 5/8 and 3/8: cdf 0.625, 1.0 in descending order
    const topTwo = await pick(session, [row, row, row], [0.1, 0.6, 0.7], 1, 1, 2);
    assert.deepEqual(topTwo.tokens, [1, 1, 0]);
    // top_k 1 is the argmax whatever u is; the log-probs stay the policy's own
    const topOne = await pick(session, [row, row], [0.01, 0.99], 1, 1, 1);
    assert.deepEqual(topOne.tokens, [1, 1]);
    topOne.logprobs.forEach((lp) => assert.ok(Math.abs(lp - Math.log(0.5)) < 1e-6));
    const greedy = await pick(session, [row, row], [0.99, 0.5], 0, 1);
    assert.deepEqual(greedy.tokens, [1, 1]);
    const greedyNucleus = await pick(session, [row, row], [0.99, 0.5], 0, 0.7); // both walks: the argmax
    assert.deepEqual(greedyNucleus.tokens, [1, 1]);
    const hot = await pick(session, [row], [0.4], 2, 1); // T=2 flattens: p ∝ sqrt(0.3, 0.5, 0.2), in id order
    const w = [0.3, 0.5, 0.2].map(Math.sqrt);
    assert.equal(hot.tokens[0], 0.4 * (w[0] + w[1] + w[2]) < w[0] ? 0 : 1);
    assert.ok(Math.abs(hot.logprobs[0] - Math.log(hot.tokens[0] === 1 ? 0.5 : 0.3)) < 1e-6);
    // u just below 1 at top_p = 1: the last token with any mass, never one of probability 0
    const withZero = [0, 0, -200];
    const edge = await pick(session, [withZero], [1 - 2 ** -24], 1, 1);
    assert.equal(edge.tokens[0] === 0 || edge.tokens[0] === 1, true, `picked ${edge.tokens[0]}`);
    await session.release();
  });

  test('agrees with a float64 reference on random distributions', async () => {
    const vocab = 40;
    const session = await sampleHeadSession(vocab);
    const rng = new SampleRng('reference-check');
    let compared = 0;
    for (const [temperature, topP, topK] of [
      [1, 1, 0],
      [0.7, 0.9, 0],
      [1.3, 0.5, 0],
      [0, 1, 0],
      [1, 1, 5],
      [0.8, 0.6, 12],
      [0, 1, 3],
      [1, 1, vocab],
    ] as const) {
      const rows = Array.from({ length: 64 }, () => Array.from({ length: vocab }, () => (rng.nextUniform() - 0.5) * 8));
      const u = rows.map(() => rng.nextUniform());
      const got = await pick(session, rows, u, temperature, topP, topK);
      assert.equal(got.walk, topK > 0 && topK < vocab ? `top-${topK}` : topP < 1 ? 'nucleus' : 'whole');
      rows.forEach((row, b) => {
        const expected = referencePick(row, u[b], temperature, topP, topK);
        if (expected.margin < 1e-5) return; // float32 rounding may legitimately go either way here
        compared++;
        assert.equal(got.tokens[b], expected.token, `row ${b} at T=${temperature}, top_p=${topP}, top_k=${topK}`);
      });
    }
    assert.ok(compared > 400);
    await session.release();
  });
});

describe('per-sample random stream', () => {
  test('xoshiro128** matches the reference generator output', () => {
    const rng = SampleRng.fromState([1, 2, 3, 4]);
    assert.deepEqual(
      Array.from({ length: 6 }, () => rng.nextUint32()),
      [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
    );
  });

  test('uniforms are on the float32-exact 2^-24 grid in [0, 1)', () => {
    const values = uniformsForBatch(['a', 'b', 7], 500);
    for (const v of values) {
      assert.ok(v >= 0 && v < 1);
      assert.equal(Number.isInteger(v * 2 ** 24), true);
    }
  });

  test('a sample column depends only on its own seed, not on the batch', () => {
    const alone = uniformsForBatch(['s1'], 16);
    const inBatch = uniformsForBatch(['other', 's1', 'third'], 16);
    for (let t = 0; t < 16; t++) assert.equal(inBatch[t * 3 + 1], alone[t]);
    assert.notDeepEqual([...uniformsForBatch(['s2'], 16)], [...alone]);
  });

  test('derived seeds change with every coordinate and are stable', () => {
    const base = { runSeed: 7, stage: 'r1-zero', step: 3, promptIndex: 11, sampleIndex: 2 };
    const seed = deriveSampleSeed(base);
    assert.match(seed, /^[0-9a-f]{32}$/);
    assert.equal(deriveSampleSeed({ ...base }), seed);
    const variants = [
      { ...base, runSeed: 8 },
      { ...base, stage: 'reasoning-rl' },
      { ...base, step: 4 },
      { ...base, promptIndex: 12 },
      { ...base, sampleIndex: 3 },
    ].map(deriveSampleSeed);
    assert.equal(new Set([seed, ...variants]).size, 6);
  });
});
