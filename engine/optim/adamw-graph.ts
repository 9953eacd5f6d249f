// AdamW as graph nodes, appended to a loss+gradient graph so a whole train step is one
// session.run. Parameters, first and second moments live in one flat vector each (decayed tensors
// first), so the update is a handful of large elementwise ops whatever the number of tensors.

import type { GraphBuilder, Value } from '../onnx';
import type { AdamWConfig } from './adamw';
import { learningRate } from './schedule';

export interface FlatSlot {
  name: string;
  shape: number[];
  offset: number;
  length: number;
  decay: boolean;
}

export interface FlatLayout {
  slots: FlatSlot[];
  /** Total number of elements. */
  total: number;
  /** Elements [0, decayLength) get weight decay. */
  decayLength: number;
}

/** Flat order: decayed tensors first, then the rest, each group in the given order. */
export function flatLayout(specs: readonly { name: string; shape: number[]; decay: boolean }[]): FlatLayout {
  const slots: FlatSlot[] = [];
  let offset = 0;
  for (const wantDecay of [true, false]) {
    for (const s of specs) {
      if (s.decay !== wantDecay) continue;
      const length = s.shape.reduce((p, d) => p * d, 1);
      slots.push({ name: s.name, shape: s.shape, offset, length, decay: s.decay });
      offset += length;
    }
  }
  const decayLength = slots.filter((s) => s.decay).reduce((n, s) => n + s.length, 0);
  return { slots, total: offset, decayLength };
}

/** Graph input/output names of the fused optimizer. */
export const ADAMW_IO = {
  m: 'adamw.m',
  v: 'adamw.v',
  scalars: 'adamw.scalars',
  paramsOut: 'params_out',
  mOut: 'adamw.m_out',
  vOut: 'adamw.v_out',
  gradNorm: 'grad_norm',
} as const;

const SCALARS = [
  'clipNorm',
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'stepHat',
  'epsHat',
  'shrink',
] as const;

/**
 * Values of the `adamw.scalars` input for optimizer step `step` (1-based), folding the bias
 * corrections into the step size and epsilon: update = stepHat * m / (sqrt(v) + epsHat).
 */
export function adamwGraphScalars(cfg: AdamWConfig, step: number): { scalars: Float32Array; lr: number } {
  const lr = learningRate(cfg, step);
  const sqrtBc2 = Math.sqrt(1 - Math.pow(cfg.beta2, step));
  const stepSize = lr / (1 - Math.pow(cfg.beta1, step));
  const values: Record<(typeof SCALARS)[number], number> = {
    clipNorm: cfg.clipNorm,
    beta1: cfg.beta1,
    oneMinusBeta1: 1 - cfg.beta1,
    beta2: cfg.beta2,
    oneMinusBeta2: 1 - cfg.beta2,
    stepHat: stepSize * sqrtBc2,
    epsHat: cfg.eps * sqrtBc2,
    shrink: 1 - lr * cfg.weightDecay,
  };
  return { scalars: Float32Array.from(SCALARS.map((k) => values[k])), lr };
}

/**
 * Append the AdamW update. `params`/`grads` are keyed by slot name. Adds inputs adamw.m, adamw.v
 * ([total]) and adamw.scalars, and outputs params_out, adamw.m_out, adamw.v_out ([total]) and
 * grad_norm (before clipping).
 */
export function appendAdamW(
  g: GraphBuilder,
  layout: FlatLayout,
  params: Record<string, Value>,
  grads: Record<string, Value>,
): void {
  g.scope('adamw', () => {
    const dt = params[layout.slots[0].name].dtype;
    const m = g.input(ADAMW_IO.m, dt, [layout.total]);
    const v = g.input(ADAMW_IO.v, dt, [layout.total]);
    const scalarsIn = g.input(ADAMW_IO.scalars, dt, [SCALARS.length]);
    const s = Object.fromEntries(
      g
        .split(
          scalarsIn,
          SCALARS.map(() => 1),
          0,
        )
        .map((x, i) => [SCALARS[i], g.reshape(x, [], [])]),
    ) as Record<(typeof SCALARS)[number], Value>;
    const flat = (xs: Value[]) => (xs.length === 1 ? xs[0] : g.concat(xs, 0));
    const flatten = (x: Value, n: number) => (x.shape.length === 1 ? x : g.reshape(x, [n]));

    const gFlat = flat(layout.slots.map((sl) => flatten(grads[sl.name], sl.length)));
    const sumSq = g.node('ReduceSumSquare', [gFlat], { keepdims: 0 }, [{ dtype: dt, shape: [] }])[0];
    const norm = g.sqrt(sumSq);
    const zero = g.scalar(0, dt),
      one = g.scalar(1, dt);
    const clip = g.and(g.greater(s.clipNorm, zero), g.greater(norm, s.clipNorm));
    const scale = g.where(clip, g.div(s.clipNorm, g.add(norm, g.scalar(1e-6, dt))), one);

    // Fold the clip factor into the scalar coefficients: one pass less over the gradients.
    const mCoef = g.mul(scale, s.oneMinusBeta1);
    const vCoef = g.mul(g.mul(scale, scale), s.oneMinusBeta2);
    const m1 = g.add(g.mul(m, s.beta1), g.mul(gFlat, mCoef));
    const v1 = g.add(g.mul(v, s.beta2), g.mul(g.mul(gFlat, gFlat), vCoef));
    const update = g.mul(g.div(m1, g.add(g.sqrt(v1), s.epsHat)), s.stepHat);

    // Decay each tensor before the one Concat into layout order: decaying a concatenation of the
    // decayed slots would cost a second pass over them.
    const shrunk = layout.slots.map((sl) => {
      const p = flatten(params[sl.name], sl.length);
      return sl.decay ? g.mul(p, s.shrink) : p;
    });
    const pOut = g.sub(flat(shrunk), update);

    g.output(pOut, ADAMW_IO.paramsOut);
    g.output(m1, ADAMW_IO.mOut);
    g.output(v1, ADAMW_IO.vOut);
    g.output(norm, ADAMW_IO.gradNorm);
  });
}

/**
 * A flat [total] view of named tensors in layout order: zero-copy when they already are
 * consecutive views of one buffer (as after a fused step), else packed into a new array.
 */
export function flatten(tensors: Record<string, Float32Array>, layout: FlatLayout): Float32Array {
  const first = tensors[layout.slots[0].name];
  const contiguous = layout.slots.every((sl) => {
    const t = tensors[sl.name];
    return (
      t && t.buffer === first.buffer && t.length === sl.length && t.byteOffset === first.byteOffset + sl.offset * 4
    );
  });
  if (contiguous && first.buffer.byteLength >= first.byteOffset + layout.total * 4) {
    return new Float32Array(first.buffer, first.byteOffset, layout.total);
  }
  const out = new Float32Array(layout.total);
  for (const sl of layout.slots) {
    const t = tensors[sl.name];
    if (!t || t.length !== sl.length)
      throw new Error(`Tensor '${sl.name}' is missing or has ${t?.length ?? 0} values, expected ${sl.length}.`);
    out.set(t, sl.offset);
  }
  return out;
}

/** Named views into a flat [total] array (no copy). */
export function unflatten(flat: Float32Array, layout: FlatLayout): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const sl of layout.slots) out[sl.name] = flat.subarray(sl.offset, sl.offset + sl.length);
  return out;
}
