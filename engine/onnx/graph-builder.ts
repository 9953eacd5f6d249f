// GraphBuilder: records ONNX nodes with dtypes and static (possibly symbolic) shapes.
// Op helpers infer output shapes so autodiff can reason about broadcasting; `node()` is the
// escape hatch for anything else (caller states output dtypes and shapes).

import { type DType, ONNX_DTYPE_CODE, encodeValues, isFloatType } from './dtype';
import { type Dim, type Shape, broadcastShapes, normAxis, quotientDim, shapeToString } from './shape';

export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** A float attribute whose value happens to be integral (ONNX types attributes strictly). */
export interface FloatAttr {
  readonly float: number;
}
export interface FloatsAttr {
  readonly floats: readonly number[];
}
export interface TensorAttr {
  readonly tensor: { dtype: DType; dims: readonly number[]; data: Uint8Array };
}
export interface GraphAttr {
  readonly graph: GraphBuilder;
}
/** Integers become INT/INTS, non-integral numbers FLOAT, strings STRING. */
export type AttrValue =
  number | string | readonly number[] | readonly string[] | FloatAttr | FloatsAttr | TensorAttr | GraphAttr;

export interface Node {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** null marks an omitted optional input. */
  readonly inputs: readonly (Value | null)[];
  readonly outputs: readonly Value[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Static facts about constant inputs (axes, perm, ...) that autodiff rules read. */
  readonly meta: Readonly<Record<string, unknown>>;
}

export interface Initializer {
  readonly value: Value;
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export interface OutputSpec {
  dtype: DType;
  shape: Shape;
  name?: string;
}

interface NameState {
  used: Set<string>;
  counters: Map<string, number>;
}

export class GraphBuilder {
  readonly name: string;
  readonly parent: GraphBuilder | undefined;
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly initializers: Initializer[] = [];
  /** Values that autodiff must treat as constants (see stopGradient). */
  readonly noGrad = new Set<string>();
  private readonly names: NameState;
  private readonly scopes: string[] = [];
  private readonly constCache = new Map<string, Value>();

  constructor(name = 'graph', parent?: GraphBuilder) {
    this.name = name;
    this.parent = parent;
    // Subgraphs share one namespace with their parents: ONNX resolves outer-scope names by name.
    this.names = parent ? parent.names : { used: new Set(), counters: new Map() };
  }

  /** A child graph (e.g. a Loop body) that may read values of this graph by name. */
  subgraph(name: string): GraphBuilder {
    return new GraphBuilder(this.uniqueName(name), this);
  }

  // ---------- naming ----------

