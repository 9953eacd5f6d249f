// The in-graph (fused) AdamW step agrees with the TypeScript reference AdamW, and its flat
// state round-trips through named tensors.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneParams, gptConfig, initParams, paramSpecs } from '../../../../engine/model';
import {
  DEFAULT_ADAMW,
  adamwStateFromTensors,
  adamwStateToTensors,
  adamwStep,
  createAdamWState,
  flatLayout,
  flatten,
  unflatten,
} from '../../../../engine/optim';
import { createTrainer, packSequences } from '../../../../engine/train';
import { relNormError } from '../gradcheck-helpers';
import { useTestSessions } from '../test-sessions';

const sessions = useTestSessions();

const cfg = gptConfig({
  vocabSize: 12,
  dModel: 16,
  nLayers: 1,
  nHeads: 2,
  dFF: 32,
  contextLength: 10,
  tiedEmbeddings: false,
});
const batch = packSequences(
  [
    { tokens: [1, 5, 7, 2, 9, 3], lossStart: 2 },
    { tokens: [4, 4, 8, 11, 0], lossStart: 1 },
  ],
  0,
);

describe('fused AdamW', () => {
  test('matches the TypeScript AdamW over three steps with decay, warmup and clipping', async () => {
    const trainer = createTrainer(cfg, sessions);
    const optimizer = { ...DEFAULT_ADAMW, lr: 1e-2, warmupSteps: 2, totalSteps: 10, weightDecay: 0.1, clipNorm: 0.5 };
    const fused = initParams(cfg, 3);
    const fusedState = createAdamWState(fused);
    const ref = cloneParams(fused);
    const refState = createAdamWState(ref);
    const order = paramSpecs(cfg).map((s) => s.name);
    const decay = new Set(
      paramSpecs(cfg)
        .filter((s) => s.decay)
        .map((s) => s.name),
    );
    for (let step = 1; step <= 3; step++) {
      const { grads } = await trainer.sftLossAndGrads(ref, batch);
      const r = adamwStep(ref, grads, refState, optimizer, order, (n) => decay.has(n));
      const f = await trainer.sftStep(fused, fusedState, batch, { optimizer });
      assert.ok(r.clipScale < 1, 'clipping should be active in this test');
      assert.ok(
        Math.abs(f.metrics.gradNorm - r.gradNorm) <= 1e-4 * r.gradNorm,
        `step ${step}: grad norm ${f.metrics.gradNorm} vs ${r.gradNorm}`,
      );
      assert.equal(f.metrics.lr, r.lr);
    }
    assert.equal(fusedState.step, 3);
    for (const n of order) {
      for (const [a, b, what] of [
        [fused[n], ref[n], 'param'],
        [fusedState.m[n], refState.m[n], 'm'],
        [fusedState.v[n], refState.v[n], 'v'],
      ] as const) {
        const e = relNormError(a, b);
        assert.ok(e.relErr <= 1e-4, `${what} ${n}: relative difference ${e.relErr}`);
      }
    }
  });

  test('flat layout puts decayed tensors first and views round-trip without copying', () => {
    const layout = flatLayout(paramSpecs(cfg));
    const firstPlain = layout.slots.findIndex((s) => !s.decay);
    assert.ok(layout.slots.slice(firstPlain).every((s) => !s.decay));
    assert.equal(layout.slots[firstPlain].offset, layout.decayLength);
    const params = initParams(cfg, 1);
    const flat = flatten(params, layout);
    assert.equal(flat.length, layout.total);
    const views = unflatten(flat, layout);
    assert.equal(flatten(views, layout).buffer, flat.buffer, 'contiguous views are reused, not packed again');
    for (const s of layout.slots) assert.deepEqual(Array.from(views[s.name]), Array.from(params[s.name]));
    // State made of views serialises to standalone copies.
    const t = adamwStateToTensors({ step: 1, m: views, v: views });
    assert.equal(t['adamw.m.wte'].byteOffset, 0);
    assert.deepEqual(Array.from(adamwStateFromTensors(t).v.wpe), Array.from(params.wpe));
  });
});
