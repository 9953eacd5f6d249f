// Gradients of elementwise ops (with numpy broadcasting).

import type { GradRule } from './rule';
import { maskGrad, scalarLike, unbroadcast } from './rule';

const c = scalarLike;

export const elementwiseRules: Record<string, GradRule> = {
  Add: (g, n, [gy], needs) => [
    needs[0] ? unbroadcast(g, gy!, n.inputs[0]!) : null,
    needs[1] ? unbroadcast(g, gy!, n.inputs[1]!) : null,
  ],

  Sub: (g, n, [gy], needs) => [
    needs[0] ? unbroadcast(g, gy!, n.inputs[0]!) : null,
    needs[1] ? unbroadcast(g, g.neg(gy!), n.inputs[1]!) : null,
  ],

  Mul: (g, n, [gy], needs) => {
    const a = n.inputs[0]!,
      b = n.inputs[1]!;
    return [needs[0] ? unbroadcast(g, g.mul(gy!, b), a) : null, needs[1] ? unbroadcast(g, g.mul(gy!, a), b) : null];
  },

  Div: (g, n, [gy], needs) => {
    const a = n.inputs[0]!,
      b = n.inputs[1]!,
      y = n.outputs[0];
    const ga = needs[0] || needs[1] ? g.div(gy!, b) : null;
    return [needs[0] ? unbroadcast(g, ga!, a) : null, needs[1] ? unbroadcast(g, g.neg(g.mul(ga!, y)), b) : null];
  },

  Pow: (g, n, [gy], needs) => {
    const a = n.inputs[0]!,
      b = n.inputs[1]!,
      y = n.outputs[0];
    const ga = needs[0] ? unbroadcast(g, g.mul(gy!, g.mul(b, g.pow(a, g.sub(b, c(g, b, 1))))), a) : null;
    const gb = needs[1] ? unbroadcast(g, g.mul(gy!, g.mul(y, g.log(a))), b) : null;
    return [ga, gb];
  },

  Neg: (g, _n, [gy]) => [g.neg(gy!)],
  Identity: (_g, _n, [gy]) => [gy],
  Exp: (g, n, [gy]) => [g.mul(gy!, n.outputs[0])],
  Log: (g, n, [gy]) => [g.div(gy!, n.inputs[0]!)],
  Sqrt: (g, n, [gy]) => [g.div(g.mul(gy!, c(g, gy!, 0.5)), n.outputs[0])],
  Reciprocal: (g, n, [gy]) => {
    const y = n.outputs[0];
    return [g.neg(g.mul(gy!, g.mul(y, y)))];
  },
  Tanh: (g, n, [gy]) => {
    const y = n.outputs[0];
    return [g.mul(gy!, g.sub(c(g, y, 1), g.mul(y, y)))];
  },
  Sigmoid: (g, n, [gy]) => {
    const y = n.outputs[0];
    return [g.mul(gy!, g.mul(y, g.sub(c(g, y, 1), y)))];
  },
  Abs: (g, n, [gy]) => [g.mul(gy!, g.node('Sign', [n.inputs[0]!], {}, [{ dtype: gy!.dtype, shape: gy!.shape }])[0])],
  Relu: (g, n, [gy]) => [maskGrad(g, g.greater(n.inputs[0]!, c(g, gy!, 0)), gy!)],

  Cast: (g, n, [gy]) => [g.cast(gy!, n.inputs[0]!.dtype)],

  Gelu: (g, n, [gy]) => {
    const x = n.inputs[0]!;
    const one = c(g, x, 1),
      half = c(g, x, 0.5);
    const x2 = g.mul(x, x);
    if (n.attrs.approximate === 'tanh') {
      // y = x/2 (1 + tanh(u)), u = x (s + s k x^2);
      // y' = (1 + t)/2 + x (1 - t^2) (s/2 + 3 s k x^2 / 2). Constants are folded to keep the
      // number of passes over the (large) MLP activation small.
      const s = Math.sqrt(2 / Math.PI),
        k = 0.044715;
      const t = g.tanh(g.mul(x, g.add(g.mul(x2, c(g, x, s * k)), c(g, x, s))));
      const left = g.add(g.mul(t, half), half);
      const du = g.add(g.mul(x2, c(g, x, 1.5 * s * k)), c(g, x, 0.5 * s));
      const right = g.mul(g.mul(x, g.sub(one, g.mul(t, t))), du);
      return [g.mul(gy!, g.add(left, right))];
    }
    // y = x Phi(x); y' = Phi(x) + x phi(x)
    const erf = g.node('Erf', [g.mul(x, c(g, x, Math.SQRT1_2))], {}, [{ dtype: x.dtype, shape: x.shape }])[0];
    const cdf = g.mul(half, g.add(one, erf));
    const pdf = g.mul(c(g, x, 1 / Math.sqrt(2 * Math.PI)), g.exp(g.mul(c(g, x, -0.5), x2)));
    return [g.mul(gy!, g.add(cdf, g.mul(x, pdf)))];
  },

  Where: (g, n, [gy], needs) => {
    const cond = n.inputs[0]!,
      a = n.inputs[1]!,
      b = n.inputs[2]!;
    const zero = c(g, gy!, 0);
    return [
      null,
      needs[1] ? unbroadcast(g, g.where(cond, gy!, zero), a) : null,
      needs[2] ? unbroadcast(g, g.where(cond, zero, gy!), b) : null,
    ];
  },

  // Ties send the whole gradient to the first operand (a subgradient).
  Min: (g, n, [gy], needs) => {
    if (n.inputs.length !== 2) throw new Error(`Min node ${n.name}: gradient supports exactly two inputs.`);
    const a = n.inputs[0]!,
      b = n.inputs[1]!;
    const pickA = g.lessOrEqual(a, b);
    const zero = c(g, gy!, 0);
    return [
      needs[0] ? unbroadcast(g, g.where(pickA, gy!, zero), a) : null,
      needs[1] ? unbroadcast(g, g.where(pickA, zero, gy!), b) : null,
    ];
  },
  Max: (g, n, [gy], needs) => {
    if (n.inputs.length !== 2) throw new Error(`Max node ${n.name}: gradient supports exactly two inputs.`);
    const a = n.inputs[0]!,
      b = n.inputs[1]!;
    const pickA = g.greaterOrEqual(a, b);
    const zero = c(g, gy!, 0);
    return [
      needs[0] ? unbroadcast(g, g.where(pickA, gy!, zero), a) : null,
      needs[1] ? unbroadcast(g, g.where(pickA, zero, gy!), b) : null,
    ];
  },

  // Gradient passes where lo <= x <= hi; the bounds themselves get none.
  Clip: (g, n, [gy], needs) => {
    const x = n.inputs[0]!,
      lo = n.inputs[1] ?? null,
      hi = n.inputs[2] ?? null;
    if ((needs[1] && lo) || (needs[2] && hi))
      throw new Error(`Clip node ${n.name}: gradients w.r.t. the bounds are not supported.`);
    let inside = null;
    if (lo) inside = g.greaterOrEqual(x, lo);
    if (hi) inside = inside ? g.and(inside, g.lessOrEqual(x, hi)) : g.lessOrEqual(x, hi);
    return [inside ? maskGrad(g, inside, gy!) : gy, null, null];
  },

  Sum: (g, n, [gy], needs) => n.inputs.map((x, i) => (needs[i] ? unbroadcast(g, gy!, x!) : null)),
};