  /** Run `fn` with node/value names prefixed by `scope/` so the graph reads like the model. */
  scope<T>(scope: string, fn: () => T): T {
    this.scopes.push(scope);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  private prefix(): string {
    return this.scopes.length ? this.scopes.join('/') + '/' : '';
  }

  uniqueName(base: string): string {
    if (!this.names.used.has(base)) {
      this.names.used.add(base);
      return base;
    }
    let n = this.names.counters.get(base) ?? 1;
    while (this.names.used.has(`${base}_${n}`)) n++;
    this.names.counters.set(base, n + 1);
    const name = `${base}_${n}`;
    this.names.used.add(name);
    return name;
  }

  private claimExact(name: string): string {
    if (this.names.used.has(name)) throw new Error(`Graph name '${name}' is already used.`);
    this.names.used.add(name);
    return name;
  }

  // ---------- graph interface ----------

  input(name: string, dtype: DType, shape: Shape): Value {
    const v: Value = { name: this.claimExact(name), dtype, shape: [...shape] };
    this.inputs.push(v);
    return v;
  }

  /**
   * Mark a value as a graph output named `name`. A value computed by a node of this graph is
   * renamed in place (an Identity would copy the whole tensor); graph inputs, initializers,
   * outer-scope values and values that already are outputs go through an Identity.
   */
  output(value: Value, name?: string): Value {
    let v = value;
    if (name !== undefined && name !== value.name) {
      const own = this.nodes.some((n) => n.outputs.includes(value));
      const busy =
        this.outputs.includes(value) || this.inputs.includes(value) || this.initializers.some((i) => i.value === value);
      if (own && !busy) {
        this.claimExact(name);
        this.names.used.delete(value.name);
        if (this.noGrad.delete(value.name)) this.noGrad.add(name);
        // Consumers hold this same object, so they follow the new name.
        (value as { name: string }).name = name;
      } else {
        v = this.node('Identity', [value], {}, [{ dtype: value.dtype, shape: value.shape, name }])[0];
      }
    }
    this.outputs.push(v);
    return v;
  }

  initializer(name: string, dtype: DType, dims: readonly number[], data: Uint8Array): Value {
    const v: Value = { name: this.claimExact(name), dtype, shape: [...dims] };
    this.initializers.push({ value: v, dims: [...dims], data });
    return v;
  }

  /** A small constant made before in this graph or an enclosing one (a subgraph sees its parents' values). */
  private cachedConstant(key: string): Value | undefined {
    return this.constCache.get(key) ?? this.parent?.cachedConstant(key);
  }

  /** A constant tensor (emitted as a Constant node so it also works inside subgraphs). */
  constant(values: readonly number[], dtype: DType, dims: readonly number[] = [values.length]): Value {
    const key = `${dtype}|${dims.join(',')}|${values.join(',')}`;
    if (values.length <= 16) {
      const hit = this.cachedConstant(key);
      if (hit) return hit;
    }
    const [v] = this.node('Constant', [], { value: { tensor: { dtype, dims, data: encodeValues(dtype, values) } } }, [
      { dtype, shape: dims },
    ]);
    if (values.length <= 16) this.constCache.set(key, v);
    return v;
  }

  scalar(x: number, dtype: DType): Value {
    return this.constant([x], dtype, []);
  }

  private ints(values: readonly number[]): Value {
    return this.constant(values, 'int64');
  }

  // ---------- generic node ----------

  node(
    opType: string,
    inputs: readonly (Value | null)[],
    attrs: Record<string, AttrValue>,
    outputs: readonly OutputSpec[],
    opts: { domain?: string; name?: string; meta?: Record<string, unknown> } = {},
  ): Value[] {
    const nodeName = this.uniqueName(this.prefix() + (opts.name ?? opType));
    const outs: Value[] = outputs.map((o, i) => ({
      name:
        o.name !== undefined
          ? this.claimExact(o.name)
          : this.uniqueName(outputs.length === 1 ? nodeName : `${nodeName}:${i}`),
      dtype: o.dtype,
      shape: [...o.shape],
    }));
    this.nodes.push({
      name: nodeName,
      opType,
      domain: opts.domain ?? '',
      inputs: [...inputs],
      outputs: outs,
      attrs: { ...attrs },
      meta: { ...(opts.meta ?? {}) },
    });
    return outs;
  }

  private one(
    opType: string,
    inputs: readonly (Value | null)[],
    attrs: Record<string, AttrValue>,
    out: OutputSpec,
    meta?: Record<string, unknown>,
  ): Value {
    return this.node(opType, inputs, attrs, [out], { meta })[0];
  }

  // ---------- elementwise ----------

  private binary(op: string, a: Value, b: Value, outType?: DType): Value {
    if (a.dtype !== b.dtype) throw new Error(`${op}: dtypes differ (${a.name}: ${a.dtype}, ${b.name}: ${b.dtype}).`);
    return this.one(
      op,
      [a, b],
      {},
      { dtype: outType ?? a.dtype, shape: broadcastShapes(a.shape, b.shape, `${op}(${a.name}, ${b.name})`) },
    );
  }
  add(a: Value, b: Value): Value {
    return this.binary('Add', a, b);
  }
  sub(a: Value, b: Value): Value {
    return this.binary('Sub', a, b);
  }
  mul(a: Value, b: Value): Value {
    return this.binary('Mul', a, b);
  }
  div(a: Value, b: Value): Value {
    return this.binary('Div', a, b);
  }
  pow(a: Value, b: Value): Value {
    return this.binary('Pow', a, b);
  }
  min(a: Value, b: Value): Value {
    return this.binary('Min', a, b);
  }
  max(a: Value, b: Value): Value {
    return this.binary('Max', a, b);
  }
  equal(a: Value, b: Value): Value {
    return this.binary('Equal', a, b, 'bool');
  }
  less(a: Value, b: Value): Value {
    return this.binary('Less', a, b, 'bool');
  }
  lessOrEqual(a: Value, b: Value): Value {
    return this.binary('LessOrEqual', a, b, 'bool');
  }
  greater(a: Value, b: Value): Value {
    return this.binary('Greater', a, b, 'bool');
  }
  greaterOrEqual(a: Value, b: Value): Value {
    return this.binary('GreaterOrEqual', a, b, 'bool');
  }
  and(a: Value, b: Value): Value {
    return this.binary('And', a, b, 'bool');
  }
  or(a: Value, b: Value): Value {
    return this.binary('Or', a, b, 'bool');
  }

  /** Sum of several same-dtype values (ONNX Sum broadcasts). */
  sum(values: readonly Value[]): Value {
    if (values.length === 1) return values[0];
    if (values.length === 2) return this.add(values[0], values[1]);
    let shape: Shape = values[0].shape;
    for (const v of values.slice(1)) shape = broadcastShapes(shape, v.shape, 'Sum');
    return this.one('Sum', values, {}, { dtype: values[0].dtype, shape });
  }

  private unary(op: string, x: Value, attrs: Record<string, AttrValue> = {}): Value {
    return this.one(op, [x], attrs, { dtype: x.dtype, shape: x.shape });
  }
  neg(x: Value): Value {
    return this.unary('Neg', x);
  }
  exp(x: Value): Value {
    return this.unary('Exp', x);
  }
  log(x: Value): Value {
    return this.unary('Log', x);
  }
  sqrt(x: Value): Value {
    return this.unary('Sqrt', x);
  }
  tanh(x: Value): Value {
    return this.unary('Tanh', x);
  }
  sigmoid(x: Value): Value {
    return this.unary('Sigmoid', x);
  }
  reciprocal(x: Value): Value {
    return this.unary('Reciprocal', x);
  }
  abs(x: Value): Value {
    return this.unary('Abs', x);
  }
  relu(x: Value): Value {
    return this.unary('Relu', x);
  }
  identity(x: Value): Value {
    return this.unary('Identity', x);
  }
  not(x: Value): Value {
    return this.unary('Not', x);
  }
  /** Gelu (opset 20): approximate 'tanh' or 'none' (erf). */
  gelu(x: Value, approximate: 'tanh' | 'none' = 'tanh'): Value {
    return this.unary('Gelu', x, { approximate });
  }

  /** Identity whose output autodiff treats as a constant. */
  stopGradient(x: Value): Value {
    const y = this.identity(x);
    this.noGrad.add(y.name);
    return y;
  }

  cast(x: Value, to: DType): Value {
    if (x.dtype === to) return x;
    return this.one('Cast', [x], { to: ONNX_DTYPE_CODE[to] }, { dtype: to, shape: x.shape });
  }

  where(cond: Value, a: Value, b: Value): Value {
    if (a.dtype !== b.dtype) throw new Error(`Where: branch dtypes differ (${a.dtype}, ${b.dtype}).`);
    const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'Where'), b.shape, 'Where');
    return this.one('Where', [cond, a, b], {}, { dtype: a.dtype, shape });
  }

