// Reverse-mode autodiff over a GraphBuilder: walks the recorded nodes backwards from a scalar loss
// and emits gradient nodes (standard ONNX ops only) into the same graph.

import type { GraphBuilder, Node, Value } from '../onnx';
import type { GradRule } from './rule';
import { elementwiseRules } from './rules-elementwise';
import { linalgRules } from './rules-linalg';
import { nnRules } from './rules-nn';
import { shapeRules } from './rules-shape';

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  ...elementwiseRules,
  ...linalgRules,
  ...nnRules,
  ...shapeRules,
};

/** Ops whose outputs carry no gradient (indices, masks, shapes, constants). */
const NON_DIFFERENTIABLE = new Set([
  'Shape',
  'Size',
  'Constant',
  'ConstantOfShape',
  'Range',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'And',
  'Or',
  'Not',
  'Xor',
  'ArgMax',
  'ArgMin',
  'Sign',
  'Floor',
  'Ceil',
  'Round',
  'IsNaN',
  'IsInf',
  'Trilu',
  'OneHot',
  'NonZero',
  'ReduceMax',
  'ReduceMin',
  'TopK',
  'RandomUniform',
  'RandomNormal',
  'RandomUniformLike',
  'Multinomial',
]);

export interface GradientOptions {
  /** Gradient of the loss itself; defaults to 1 (loss must then be a scalar). */
  seed?: Value;
  /** Name scope of the emitted nodes. */
  scope?: string;
}

/**
 * Gradients of `loss` with respect to each of `wrt` (same order). A parameter the loss does not
 * depend on gets a zero gradient of its own shape.
 */
export function gradients(g: GraphBuilder, loss: Value, wrt: readonly Value[], opts: GradientOptions = {}): Value[] {
  return g.scope(opts.scope ?? 'grad', () => {
    // Forward pass: which values depend on a wrt value through differentiable ops.
    const depends = new Set(wrt.map((v) => v.name));
    const nodes: Node[] = [...g.nodes];
    const active: Node[] = [];
    for (const n of nodes) {
      if (NON_DIFFERENTIABLE.has(n.opType)) continue;
      if (!n.inputs.some((i) => i && depends.has(i.name))) continue;
      active.push(n);
      for (const o of n.outputs)
        if (!g.noGrad.has(o.name) && (o.dtype === 'float32' || o.dtype === 'float64' || o.dtype === 'float16'))
          depends.add(o.name);
    }
    if (!depends.has(loss.name))
      throw new Error(`gradients: loss '${loss.name}' does not depend on any of the requested values.`);

    const contributions = new Map<string, Value[]>();
    const push = (name: string, v: Value) => {
      const list = contributions.get(name);
      if (list) list.push(v);
      else contributions.set(name, [v]);
    };
    const total = (name: string): Value | null => {
      const list = contributions.get(name);
      if (!list || list.length === 0) return null;
      if (list.length === 1) return list[0];
      const s = g.sum(list);
      contributions.set(name, [s]);
      return s;
    };

    if (opts.seed) push(loss.name, opts.seed);
    else {
      if (loss.shape.length !== 0)
        throw new Error(`gradients: loss '${loss.name}' must be a scalar (shape []) unless a seed is given.`);
      push(loss.name, g.scalar(1, loss.dtype));
    }

    for (let k = active.length - 1; k >= 0; k--) {
      const n = active[k];
      const gradOut = n.outputs.map((o) => (depends.has(o.name) ? total(o.name) : null));
      if (gradOut.every((x) => x === null)) continue;
      const rule = GRAD_RULES[n.opType];
      if (!rule) throw new Error(`gradients: no gradient rule for op ${n.opType} (node ${n.name}).`);
      const needs = n.inputs.map((i) => !!i && depends.has(i.name));
      // Named after the forward node (grad/<node>/…), so a profile says what each backward op is for.
      const gradIn = g.scope(n.name, () => rule(g, n, gradOut, needs));
      n.inputs.forEach((inp, i) => {
        const gi = gradIn[i];
        if (inp && needs[i] && gi) push(inp.name, gi);
      });
    }

    return wrt.map((w) => total(w.name) ?? g.zerosLike(w));
  });
}
