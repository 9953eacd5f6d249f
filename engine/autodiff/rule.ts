// The contract every gradient rule follows, plus shared helpers.

import { type GraphBuilder, type Node, type Value, broadcastAxes, sameShape } from '../onnx';

/**
 * A gradient rule: given the node, the gradients flowing into its outputs (null where an output
 * receives none) and which inputs need a gradient, emit nodes computing the input gradients.
 */
export type GradRule = (
  g: GraphBuilder,
  node: Node,
  gradOut: readonly (Value | null)[],
  needs: readonly boolean[],
) => (Value | null)[];

/** Sum a broadcast gradient back down to the shape of the input that was broadcast. */
export function unbroadcast(g: GraphBuilder, grad: Value, input: Value): Value {
  if (sameShape(grad.shape, input.shape)) return grad;
  const axes = broadcastAxes(input.shape, grad.shape);
  const lead = grad.shape.length - input.shape.length;
  let r = grad;
  if (axes.length) {
    const onlyLeading = axes.every((a) => a < lead) && axes.length === lead;
    r = g.reduceSum(grad, axes, !onlyLeading);
    if (onlyLeading) return r;
  }
  if (sameShape(r.shape, input.shape)) return r;
  if (input.shape.every((d) => typeof d === 'number')) return g.reshape(r, input.shape as number[]);
  return g.reshapeTo(r, g.shapeOf(input), input.shape);
}

export function scalarLike(g: GraphBuilder, v: Value, x: number): Value {
  return g.scalar(x, v.dtype);
}

/** Gradient zeroed where `cond` is false. */
export function maskGrad(g: GraphBuilder, cond: Value, grad: Value): Value {
  return g.where(cond, grad, scalarLike(g, grad, 0));
}