  /** Clip with scalar bounds given as values (so they can be graph inputs). */
  clip(x: Value, lo: Value | null, hi: Value | null): Value {
    return this.one('Clip', [x, lo, hi], {}, { dtype: x.dtype, shape: x.shape });
  }

  // ---------- linear algebra ----------

  matmul(a: Value, b: Value): Value {
    if (a.dtype !== b.dtype) throw new Error(`MatMul: dtypes differ (${a.name}: ${a.dtype}, ${b.name}: ${b.dtype}).`);
    if (a.shape.length < 2 || b.shape.length < 2)
      throw new Error(`MatMul(${a.name}, ${b.name}): both operands need rank >= 2.`);
    const m = a.shape[a.shape.length - 2];
    const n = b.shape[b.shape.length - 1];
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `MatMul(${a.name}, ${b.name})`);
    return this.one('MatMul', [a, b], {}, { dtype: a.dtype, shape: [...batch, m, n] });
  }

  /** Gemm: alpha * op(A) @ op(B) + beta * C for 2-D A and B. */
  gemm(
    a: Value,
    b: Value,
    c: Value | null,
    opts: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {},
  ): Value {
    if (a.shape.length !== 2 || b.shape.length !== 2)
      throw new Error(`Gemm(${a.name}, ${b.name}): operands must be 2-D.`);
    const m = opts.transA ? a.shape[1] : a.shape[0];
    const n = opts.transB ? b.shape[0] : b.shape[1];
    const attrs: Record<string, AttrValue> = {};
    if (opts.transA) attrs.transA = 1;
    if (opts.transB) attrs.transB = 1;
    if (opts.alpha !== undefined && opts.alpha !== 1) attrs.alpha = { float: opts.alpha };
    if (opts.beta !== undefined && opts.beta !== 1) attrs.beta = { float: opts.beta };
    return this.one('Gemm', c ? [a, b, c] : [a, b], attrs, { dtype: a.dtype, shape: [m, n] });
  }

