// Matrix products whose float results do not depend on the number of intra-op threads.
//
// onnxruntime's CPU GEMM (MLAS) splits a product across threads along M, or along N when N > M,
// and sums K in blocks whose length depends on the width of the N slice one thread gets (128
// for slices wider than 64 columns, 256 or more for narrower ones). Each block's partial sum is
// added into C separately, so a product with K > 128 whose N is split rounds differently on 2
// threads than on 1: measured on a GPT decode step (M = 32 rows, K = 256, N = 96), the MLP's
// down-projection was the first value to differ. A split along M leaves the blocking alone.
//
// Before encoding, every such product is rewritten so that no thread count can change it:
// - Gemm, M and N known: if N > M, compute the transposed product (B^T A^T, so MLAS splits the
//   longer side, now M) and transpose it back;
// - Gemm with runtime-sized rows: an If on the runtime shape takes that transposed product when
//   N > M, and the Gemm as it is otherwise;
// - MatMul of rows by a 2-D weight (runtime rows): one batched MatMul over blocks of K of at most
//   128, [blocks, ..., M, kb] x [blocks, kb, N], and the blocks summed (every MLAS call then has a
//   single K block whatever its N slice); batched by batched: a chain over slices of K.
// Products with K <= 128, or with K only known at run time (attention over a cache), are kept.

import type { AttrValue, GraphBuilder, Node, Value } from './graph-builder';
import { type DType, encodeValues } from './dtype';
import type { Dim } from './shape';

/** The longest K one MLAS block sums whatever the thread split (MLAS_SGEMM_STRIDEK). */
export const STABLE_K_BLOCK = 128;

/** Marks nodes a rewrite emitted (the If branches' Gemms among them), which are final. */
const REWRITTEN = 'threadStable';

/** The graph's nodes with every thread-count-sensitive Gemm and MatMul rewritten (see above). */
export function threadStableNodes(g: GraphBuilder): Node[] {
  const out: Node[] = [];
  for (const n of g.nodes) {
    const product = n.domain === '' && (n.opType === 'Gemm' || n.opType === 'MatMul') && !n.meta[REWRITTEN];
    const rewritten = product ? rewrite(g, n) : null;
    if (rewritten) out.push(...rewritten);
    else out.push(n);
  }
  return out;
}

/** Emits nodes named after the product they replace; the last one writes the original output. */
class Emitter {
  readonly nodes: Node[] = [];
  constructor(
    private readonly g: GraphBuilder,
    private readonly original: Node,
  ) {}

  /** `outputs`: the original output value, or the shapes of new values (of `dtype`, default the product's). */
  node(
    opType: string,
    inputs: readonly Value[],
    attrs: Record<string, AttrValue>,
    outputs: ReadonlyArray<Value | Dim[]>,
    dtype: DType = this.original.outputs[0].dtype,
  ): Value[] {
    const name = this.g.uniqueName(`${this.original.name}/${opType}`);
    const outs: Value[] = outputs.map((o, i) =>
      Array.isArray(o) ? { name: this.g.uniqueName(`${name}:${i}`), dtype, shape: o } : (o as Value),
    );
    this.nodes.push({
      name,
      opType,
      domain: '',
      inputs: [...inputs],
      outputs: outs,
      attrs,
      meta: { [REWRITTEN]: true },
    });
    return outs;
  }

  constant(values: readonly number[], dtype: DType, dims: readonly number[]): Value {
    const tensor = { dtype, dims, data: encodeValues(dtype, values) };
    return this.node('Constant', [], { value: { tensor } }, [[...dims]], dtype)[0];
  }

  /** The last node of a rewrite: its output is the replaced node's output value. */
  final(opType: string, inputs: readonly Value[], attrs: Record<string, AttrValue>): Node[] {
    this.node(opType, inputs, attrs, [this.original.outputs[0]]);
    return this.nodes;
  }

  transpose(x: Value, perm: readonly number[]): Value {
    return this.node('Transpose', [x], { perm: [...perm] }, [perm.map((p) => x.shape[p])])[0];
  }

  /** Reshape to `dims` (ONNX rules: 0 keeps a dim, -1 is inferred), whose static shape is `shape`. */
  reshape(x: Value, dims: readonly number[], shape: Dim[]): Value {
    return this.node('Reshape', [x, this.constant(dims, 'int64', [dims.length])], {}, [shape])[0];
  }

