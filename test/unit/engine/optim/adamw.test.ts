// AdamW, clipping, schedule and state serialisation against closed-form expectations.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ADAMW,
  adamwStateFromTensors,
  adamwStateToTensors,
  adamwStep,
  createAdamWState,
  learningRate,
} from '../../../../engine/optim';

const close = (a: number, b: number, tol: number, msg: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg}: ${a} vs ${b}`);

describe('AdamW', () => {
  test('first step moves each weight by lr against the gradient sign (bias-corrected), decay only where asked', () => {
    const params = { w: Float32Array.from([1, -2, 0.5]), b: Float32Array.from([0.3, 0.3, 0.3]) };
    const grads = { w: Float32Array.from([0.5, -0.01, 3]), b: Float32Array.from([-1, 2, 0.1]) };
    const state = createAdamWState(params);
    const cfg = { ...DEFAULT_ADAMW, lr: 0.01, weightDecay: 0.1, clipNorm: 0, eps: 1e-12 };
    const r = adamwStep(params, grads, state, cfg, ['w', 'b'], (n) => n === 'w');
    assert.equal(r.lr, 0.01);
    assert.equal(state.step, 1);
    const expectW = [1 * (1 - 0.001) - 0.01, -2 * (1 - 0.001) + 0.01, 0.5 * (1 - 0.001) - 0.01];
    const expectB = [0.3 + 0.01, 0.3 - 0.01, 0.3 - 0.01];
    expectW.forEach((e, i) => close(params.w[i], e, 1e-6, `w[${i}]`));
    expectB.forEach((e, i) => close(params.b[i], e, 1e-6, `b[${i}]`));
    close(r.gradNorm, Math.sqrt(0.25 + 0.0001 + 9 + 1 + 4 + 0.01), 1e-5, 'grad norm');
  });

  test('second step follows the Adam moments', () => {
    const params = { w: Float32Array.from([0]) };
    const state = createAdamWState(params);
    const cfg = { ...DEFAULT_ADAMW, lr: 0.1, beta1: 0.9, beta2: 0.99, weightDecay: 0, clipNorm: 0, eps: 0 };
    adamwStep(params, { w: Float32Array.from([1]) }, state, cfg, ['w'], () => false);
    adamwStep(params, { w: Float32Array.from([-1]) }, state, cfg, ['w'], () => false);
    // m2 = 0.9*0.1 - 0.1 = -0.01, v2 = 0.99*0.01 + 0.01 = 0.0199; mhat = m2/0.19, vhat = v2/0.0199 = 1
    close(state.m.w[0], -0.01, 1e-7, 'm');
    close(state.v.w[0], 0.0199, 1e-7, 'v');
    close(params.w[0], -0.1 - 0.1 * (-0.01 / 0.19), 1e-6, 'w');
  });

  test('global-norm clipping scales gradients to clipNorm', () => {
    const params = { a: new Float32Array(2), b: new Float32Array(1) };
    const state = createAdamWState(params);
    const r = adamwStep(
      params,
      { a: Float32Array.from([3, 0]), b: Float32Array.from([4]) },
      state,
      { ...DEFAULT_ADAMW, clipNorm: 1 },
      ['a', 'b'],
      () => false,
    );
    close(r.gradNorm, 5, 1e-9, 'norm');
    close(r.clipScale, 0.2, 1e-6, 'scale');
    close(state.m.b[0], (1 - DEFAULT_ADAMW.beta1) * 4 * 0.2, 1e-6, 'clipped first moment');
  });

  test('non-finite gradients are refused and leave parameters untouched', () => {
    const params = { a: Float32Array.from([1]) };
    const state = createAdamWState(params);
    assert.throws(
      () => adamwStep(params, { a: Float32Array.from([NaN]) }, state, DEFAULT_ADAMW, ['a'], () => true),
      /not finite/,
    );
    assert.equal(params.a[0], 1);
    assert.equal(state.step, 0);
  });

  test('warmup then cosine to the floor', () => {
    const s = { lr: 1, warmupSteps: 10, totalSteps: 110, minLrRatio: 0.1 };
    close(learningRate(s, 1), 0.1, 1e-12, 'step 1');
    close(learningRate(s, 10), 1, 1e-12, 'end of warmup');
    close(learningRate(s, 60), 0.55, 1e-12, 'halfway');
    close(learningRate(s, 110), 0.1, 1e-12, 'end');
    close(learningRate(s, 500), 0.1, 1e-12, 'after end');
    close(learningRate({ ...s, totalSteps: 0 }, 50), 1, 0, 'constant after warmup');
  });

  test('state serialises to named float32 tensors and back exactly', () => {
    const state = { step: 7, m: { x: Float32Array.from([1.5, -2]) }, v: { x: Float32Array.from([0.25, 3]) } };
    const t = adamwStateToTensors(state);
    assert.deepEqual(Object.keys(t).sort(), ['adamw.m.x', 'adamw.step', 'adamw.v.x']);
    const back = adamwStateFromTensors(t);
    assert.equal(back.step, 7);
    assert.deepEqual(Array.from(back.m.x), [1.5, -2]);
    assert.deepEqual(Array.from(back.v.x), [0.25, 3]);
    assert.throws(
      () => adamwStateFromTensors({ 'adamw.step': Float32Array.of(1), 'adamw.m.x': new Float32Array(2) }),
      /adamw\.v\.x/,
    );
    assert.throws(() => adamwStateFromTensors({ 'adamw.m.x': new Float32Array(2) }), /adamw\.step/);
  });
});
