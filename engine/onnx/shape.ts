// Static shape bookkeeping with symbolic dimensions (strings such as 'batch' or 'batch*seq').
// Shapes are tracked so autodiff can work out broadcast reductions without running the graph.

export type Dim = number | string;
export type Shape = readonly Dim[];

export function shapeToString(s: Shape): string {
  return `[${s.join(', ')}]`;
}

/** Numpy-style broadcast of two shapes; a symbolic dim against 1 keeps the symbol. */
export function broadcastShapes(a: Shape, b: Shape, context: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db) out.push(da);
    else if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (typeof da === 'string' && typeof db === 'number') out.push(db);
    else if (typeof db === 'string' && typeof da === 'number') out.push(da);
    else if (typeof da === 'string' && typeof db === 'string') out.push(da);
    else throw new Error(`${context}: shapes ${shapeToString(a)} and ${shapeToString(b)} do not broadcast.`);
  }
  return out;
}

/**
 * Axes of `out` along which a tensor of shape `inp` was broadcast (leading missing axes and
 * axes where `inp` has 1 but `out` does not). Summing the gradient over these recovers `inp`.
 */
export function broadcastAxes(inp: Shape, out: Shape): number[] {
  const axes: number[] = [];
  const lead = out.length - inp.length;
  for (let i = 0; i < out.length; i++) {
    if (i < lead) axes.push(i);
    else if (inp[i - lead] === 1 && out[i] !== 1) axes.push(i);
  }
  return axes;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function factors(d: Dim): Dim[] {
  if (typeof d === 'number') return [d];
  return d.split('*').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Product of dims as a Dim: a number if all are known, else a '*'-joined symbol. */
export function productDim(dims: readonly Dim[]): Dim {
  let num = 1;
  const syms: string[] = [];
  for (const d of dims) {
    for (const f of factors(d)) {
      if (typeof f === 'number') num *= f;
      else syms.push(f);
    }
  }
  if (syms.length === 0) return num;
  syms.sort();
  return num === 1 ? syms.join('*') : `${syms.join('*')}*${num}`;
}

/** Quotient of products of dims, cancelling symbols; used for Reshape's -1. */
export function quotientDim(numer: readonly Dim[], denom: readonly Dim[]): Dim {
  let num = 1;
  const syms: string[] = [];
  for (const d of numer) {
    for (const f of factors(d)) {
      if (typeof f === 'number') num *= f;
      else syms.push(f);
    }
  }
  let den = 1;
  for (const d of denom) {
    for (const f of factors(d)) {
      if (typeof f === 'number') den *= f;
      else {
        const i = syms.indexOf(f);
        if (i < 0) return `(${productDim(numer)})/(${productDim(denom)})`;
        syms.splice(i, 1);
      }
    }
  }
  if (num % den !== 0) return `(${productDim(numer)})/(${productDim(denom)})`;
  return productDim([num / den, ...syms]);
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}.`);
  return a;
}