  /** The sum over axis 0, block after block (onnxruntime adds the blocks in order on any thread count). */
  sumOfBlocks(x: Value, out: Value | null): Value {
    const axes = this.constant([0], 'int64', [1]);
    return this.node('ReduceSum', [x, axes], { keepdims: 0 }, [out ?? x.shape.slice(1)])[0];
  }

  /** Dimension `axis` of x at run time, an int64 scalar. */
  dim(x: Value, axis: number): Value {
    const d = x.shape[axis];
    if (typeof d === 'number') return this.constant([d], 'int64', []);
    const [shape] = this.node('Shape', [x], {}, [[x.shape.length]], 'int64');
    return this.node('Gather', [shape, this.constant([axis], 'int64', [])], { axis: 0 }, [[]], 'int64')[0];
  }

  /** x * factor, into `out` (the node's output) or a new value. */
  scaled(x: Value, factor: number, out: Value | null): Value {
    const f = this.constant([factor], x.dtype, []);
    return this.node('Mul', [x, f], {}, [out ?? [...x.shape]], x.dtype)[0];
  }

  /** Slices of `x` along `axis`, each at most STABLE_K_BLOCK long. */
  splitK(x: Value, axis: number, k: number): Value[] {
    const sizes: number[] = [];
    for (let s = 0; s < k; s += STABLE_K_BLOCK) sizes.push(Math.min(STABLE_K_BLOCK, k - s));
    const shapes = sizes.map((s) => x.shape.map((d, i) => (i === axis ? s : d)));
    return this.node('Split', [x, this.constant(sizes, 'int64', [sizes.length])], { axis }, shapes);
  }
}

function rewrite(g: GraphBuilder, n: Node): Node[] | null {
  return n.opType === 'Gemm' ? rewriteGemm(g, n) : rewriteMatMul(g, n);
}

function rewriteGemm(g: GraphBuilder, n: Node): Node[] | null {
  const [a, b, c] = n.inputs;
  if (!a || !b || a.shape.length !== 2 || b.shape.length !== 2) return null;
  const spec: GemmSpec = {
    a,
    b,
    c,
    tA: n.attrs.transA === 1,
    tB: n.attrs.transB === 1,
    alpha: n.attrs.alpha === undefined ? undefined : floatOf(n.attrs.alpha),
    beta: n.attrs.beta === undefined ? undefined : floatOf(n.attrs.beta),
  };
  const m = spec.tA ? a.shape[1] : a.shape[0],
    k = spec.tA ? a.shape[0] : a.shape[1],
    nDim = spec.tB ? b.shape[0] : b.shape[1];
  if (typeof k !== 'number' || k <= STABLE_K_BLOCK) return null;
  const e = new Emitter(g, n);
  if (typeof m === 'number' && typeof nDim === 'number') {
    if (nDim <= m) return null;
    swappedGemm(e, spec, m, nDim, n.outputs[0]);
    return e.nodes;
  }
  // Runtime-sized rows: which side is longer is known only at run time, so an If picks the
  // transposed product when N > M and the Gemm as it is otherwise (no cost for tall products).
  const [wide] = e.node('Greater', [e.dim(b, spec.tB ? 0 : 1), e.dim(a, spec.tA ? 1 : 0)], {}, [[]], 'bool');
  const swapped = g.subgraph(`${n.name}/n_above_m`),
    kept = g.subgraph(`${n.name}/m_at_least_n`);
  const inSwapped = new Emitter(swapped, n),
    inKept = new Emitter(kept, n);
  swapped.output(swappedGemm(inSwapped, spec, m, nDim, null));
  kept.output(inKept.node('Gemm', c ? [a, b, c] : [a, b], { ...n.attrs }, [[m, nDim]])[0]);
  swapped.nodes.push(...inSwapped.nodes);
  kept.nodes.push(...inKept.nodes);
  return e.final('If', [wide], { then_branch: { graph: swapped }, else_branch: { graph: kept } });
}

interface GemmSpec {
  a: Value;
  b: Value;
  c: Value | null;
  tA: boolean;
  tB: boolean;
  alpha: number | undefined;
  beta: number | undefined;
}

