// AdamW (decoupled weight decay) with global-norm gradient clipping, on named float32 tensors.
// Updates run in float64 arithmetic and round to float32 on store, element by element in a fixed
// order, so the same inputs always give the same bytes (and a restored state continues exactly).

import type { LrSchedule } from './schedule';
import { learningRate } from './schedule';

export interface AdamWConfig extends LrSchedule {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient L2 norm to this value; 0 disables clipping. */
  clipNorm: number;
}

/**
 * The optimizer defaults, the only ones: the pipeline config's `optimizer` fields default to
 * these too (recipe/config/schema), so a bench, a test and a run agree on what "default" means.
 */
export const DEFAULT_ADAMW: AdamWConfig = {
  lr: 3e-3,
  warmupSteps: 0,
  totalSteps: 0,
  minLrRatio: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  clipNorm: 1.0,
};

export interface AdamWState {
  /** Number of updates applied so far. */
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export interface AdamWStepResult {
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Factor the gradients were scaled by (1 when not clipped). */
  clipScale: number;
}

export function createAdamWState(params: Record<string, Float32Array>): AdamWState {
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const [k, p] of Object.entries(params)) {
    m[k] = new Float32Array(p.length);
    v[k] = new Float32Array(p.length);
  }
  return { step: 0, m, v };
}

function sumOfSquares(g: Float32Array): number {
  let s = 0;
  const n = g.length;
  for (let i = 0; i < n; i++) s += g[i] * g[i];
  return s;
}

export function globalNorm(grads: Record<string, Float32Array>, names: readonly string[]): number {
  let s = 0;
  for (const n of names) s += sumOfSquares(grads[n]);
  return Math.sqrt(s);
}

// The per-element update, kept as a small monomorphic function with every constant passed in
// (V8 optimises this form best; it runs once per element of every parameter each step).
function adamwKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  clipScale: number,
  b1: number,
  b2: number,
  shrink: number,
  stepSize: number,
  invSqrtBc2: number,
  eps: number,
): void {
  const c1 = 1 - b1,
    c2 = 1 - b2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i] * clipScale;
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

/**
 * One AdamW update of `params` in place from `grads` (keyed like params). `decay(name)` says which
 * tensors get weight decay. Names are visited in `order` so the result never depends on key order.
 */
export function adamwStep(
  params: Record<string, Float32Array>,
  grads: Record<string, Float32Array>,
  state: AdamWState,
  cfg: AdamWConfig,
  order: readonly string[],
  decay: (name: string) => boolean,
): AdamWStepResult {
  for (const n of order) {
    if (!grads[n]) throw new Error(`adamwStep: gradient for '${n}' is missing.`);
    if (!state.m[n] || !state.v[n]) throw new Error(`adamwStep: optimizer state for '${n}' is missing.`);
  }
  const gradNorm = globalNorm(grads, order);
  if (!Number.isFinite(gradNorm))
    throw new Error(`adamwStep: gradient norm is not finite (${gradNorm}); refusing to update.`);
  const clipScale = cfg.clipNorm > 0 && gradNorm > cfg.clipNorm ? cfg.clipNorm / (gradNorm + 1e-6) : 1;
  const step = state.step + 1;
  const lr = learningRate(cfg, step);
  const b1 = cfg.beta1,
    b2 = cfg.beta2;
  const stepSize = lr / (1 - Math.pow(b1, step));
  const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(b2, step));
  for (const n of order) {
    const shrink = decay(n) ? 1 - lr * cfg.weightDecay : 1;
    adamwKernel(params[n], grads[n], state.m[n], state.v[n], clipScale, b1, b2, shrink, stepSize, invSqrtBc2, cfg.eps);
  }
  state.step = step;
  return { lr, gradNorm, clipScale };
}
