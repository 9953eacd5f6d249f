// Gradients of softmax, log-softmax, layer normalisation and the index ops (embeddings, targets).

import type { GraphBuilder, Value } from '../onnx';
import type { GradRule } from './rule';

/**
 * Tables with at most this many rows take their gather gradient as a one-hot GEMM (2V flops per
 * gradient element against the scatter's one slow add). `bench/embedding-gradient.ts` on 2 cores:
 * 2560 rows of 96, table of 48 rows 0.25 ms against 1.10, 128 rows 0.59 against 1.12, on par at
 * 256, twice as slow at 512.
 */
export const ONE_HOT_GRADIENT_MAX_ROWS = 192;

/** [N, width] rows of dY for a gather of `data`'s rows, width the product of its row dims. */
function gradientRows(g: GraphBuilder, data: Value, gy: Value): { rows: Value; width: number } {
  const width = (data.shape.slice(1) as number[]).reduce((p, d) => p * d, 1);
  return { rows: g.reshape(gy, [-1, width]), width };
}

/**
 * The gradient of Gather(data, indices) on axis 0 as OneHot(indices)^T x dY, one GEMM. It is laid
 * out with M >= N so that MLAS splits it along M, which keeps its K blocking, and so its sums, the
 * same on any thread count (see onnx/thread-stable-products.ts). ScatterElements, below, adds its
 * rows on one thread one element at a time; the GEMM spends 2V flops per element on every core.
 */
export function oneHotGatherGradient(g: GraphBuilder, data: Value, indices: Value, gy: Value): Value {
  const tableRows = data.shape[0] as number;
  const { rows, width } = gradientRows(g, data, gy);
  const ids = g.reshape(g.cast(indices, 'int64'), [-1, 1]); // [N, 1]
  const table = g.range(g.scalar(0, 'int64'), g.scalar(tableRows, 'int64'), g.scalar(1, 'int64'), tableRows);
  const hot = g.cast(g.equal(ids, table), data.dtype); // [N, V]
  let grad: Value;
  if (tableRows >= width) grad = g.gemm(hot, rows, null, { transA: true });
  else {
    // [width, V], then turned; the zero C keeps onnxruntime from folding the Transpose into the Gemm
    const zero = g.constant([0], data.dtype, [1]);
    grad = g.transpose(g.gemm(rows, hot, zero, { transA: true }), [1, 0]);
  }
  return data.shape.length === 2 ? grad : g.reshape(grad, data.shape as number[]);
}

/**
 * The gradient of Gather(data, indices) on axis 0 as rows scatter-added into zeros.
 * ScatterElements, not ScatterND: onnxruntime's CPU ScatterND splits the updates across threads,
 * so rows that share a token id race (results differ between runs and thread counts), while
 * ScatterElements adds one element after the other in index order.
 */
export function scatterGatherGradient(g: GraphBuilder, data: Value, indices: Value, gy: Value): Value {
  const { rows: updates, width } = gradientRows(g, data, gy);
  const rows = g.reshape(g.cast(indices, 'int64'), [-1, 1]); // [N, 1]
  const index = g.expand(rows, g.shapeOf(updates), updates.shape); // [N, width]: each element's row
  if (data.shape.length === 2) return g.scatterElements(g.zerosLike(data), index, updates, 0, 'add');
  const table = g.reshape(g.zerosLike(data), [-1, width], [data.shape[0], width]);
  return g.reshape(g.scatterElements(table, index, updates, 0, 'add'), data.shape as number[]);
}

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

  // Embedding gradient: a one-hot GEMM for small tables, a scatter-add otherwise (see above).
  Gather: (g, n, [gy]) => {
    const data = n.inputs[0]!,
      indices = n.inputs[1]!;
    if ((n.meta.axis as number) !== 0) throw new Error(`Gather node ${n.name}: gradient supports only axis 0.`);
    if (!data.shape.slice(1).every((d) => typeof d === 'number'))
      throw new Error(`Gather node ${n.name}: gradient needs static row dims, got [${data.shape.join(', ')}].`);
    const rows = data.shape[0];
    const small =
      typeof rows === 'number' &&
      rows <= ONE_HOT_GRADIENT_MAX_ROWS &&
      (data.dtype === 'float32' || data.dtype === 'float64');
    return [small ? oneHotGatherGradient(g, data, indices, gy!) : scatterGatherGradient(g, data, indices, gy!), null];
  },

  GatherElements: (g, n, [gy]) => {
    const data = n.inputs[0]!,
      indices = n.inputs[1]!;
    return [g.scatterElements(g.zerosLike(data), indices, gy!, n.meta.axis as number, 'add'), null];
  },
};