/**
 * alpha op(A) op(B) + beta C computed as (alpha op(B)^T op(A)^T)^T, an N x M product that MLAS
 * splits along its rows; into `out`, or a new value when null. The swapped Gemm gets a zero C:
 * onnxruntime folds a Transpose after a Gemm without C back into the Gemm, undoing the swap.
 */
function swappedGemm(e: Emitter, s: GemmSpec, m: Dim, n: Dim, out: Value | null): Value {
  const flags: Record<string, AttrValue> = {};
  if (!s.tB) flags.transA = 1;
  if (!s.tA) flags.transB = 1;
  if (s.alpha !== undefined) flags.alpha = { float: s.alpha };
  const zero = e.constant([0], s.a.dtype, [1]);
  const [product] = e.node('Gemm', [s.b, s.a, zero], flags, [[n, m]]);
  const [y] = e.node('Transpose', [product], { perm: [1, 0] }, [s.c ? [m, n] : (out ?? [m, n])]);
  if (!s.c) return y;
  const bias = s.beta === undefined ? s.c : e.scaled(s.c, s.beta, null);
  return e.node('Add', [y, bias], {}, [out ?? [m, n]])[0];
}

/** The longest block of K (a divisor, at most STABLE_K_BLOCK) worth batching over; null if none. */
function blockOf(k: number): number | null {
  for (let kb = STABLE_K_BLOCK; kb >= 32; kb--) if (k % kb === 0) return kb;
  return null;
}

function rewriteMatMul(g: GraphBuilder, n: Node): Node[] | null {
  const [a, b] = n.inputs;
  if (!a || !b || a.shape.length < 2 || b.shape.length < 2) return null;
  const k = a.shape[a.shape.length - 1];
  if (typeof k !== 'number' || k <= STABLE_K_BLOCK) return null;
  const m = a.shape[a.shape.length - 2],
    nDim = b.shape[b.shape.length - 1];
  const e = new Emitter(g, n);
  if (a.shape.length === 2 && b.shape.length === 2 && typeof m === 'number' && typeof nDim === 'number') {
    if (nDim <= m) return null;
    const plain = { a, b, c: null, tA: false, tB: false, alpha: undefined, beta: undefined };
    swappedGemm(e, plain, m, nDim, n.outputs[0]);
    return e.nodes;
  }
  const blockK = blockOf(k);
  if (b.shape.length === 2 && blockK) {
    // [..., M, K] x [K, N] as [blocks, ..., M, kb] x [blocks, 1.., kb, N], the blocks summed.
    const r = a.shape.length,
      blocks = k / blockK;
    const lead = a.shape.slice(0, -1);
    const a4 = e.reshape(a, [...lead.map(() => 0), blocks, blockK], [...lead, blocks, blockK]);
    const aBlocks = e.transpose(a4, [r - 1, ...lead.map((_, i) => i), r]);
    const ones = lead.slice(1).map(() => 1);
    const bBlocks = e.reshape(b, [blocks, ...ones, blockK, -1], [blocks, ...ones, blockK, nDim]);
    const [parts] = e.node('MatMul', [aBlocks, bBlocks], {}, [[blocks, ...lead, nDim]]);
    e.sumOfBlocks(parts, n.outputs[0]);
    return e.nodes;
  }
  const aParts = e.splitK(a, a.shape.length - 1, k),
    bParts = e.splitK(b, b.shape.length - 2, k);
  const outShape = n.outputs[0].shape;
  let acc: Value | null = null;
  for (let i = 0; i < aParts.length; i++) {
    const last = i === aParts.length - 1;
    if (!acc) {
      [acc] = e.node('MatMul', [aParts[i], bParts[i]], {}, [[...outShape]]);
      continue;
    }
    const [part] = e.node('MatMul', [aParts[i], bParts[i]], {}, [[...outShape]]);
    if (last) return e.final('Add', [acc, part], {});
    [acc] = e.node('Add', [acc, part], {}, [[...outShape]]);
  }
  return null;
}

function floatOf(attr: AttrValue): number {
  if (typeof attr === 'number') return attr;
  if (typeof attr === 'object' && attr !== null && 'float' in attr) return attr.float;
  throw new Error(`Gemm: alpha and beta must be floats, got ${JSON.stringify(attr)}.`);
}