  // ---------- normalisation / activations ----------

  softmax(x: Value, axis = -1): Value {
    return this.unary('Softmax', x, { axis });
  }
  logSoftmax(x: Value, axis = -1): Value {
    return this.unary('LogSoftmax', x, { axis });
  }

  /** LayerNormalization over the last axis; returns Y (Mean/InvStdDev are emitted for autodiff). */
  layerNorm(x: Value, scale: Value, bias: Value, epsilon = 1e-5): Value {
    const statShape = [...x.shape.slice(0, -1), 1];
    // Mean/InvStdDev are float32 whatever the input type (stash_type = 1).
    const [y] = this.node(
      'LayerNormalization',
      [x, scale, bias],
      { axis: -1, epsilon: { float: epsilon } },
      [
        { dtype: x.dtype, shape: x.shape },
        { dtype: 'float32', shape: statShape },
        { dtype: 'float32', shape: statShape },
      ],
      { meta: { epsilon } },
    );
    return y;
  }

  // ---------- indexing ----------

  /** Gather along `axis` (embedding lookup with axis 0). */
  gather(data: Value, indices: Value, axis = 0): Value {
    const ax = normAxis(axis, data.shape.length);
    const shape = [...data.shape.slice(0, ax), ...indices.shape, ...data.shape.slice(ax + 1)];
    return this.one('Gather', [data, indices], { axis: ax }, { dtype: data.dtype, shape }, { axis: ax });
  }

  gatherElements(data: Value, indices: Value, axis: number): Value {
    const ax = normAxis(axis, data.shape.length);
    return this.one(
      'GatherElements',
      [data, indices],
      { axis: ax },
      { dtype: data.dtype, shape: indices.shape },
      { axis: ax },
    );
  }

  scatterND(data: Value, indices: Value, updates: Value, reduction: 'none' | 'add' = 'none'): Value {
    return this.one('ScatterND', [data, indices, updates], reduction === 'none' ? {} : { reduction }, {
      dtype: data.dtype,
      shape: data.shape,
    });
  }

  scatterElements(
    data: Value,
    indices: Value,
    updates: Value,
    axis: number,
    reduction: 'none' | 'add' = 'none',
  ): Value {
    const attrs: Record<string, AttrValue> = { axis: normAxis(axis, data.shape.length) };
    if (reduction !== 'none') attrs.reduction = reduction;
    return this.one('ScatterElements', [data, indices, updates], attrs, { dtype: data.dtype, shape: data.shape });
  }

  // ---------- shape manipulation ----------

  /** Runtime shape of x (1-D int64). */
  shapeOf(x: Value): Value {
    return this.one('Shape', [x], {}, { dtype: 'int64', shape: [x.shape.length] });
  }

