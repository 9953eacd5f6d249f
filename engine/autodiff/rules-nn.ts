// Gradients of softmax, log-softmax, layer normalisation and the index ops (embeddings, targets).

import type { Value } from '../onnx';
import type { GradRule } from './rule';

export const nnRules: Record<string, GradRule> = {
  Softmax: (g, n, [gy]) => {
    const y = n.outputs[0];
    const axis = n.attrs.axis as number;
    const dot = g.reduceSum(g.mul(gy!, y), [axis], true);
    return [g.mul(y, g.sub(gy!, dot))];
  },

  LogSoftmax: (g, n, [gy]) => {
    const y = n.outputs[0];
    const axis = n.attrs.axis as number;
    return [g.sub(gy!, g.mul(g.exp(y), g.reduceSum(gy!, [axis], true)))];
  },

  LayerNormalization: (g, n, [gy], needs) => {
    const x = n.inputs[0]!,
      w = n.inputs[1]!,
      bias = n.inputs[2] ?? null;
    const rank = x.shape.length;
    if ((n.attrs.axis as number) !== -1 && (n.attrs.axis as number) !== rank - 1) {
      throw new Error(`LayerNormalization node ${n.name}: gradient supports only the last axis.`);
    }
    const dy = gy!;
    const eps = n.meta.epsilon as number;
    let mean: Value, rstd: Value;
    if (x.dtype === 'float32') {
      // The saved statistics are float32 (stash_type 1): exact for float32 inputs.
      mean = n.outputs[1];
      rstd = n.outputs[2];
    } else {
      // For other dtypes the saved float32 statistics would lose precision: recompute them.
      mean = g.reduceMean(x, [-1], true);
      const xc0 = g.sub(x, mean);
      const variance = g.reduceMean(g.mul(xc0, xc0), [-1], true);
      rstd = g.reciprocal(g.sqrt(g.add(variance, g.scalar(eps, x.dtype))));
    }
    const xhat = g.mul(g.sub(x, mean), rstd);
    const lead = x.shape.slice(0, -1).map((_, i) => i);
    const gw = needs[1] ? (lead.length ? g.reduceSum(g.mul(dy, xhat), lead) : g.mul(dy, xhat)) : null;
    const gb = needs[2] && bias ? (lead.length ? g.reduceSum(dy, lead) : dy) : null;
    let gx: Value | null = null;
    if (needs[0]) {
      const dxhat = g.mul(dy, w);
      const m1 = g.reduceMean(dxhat, [-1], true);
      const m2 = g.reduceMean(g.mul(dxhat, xhat), [-1], true);
      gx = g.mul(rstd, g.sub(g.sub(dxhat, m1), g.mul(xhat, m2)));
    }
    return [gx, gw, gb];
  },

  // Embedding gradient: scatter-add rows into a zero table. ScatterElements, not ScatterND:
  // onnxruntime's CPU ScatterND splits the updates across threads, so rows that share a token id
  // race (results differ between runs and thread counts), while ScatterElements adds one element
  // after the other in index order, the same sums on any number of threads.
  Gather: (g, n, [gy]) => {
    const data = n.inputs[0]!,
      indices = n.inputs[1]!;
    if ((n.meta.axis as number) !== 0) throw new Error(`Gather node ${n.name}: gradient supports only axis 0.`);
    const rowShape = data.shape.slice(1);
    if (!rowShape.every((d) => typeof d === 'number'))
      throw new Error(`Gather node ${n.name}: gradient needs static row dims, got [${data.shape.join(', ')}].`);
    const width = (rowShape as number[]).reduce((p, d) => p * d, 1);
    const updates = g.reshape(gy!, [-1, width]); // [N, width]
    const rows = g.reshape(g.cast(indices, 'int64'), [-1, 1]); // [N, 1]
    const index = g.expand(rows, g.shapeOf(updates), updates.shape); // [N, width]: each element's row
    if (rowShape.length === 1) return [g.scatterElements(g.zerosLike(data), index, updates, 0, 'add'), null];
    const table = g.reshape(g.zerosLike(data), [-1, width], [data.shape[0], width]);
    return [g.reshape(g.scatterElements(table, index, updates, 0, 'add'), data.shape as number[]), null];
  },

  GatherElements: (g, n, [gy]) => {
    const data = n.inputs[0]!,
      indices = n.inputs[1]!;
    return [g.scatterElements(g.zerosLike(data), indices, gy!, n.meta.axis as number, 'add'), null];
  },
};
