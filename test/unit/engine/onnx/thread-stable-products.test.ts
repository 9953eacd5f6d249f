// Gemm and MatMul with K > 128 give the same bytes on 1 and 2 threads once encoded (the rewrite
// in thread-stable-products.ts), and still compute the product: checked against a float64 loop.
// The shapes are the ones that differed before: few rows, more columns than rows, K = 256.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { createSession } from '../../../../engine/device';
import { SeededRng } from '../../../../engine/model';
import { GraphBuilder, type Shape, encodeModel } from '../../../../engine/onnx';
import { STABLE_K_BLOCK, threadStableNodes } from '../../../../engine/onnx/thread-stable-products';

interface Operand {
  name: string;
  /** Declared shape (may be symbolic). */
  shape: Shape;
  /** Runtime shape. */
  dims: number[];
}

function randomTensor(rng: SeededRng, dims: number[]): ort.Tensor {
  const n = dims.reduce((p, d) => p * d, 1);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: n }, () => rng.nextUint32() / 2 ** 32 - 0.5),
    dims,
  );
}

async function runOn(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, threads: number): Promise<Float32Array> {
  const session = await createSession(bytes, { device: 'cpu', intraOpThreads: threads });
  try {
    const out = await session.run(feeds);
    return out.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** op(X) of a row-major [r, c] matrix, element (i, j). */
function at(t: ort.Tensor, trans: boolean, i: number, j: number): number {
  const cols = t.dims[1];
  return (t.data as Float32Array)[trans ? j * cols + i : i * cols + j];
}

interface GemmCase {
  label: string;
  a: Operand;
  b: Operand;
  c?: Operand;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

const GEMMS: GemmCase[] = [
  {
    label: 'static rows, N > M (transposed product)',
    a: { name: 'a', shape: [32, 256], dims: [32, 256] },
    b: { name: 'b', shape: [256, 96], dims: [256, 96] },
  },
  {
    label: 'static, transposed operands, alpha, beta and a bias',
    a: { name: 'a', shape: [300, 24], dims: [300, 24] },
    b: { name: 'b', shape: [80, 300], dims: [80, 300] },
    c: { name: 'c', shape: [80], dims: [80] },
    transA: true,
    transB: true,
    alpha: 0.5,
    beta: 2,
  },
  {
    label: 'runtime rows, fewer than the columns (an If takes the transposed product), bias',
    a: { name: 'a', shape: ['rows', 300], dims: [32, 300] },
    b: { name: 'b', shape: [300, 96], dims: [300, 96] },
    c: { name: 'c', shape: [96], dims: [96] },
  },
  {
    label: 'runtime rows, weight transposed, alpha',
    a: { name: 'a', shape: ['rows', 256], dims: [16, 256] },
    b: { name: 'b', shape: [112, 256], dims: [112, 256] },
    transB: true,
    alpha: 0.25,
  },
  {
    label: 'runtime rows, more than the columns (the If keeps the Gemm), A transposed, beta and a bias',
    a: { name: 'a', shape: [257, 'rows'], dims: [257, 200] },
    b: { name: 'b', shape: [257, 72], dims: [257, 72] },
    c: { name: 'c', shape: [72], dims: [72] },
    transA: true,
    beta: 0.5,
  },
];

describe('thread-stable Gemm', () => {
  for (const gc of GEMMS) {
    test(`${gc.label}: same bytes on 1 and 2 threads, equal to a float64 product`, async () => {
      const g = new GraphBuilder('gemm');
      const a = g.input(gc.a.name, 'float32', gc.a.shape);
      const b = g.input(gc.b.name, 'float32', gc.b.shape);
      const c = gc.c ? g.input(gc.c.name, 'float32', gc.c.shape) : null;
      const y = g.gemm(a, b, c, { transA: gc.transA, transB: gc.transB, alpha: gc.alpha, beta: gc.beta });
      g.output(y, 'y');
      assert.ok(threadStableNodes(g).length > g.nodes.length, 'a product with K > STABLE_K_BLOCK is rewritten');

      const rng = new SeededRng(11);
      const feeds: Record<string, ort.Tensor> = {
        a: randomTensor(rng, gc.a.dims),
        b: randomTensor(rng, gc.b.dims),
      };
      if (gc.c) feeds.c = randomTensor(rng, gc.c.dims);
      const bytes = encodeModel(g);
      const one = await runOn(bytes, feeds, 1);
      const two = await runOn(bytes, feeds, 2);
      assert.ok(Buffer.from(one.buffer).equals(Buffer.from(two.buffer)), 'results differ between 1 and 2 threads');

      const tA = !!gc.transA,
        tB = !!gc.transB;
      const m = tA ? gc.a.dims[1] : gc.a.dims[0],
        k = tA ? gc.a.dims[0] : gc.a.dims[1],
        n = tB ? gc.b.dims[0] : gc.b.dims[1];
      let worst = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += at(feeds.a, tA, i, p) * at(feeds.b, tB, p, j);
          let expected = (gc.alpha ?? 1) * sum;
          if (feeds.c) expected += (gc.beta ?? 1) * (feeds.c.data as Float32Array)[j];
          worst = Math.max(worst, Math.abs(one[i * n + j] - expected));
        }
      assert.ok(worst < 1e-4, `largest difference from the float64 product: ${worst}`);
    });
  }
});

describe('thread-stable MatMul', () => {
  const cases: Array<{ label: string; a: Operand; b: Operand }> = [
    {
      label: 'batched rows times a weight, K in blocks of 65',
      a: { name: 'a', shape: [2, 'seq', 260], dims: [2, 8, 260] },
      b: { name: 'b', shape: [260, 80], dims: [260, 80] },
    },
    {
      label: 'batched times batched (a chain of slices)',
      a: { name: 'a', shape: [2, 'seq', 260], dims: [2, 8, 260] },
      b: { name: 'b', shape: [2, 260, 80], dims: [2, 260, 80] },
    },
    {
      label: 'static 2-D, N > M (transposed product)',
      a: { name: 'a', shape: [16, 200], dims: [16, 200] },
      b: { name: 'b', shape: [200, 64], dims: [200, 64] },
    },
  ];
  for (const mc of cases) {
    test(`${mc.label}: same bytes on 1 and 2 threads, equal to a float64 product`, async () => {
      const g = new GraphBuilder('matmul');
      g.output(g.matmul(g.input('a', 'float32', mc.a.shape), g.input('b', 'float32', mc.b.shape)), 'y');
      const rng = new SeededRng(12);
      const feeds = { a: randomTensor(rng, mc.a.dims), b: randomTensor(rng, mc.b.dims) };
      const bytes = encodeModel(g);
      const one = await runOn(bytes, feeds, 1);
      const two = await runOn(bytes, feeds, 2);
      assert.ok(Buffer.from(one.buffer).equals(Buffer.from(two.buffer)), 'results differ between 1 and 2 threads');

      const [k, n] = mc.b.dims.slice(-2);
      const rows = one.length / n,
        rowsPerBatch = mc.a.dims[mc.a.dims.length - 2];
      const av = feeds.a.data as Float32Array,
        bv = feeds.b.data as Float32Array;
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        // a batched B holds one [k, n] matrix per batch of rows
        const bOffset = mc.b.dims.length > 2 ? Math.floor(r / rowsPerBatch) * k * n : 0;
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += av[r * k + p] * bv[bOffset + p * n + j];
          worst = Math.max(worst, Math.abs(one[r * n + j] - sum));
        }
      }
      assert.ok(worst < 1e-4, `largest difference from the float64 product: ${worst}`);
    });
  }

  test(`products with K <= ${STABLE_K_BLOCK}, and M >= N, are left as they are`, () => {
    const g = new GraphBuilder('kept');
    const x = g.input('x', 'float32', ['rows', STABLE_K_BLOCK]);
    g.matmul(x, g.input('w', 'float32', [STABLE_K_BLOCK, 512]));
    g.gemm(g.input('tall', 'float32', [512, 256]), g.input('w2', 'float32', [256, 64]), null);
    assert.deepEqual(threadStableNodes(g), g.nodes);
  });
});