  /**
   * Reshape with an ONNX target (0 copies the input dim, -1 is inferred). `outShape` overrides
   * the inferred static shape when the caller knows better.
   */
  reshape(x: Value, target: readonly number[], outShape?: Shape): Value {
    let shape: Dim[];
    if (outShape) shape = [...outShape];
    else {
      shape = target.map((t, i) => (t === 0 ? x.shape[i] : t));
      const inferred = shape.indexOf(-1);
      if (inferred >= 0) {
        const known = shape.filter((_, i) => i !== inferred);
        shape[inferred] = quotientDim(x.shape, known);
      }
    }
    return this.one('Reshape', [x, this.ints(target)], {}, { dtype: x.dtype, shape }, { target: [...target] });
  }

  /** Reshape to a runtime shape tensor (static shape given by the caller). */
  reshapeTo(x: Value, shapeTensor: Value, outShape: Shape): Value {
    return this.one('Reshape', [x, shapeTensor], {}, { dtype: x.dtype, shape: outShape });
  }

  transpose(x: Value, perm: readonly number[]): Value {
    if (perm.length !== x.shape.length)
      throw new Error(`Transpose(${x.name}): perm ${perm.join(',')} does not match rank ${x.shape.length}.`);
    return this.one(
      'Transpose',
      [x],
      { perm: [...perm] },
      { dtype: x.dtype, shape: perm.map((p) => x.shape[p]) },
      { perm: [...perm] },
    );
  }

  squeeze(x: Value, axes: readonly number[]): Value {
    const ax = axes.map((a) => normAxis(a, x.shape.length));
    const shape = x.shape.filter((_, i) => !ax.includes(i));
    return this.one('Squeeze', [x, this.ints(ax)], {}, { dtype: x.dtype, shape }, { axes: ax });
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    const rank = x.shape.length + axes.length;
    const ax = axes.map((a) => normAxis(a, rank)).sort((p, q) => p - q);
    const shape: Dim[] = [];
    let src = 0;
    for (let i = 0; i < rank; i++) shape.push(ax.includes(i) ? 1 : x.shape[src++]);
    return this.one('Unsqueeze', [x, this.ints(ax)], {}, { dtype: x.dtype, shape }, { axes: ax });
  }

  concat(values: readonly Value[], axis: number): Value {
    const ax = normAxis(axis, values[0].shape.length);
    const shape = [...values[0].shape];
    const parts = values.map((v) => v.shape[ax]);
    shape[ax] = parts.every((p) => typeof p === 'number')
      ? (parts as number[]).reduce((s, p) => s + p, 0)
      : parts.join('+');
    return this.one('Concat', values, { axis: ax }, { dtype: values[0].dtype, shape }, { axis: ax, sizes: parts });
  }

  /** Split into pieces of the given static sizes along `axis`. */
  split(x: Value, sizes: readonly number[], axis: number): Value[] {
    const ax = normAxis(axis, x.shape.length);
    const outs = sizes.map((s) => {
      const shape = [...x.shape];
      shape[ax] = s;
      return { dtype: x.dtype, shape };
    });
    return this.node('Split', [x, this.ints(sizes)], { axis: ax }, outs, { meta: { axis: ax, sizes: [...sizes] } });
  }

  /** Expand to a runtime shape (static result shape given by the caller). */
  expand(x: Value, shapeTensor: Value, outShape: Shape): Value {
    return this.one('Expand', [x, shapeTensor], {}, { dtype: x.dtype, shape: outShape });
  }

  /**
   * Slice with static starts/ends/axes (steps 1). `outShape` is required when a sliced dim is
   * symbolic, because the result length then cannot be computed here.
   */
  slice(
    x: Value,
    starts: readonly number[],
    ends: readonly number[],
    axes: readonly number[],
    outShape?: Shape,
  ): Value {
    const ax = axes.map((a) => normAxis(a, x.shape.length));
    let shape: Dim[];
    if (outShape) shape = [...outShape];
    else {
      shape = [...x.shape];
      ax.forEach((a, i) => {
        const d = x.shape[a];
        if (typeof d !== 'number') throw new Error(`Slice(${x.name}): axis ${a} is symbolic (${d}); pass outShape.`);
        const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
        shape[a] = Math.max(0, clampIdx(ends[i]) - clampIdx(starts[i]));
      });
    }
    return this.one(
      'Slice',
      [x, this.ints(starts), this.ints(ends), this.ints(ax)],
      {},
      { dtype: x.dtype, shape },
      {
        starts: [...starts],
        ends: [...ends],
        axes: ax,
      },
    );
  }

