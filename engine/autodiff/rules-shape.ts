// Gradients of data-movement ops: reshape, transpose, (un)squeeze, concat, split, expand, slice,
// and the two reductions.

import type { GraphBuilder, Value } from '../onnx';
import type { GradRule } from './rule';
import { unbroadcast } from './rule';

function reshapeLikeInput(g: GraphBuilder, grad: Value, input: Value): Value {
  if (input.shape.every((d) => typeof d === 'number')) return g.reshape(grad, input.shape as number[]);
  return g.reshapeTo(grad, g.shapeOf(input), input.shape);
}

/** Broadcast a reduced gradient back over the reduced axes of `input`. */
function expandBack(g: GraphBuilder, grad: Value, input: Value, axes: number[], keepdims: boolean): Value {
  const kept = keepdims ? grad : g.unsqueeze(grad, axes);
  return g.expand(kept, g.shapeOf(input), input.shape);
}

/** Number of elements reduced over, as a scalar of the input dtype (runtime if dims are symbolic). */
function reducedCount(g: GraphBuilder, input: Value, axes: number[]): Value {
  const dims = axes.map((a) => input.shape[a]);
  if (dims.every((d) => typeof d === 'number'))
    return g.scalar(
      (dims as number[]).reduce((p, d) => p * d, 1),
      input.dtype,
    );
  const picked = g.gather(g.shapeOf(input), g.constant(axes, 'int64'), 0);
  const prod = g.node('ReduceProd', [picked], { keepdims: 0 }, [{ dtype: 'int64', shape: [] }])[0];
  return g.cast(prod, input.dtype);
}

export const shapeRules: Record<string, GradRule> = {
  Reshape: (g, n, [gy]) => [reshapeLikeInput(g, gy!, n.inputs[0]!), null],

  Transpose: (g, n, [gy]) => {
    const perm = n.meta.perm as number[];
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [g.transpose(gy!, inv)];
  },

  Squeeze: (g, n, [gy]) => [g.unsqueeze(gy!, n.meta.axes as number[]), null],
  Unsqueeze: (g, n, [gy]) => [g.squeeze(gy!, n.meta.axes as number[]), null],

  Concat: (g, n, [gy], needs) => {
    const axis = n.meta.axis as number;
    const sizes = n.meta.sizes as (number | string)[];
    let parts: Value[];
    if (sizes.every((s) => typeof s === 'number')) parts = g.split(gy!, sizes as number[], axis);
    else {
      // Symbolic piece sizes: read them from the inputs' runtime shapes.
      const axisIdx = g.constant([axis], 'int64');
      const sizeT = g.concat(
        n.inputs.map((x) => g.gather(g.shapeOf(x!), axisIdx, 0)),
        0,
      );
      parts = g.node(
        'Split',
        [gy!, sizeT],
        { axis },
        n.inputs.map((x) => ({ dtype: gy!.dtype, shape: x!.shape })),
      );
    }
    return parts.map((p, i) => (needs[i] ? p : null));
  },

  Split: (g, n, gys) => {
    const axis = n.meta.axis as number;
    const pieces = gys.map((gy, i) => gy ?? g.zerosLike(n.outputs[i]));
    return [g.concat(pieces, axis), null];
  },

  Expand: (g, n, [gy]) => [unbroadcast(g, gy!, n.inputs[0]!), null],

  ReduceSum: (g, n, [gy]) => [
    expandBack(g, gy!, n.inputs[0]!, n.meta.axes as number[], n.meta.keepdims as boolean),
    null,
  ],

  ReduceMean: (g, n, [gy]) => {
    const x = n.inputs[0]!;
    const axes = n.meta.axes as number[];
    const scaled = g.div(gy!, reducedCount(g, x, axes));
    return [expandBack(g, scaled, x, axes, n.meta.keepdims as boolean), null];
  },

  // Slice (steps 1): pad the gradient back with zeros on both sides.
  Slice: (g, n, [gy]) => {
    const x = n.inputs[0]!;
    const { starts, ends, axes } = n.meta as { starts?: number[]; ends?: number[]; axes?: number[] };
    if (!starts || !ends || !axes) throw new Error(`Slice node ${n.name}: gradient needs static starts/ends/axes.`);
    const r = x.shape.length;
    const pads = new Array<number>(2 * r).fill(0);
    axes.forEach((a, i) => {
      const d = x.shape[a];
      const need = (what: string) => {
        if (typeof d !== 'number')
          throw new Error(`Slice node ${n.name}: gradient needs a static size for axis ${a} (${what}).`);
        return d;
      };
      const s = starts[i] >= 0 ? starts[i] : need('negative start') + starts[i];
      const e = ends[i] < 0 ? -ends[i] : ends[i] >= 2 ** 31 - 1 ? 0 : need('end') - Math.min(ends[i], need('end'));
      pads[a] = Math.max(0, s);
      pads[a + r] = Math.max(0, e);
    });
    return [g.pad(gy!, pads, 0, x.shape), null, null, null];
  },
};
