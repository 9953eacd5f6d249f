// Shared helpers for gradient checks: build a float64 graph, take autodiff gradients, and compare
// them tensor by tensor with central finite differences of the same session's loss.

import { createSession } from '../../../engine/device';
import * as ort from 'onnxruntime-node';
import { gradients } from '../../../engine/autodiff';
import { type Dim, type DType, GraphBuilder, type Value, encodeModel } from '../../../engine/onnx';
import { SeededRng } from '../../../engine/model';

export interface CheckInput {
  name: string;
  /** Static shape as declared in the graph (may hold symbols). */
  shape: Dim[];
  /** Concrete shape used to run. */
  dims: number[];
  data: Float64Array;
}

export interface GradCheckReport {
  name: string;
  relErr: number;
  adNorm: number;
  fdNorm: number;
}

export function randomData(seed: number, n: number, scale = 1, offset = 0): Float64Array {
  const rng = new SeededRng(seed);
  return Float64Array.from({ length: n }, () => offset + scale * rng.normal());
}

/** Loss = sum(out^2 / 2 + 0.3 out): nonzero, non-symmetric gradient for any output. */
export function generalLoss(g: GraphBuilder, out: Value): Value {
  const sq = g.mul(g.mul(out, out), g.scalar(0.5, out.dtype));
  return g.reduceAll(g.add(sq, g.mul(out, g.scalar(0.3, out.dtype))));
}

function tensor(dtype: DType, data: Float64Array, dims: number[]): ort.Tensor {
  return dtype === 'float64'
    ? new ort.Tensor('float64', data, dims)
    : new ort.Tensor('float32', Float32Array.from(data), dims);
}

export function relNormError(
  ad: ArrayLike<number>,
  fd: ArrayLike<number>,
): { relErr: number; adNorm: number; fdNorm: number } {
  let d = 0,
    na = 0,
    nf = 0;
  for (let i = 0; i < fd.length; i++) {
    d += (ad[i] - fd[i]) ** 2;
    na += ad[i] ** 2;
    nf += fd[i] ** 2;
  }
  const fdNorm = Math.sqrt(nf);
  return { relErr: Math.sqrt(d) / Math.max(fdNorm, 1e-12), adNorm: Math.sqrt(na), fdNorm };
}

/**
 * Autodiff vs central differences for a scalar loss built from `inputs`. Returns one report per
 * input tensor. `fixedFeeds` supplies any further (non-differentiated) graph inputs.
 */
export async function gradCheck(
  inputs: CheckInput[],
  build: (g: GraphBuilder, vals: Value[]) => Value,
  opts: {
    dtype?: DType;
    h?: number;
    fixedFeeds?: Record<string, ort.Tensor>;
    declareFixed?: (g: GraphBuilder) => void;
  } = {},
): Promise<GradCheckReport[]> {
  const dtype = opts.dtype ?? 'float64';
  const h = opts.h ?? 1e-5;
  const g = new GraphBuilder('gradcheck');
  const vals = inputs.map((i) => g.input(i.name, dtype, i.shape));
  opts.declareFixed?.(g);
  const loss = build(g, vals);
  g.output(loss, 'loss');
  const grads = gradients(g, loss, vals);
  grads.forEach((gr, i) => g.output(gr, `grad.${inputs[i].name}`));
  const session = await createSession(encodeModel(g), { device: 'cpu', intraOpThreads: 1 });
  const feeds: Record<string, ort.Tensor> = { ...(opts.fixedFeeds ?? {}) };
  for (const i of inputs) feeds[i.name] = tensor(dtype, i.data, i.dims);
  const base = await session.run(feeds);
  const reports: GradCheckReport[] = [];
  for (const inp of inputs) {
    const ad = base[`grad.${inp.name}`].data as Float64Array;
    if (ad.length !== inp.data.length)
      throw new Error(`gradient of ${inp.name} has ${ad.length} values, input has ${inp.data.length}`);
    const fd = new Float64Array(inp.data.length);
    const work = inp.data.slice();
    for (let k = 0; k < work.length; k++) {
      const x0 = work[k];
      const step = h * Math.max(1, Math.abs(x0));
      work[k] = x0 + step;
      const lp = (await session.run({ ...feeds, [inp.name]: tensor(dtype, work, inp.dims) }, ['loss'])).loss
        .data[0] as number;
      work[k] = x0 - step;
      const lm = (await session.run({ ...feeds, [inp.name]: tensor(dtype, work, inp.dims) }, ['loss'])).loss
        .data[0] as number;
      work[k] = x0;
      fd[k] = (lp - lm) / (2 * step);
    }
    reports.push({ name: inp.name, ...relNormError(ad, fd) });
  }
  await session.release();
  return reports;
}

export function input(
  name: string,
  dims: number[],
  seed: number,
  opts: { shape?: Dim[]; scale?: number; offset?: number } = {},
): CheckInput {
  const n = dims.reduce((p, d) => p * d, 1);
  return { name, dims, shape: opts.shape ?? dims, data: randomData(seed, n, opts.scale ?? 1, opts.offset ?? 0) };
}