  /** Slice with runtime starts/ends (1-D int64 values), e.g. a position offset. */
  sliceDynamic(x: Value, starts: Value, ends: Value, axes: readonly number[], outShape: Shape): Value {
    return this.one('Slice', [x, starts, ends, this.ints(axes)], {}, { dtype: x.dtype, shape: outShape });
  }

  /** Range(start, limit, delta) of scalars; `length` is the static length (often symbolic). */
  range(start: Value, limit: Value, delta: Value, length: Dim): Value {
    return this.one('Range', [start, limit, delta], {}, { dtype: start.dtype, shape: [length] });
  }

  constantOfShape(shapeTensor: Value, value: number, dtype: DType, outShape: Shape): Value {
    return this.one(
      'ConstantOfShape',
      [shapeTensor],
      { value: { tensor: { dtype, dims: [1], data: encodeValues(dtype, [value]) } } },
      { dtype, shape: outShape },
    );
  }

  /** Zeros with the runtime shape of `like`. */
  zerosLike(like: Value, dtype: DType = like.dtype): Value {
    return this.constantOfShape(this.shapeOf(like), 0, dtype, like.shape);
  }

  /** Constant-mode Pad (pads = [begin..., end...] per axis). */
  pad(x: Value, pads: readonly number[], value = 0, outShape?: Shape): Value {
    const r = x.shape.length;
    const shape = outShape
      ? [...outShape]
      : x.shape.map((d, i) => {
          const extra = pads[i] + pads[i + r];
          if (extra === 0) return d;
          return typeof d === 'number' ? d + extra : `${d}+${extra}`;
        });
    return this.one(
      'Pad',
      [x, this.ints(pads), this.scalar(value, x.dtype)],
      { mode: 'constant' },
      { dtype: x.dtype, shape },
      { pads: [...pads] },
    );
  }

  // ---------- reductions ----------

  private reduce(op: string, x: Value, axes: readonly number[], keepdims: boolean): Value {
    const ax = axes.map((a) => normAxis(a, x.shape.length));
    const shape: Dim[] = [];
    x.shape.forEach((d, i) => {
      if (!ax.includes(i)) shape.push(d);
      else if (keepdims) shape.push(1);
    });
    return this.one(
      op,
      [x, this.ints(ax)],
      { keepdims: keepdims ? 1 : 0 },
      { dtype: x.dtype, shape },
      { axes: ax, keepdims },
    );
  }
  /** Axes must be non-empty: an empty list would mean "all axes" in ONNX. Use reduceAll for that. */
  reduceSum(x: Value, axes: readonly number[], keepdims = false): Value {
    if (axes.length === 0) throw new Error(`ReduceSum(${x.name}): empty axes; use reduceAll.`);
    return this.reduce('ReduceSum', x, axes, keepdims);
  }
  reduceMean(x: Value, axes: readonly number[], keepdims = false): Value {
    if (axes.length === 0) throw new Error(`ReduceMean(${x.name}): empty axes; use reduceAll.`);
    return this.reduce('ReduceMean', x, axes, keepdims);
  }
  reduceMax(x: Value, axes: readonly number[], keepdims = false): Value {
    return this.reduce('ReduceMax', x, axes, keepdims);
  }
  /** Sum over every axis to a scalar. */
  reduceAll(x: Value): Value {
    if (x.shape.length === 0) return x;
    return this.reduce(
      'ReduceSum',
      x,
      x.shape.map((_, i) => i),
      false,
    );
  }

  describe(v: Value): string {
    return `${v.name}: ${v.dtype}${shapeToString(v.shape)}`;
  }

  isFloat(v: Value): boolean {
    return isFloatType(v.dtype);
  }
}
