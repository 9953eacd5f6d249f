// Every autodiff rule against central finite differences in float64 (per-tensor relative error by norm).

import { createSession } from '../../../../engine/device';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { GraphBuilder, Value } from '../../../../engine/onnx';
import { GRAD_RULES, gradients } from '../../../../engine/autodiff';
import { ONE_HOT_GRADIENT_MAX_ROWS } from '../../../../engine/autodiff/rules-nn';
import { GraphBuilder as Builder, encodeModel } from '../../../../engine/onnx';
import { type CheckInput, generalLoss, gradCheck, input } from '../gradcheck-helpers';

const TOL = 1e-6;

interface Case {
  rule: string;
  label: string;
  inputs: CheckInput[];
  build: (g: GraphBuilder, v: Value[]) => Value;
}

const pos = (name: string, dims: number[], seed: number) => input(name, dims, seed, { scale: 0.3, offset: 1.5 });
const c = (g: GraphBuilder, x: number) => g.scalar(x, 'float64');

const cases: Case[] = [
  {
    rule: 'Add',
    label: 'broadcast [2,3]+[3]',
    inputs: [input('a', [2, 3], 1), input('b', [3], 2)],
    build: (g, [a, b]) => g.add(a, b),
  },
  {
    rule: 'Add',
    label: 'symbolic [n,3]+[1,3]',
    inputs: [input('a', [4, 3], 1, { shape: ['n', 3] }), input('b', [1, 3], 2)],
    build: (g, [a, b]) => g.add(a, b),
  },
  {
    rule: 'Sub',
    label: 'broadcast both [2,1]-[3]',
    inputs: [input('a', [2, 1], 3), input('b', [3], 4)],
    build: (g, [a, b]) => g.sub(a, b),
  },
  {
    rule: 'Mul',
    label: 'broadcast [2,3]*[2,1]',
    inputs: [input('a', [2, 3], 5), input('b', [2, 1], 6)],
    build: (g, [a, b]) => g.mul(a, b),
  },
  {
    rule: 'Div',
    label: 'broadcast [2,3]/[3]',
    inputs: [input('a', [2, 3], 7), pos('b', [3], 8)],
    build: (g, [a, b]) => g.div(a, b),
  },
  {
    rule: 'Pow',
    label: 'tensor exponent',
    inputs: [pos('a', [2, 3], 9), input('b', [3], 10, { scale: 0.5 })],
    build: (g, [a, b]) => g.pow(a, b),
  },
  { rule: 'Neg', label: '', inputs: [input('x', [2, 3], 11)], build: (g, [x]) => g.neg(x) },
  { rule: 'Identity', label: '', inputs: [input('x', [2, 3], 12)], build: (g, [x]) => g.identity(x) },
  { rule: 'Exp', label: '', inputs: [input('x', [2, 3], 13)], build: (g, [x]) => g.exp(x) },
  { rule: 'Log', label: '', inputs: [pos('x', [2, 3], 14)], build: (g, [x]) => g.log(x) },
  { rule: 'Sqrt', label: '', inputs: [pos('x', [2, 3], 15)], build: (g, [x]) => g.sqrt(x) },
  { rule: 'Reciprocal', label: '', inputs: [pos('x', [2, 3], 16)], build: (g, [x]) => g.reciprocal(x) },
  { rule: 'Tanh', label: '', inputs: [input('x', [2, 3], 17)], build: (g, [x]) => g.tanh(x) },
  { rule: 'Sigmoid', label: '', inputs: [input('x', [2, 3], 18)], build: (g, [x]) => g.sigmoid(x) },
  { rule: 'Abs', label: '', inputs: [input('x', [2, 3], 19)], build: (g, [x]) => g.abs(x) },
  { rule: 'Relu', label: '', inputs: [input('x', [2, 3], 20)], build: (g, [x]) => g.relu(x) },
  {
    rule: 'Gelu',
    label: 'tanh approximation',
    inputs: [input('x', [3, 4], 21, { scale: 1.5 })],
    build: (g, [x]) => g.gelu(x, 'tanh'),
  },
  {
    rule: 'Where',
    label: 'broadcast branches',
    inputs: [input('a', [2, 3], 22), input('b', [3], 23)],
    build: (g, [a, b]) => g.where(g.greater(a, c(g, 0)), a, b),
  },
  {
    rule: 'Min',
    label: 'broadcast',
    inputs: [input('a', [2, 3], 24), input('b', [3], 25)],
    build: (g, [a, b]) => g.min(a, b),
  },
  {
    rule: 'Max',
    label: 'broadcast',
    inputs: [input('a', [2, 3], 26), input('b', [2, 1], 27)],
    build: (g, [a, b]) => g.max(a, b),
  },
  {
    rule: 'Clip',
    label: 'both bounds',
    inputs: [input('x', [3, 4], 28)],
    build: (g, [x]) => g.clip(x, c(g, -0.5), c(g, 0.7)),
  },
  {
    rule: 'Sum',
    label: 'three inputs, broadcast',
    inputs: [input('a', [2, 3], 29), input('b', [3], 30), input('d', [2, 1], 31)],
    build: (g, v) => g.sum(v),
  },
  {
    rule: 'MatMul',
    label: '2-D x 2-D',
    inputs: [input('a', [3, 4], 32), input('b', [4, 2], 33)],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    rule: 'MatMul',
    label: '3-D x 2-D (weight path)',
    inputs: [input('a', [2, 3, 4], 34, { shape: ['n', 3, 4] }), input('b', [4, 5], 35)],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  {
    rule: 'MatMul',
    label: 'batched with broadcast',
    inputs: [input('a', [2, 1, 3, 4], 36), input('b', [1, 2, 4, 2], 37)],
    build: (g, [a, b]) => g.matmul(a, b),
  },
  ...[false, true].flatMap((tA) =>
    [false, true].map((tB): Case => ({
      rule: 'Gemm',
      label: `transA=${tA} transB=${tB} with bias`,
      inputs: [input('a', tA ? [4, 3] : [3, 4], 38), input('b', tB ? [2, 4] : [4, 2], 39), input('bias', [2], 40)],
      build: (g, [a, b, bias]) => g.gemm(a, b, bias, { transA: tA, transB: tB, alpha: 0.7, beta: 1.3 }),
    })),
  ),
  { rule: 'Softmax', label: 'last axis', inputs: [input('x', [2, 5], 41)], build: (g, [x]) => g.softmax(x, -1) },
  { rule: 'Softmax', label: 'axis 0', inputs: [input('x', [3, 2], 42)], build: (g, [x]) => g.softmax(x, 0) },
  { rule: 'LogSoftmax', label: '', inputs: [input('x', [2, 5], 43)], build: (g, [x]) => g.logSoftmax(x, -1) },
  {
    rule: 'LayerNormalization',
    label: '3-D input',
    inputs: [input('x', [2, 3, 4], 44), pos('w', [4], 45), input('b', [4], 46)],
    build: (g, [x, w, b]) => g.layerNorm(x, w, b, 1e-5),
  },
  {
    rule: 'Gather',
    label: 'embedding rows, repeated indices (one-hot GEMM)',
    inputs: [input('table', [5, 3], 47)],
    build: (g, [t]) => g.gather(t, g.constant([0, 2, 2, 4, 0, 0], 'int32', [2, 3]), 0),
  },
  {
    rule: 'Gather',
    label: 'rows wider than the table is long (one-hot GEMM, turned)',
    inputs: [input('table', [3, 2, 4], 51)],
    build: (g, [t]) => g.gather(t, g.constant([2, 0, 2, 2], 'int64', [4]), 0),
  },
  {
    rule: 'Gather',
    label: `a table of ${ONE_HOT_GRADIENT_MAX_ROWS + 1} rows (scatter-add)`,
    inputs: [input('table', [ONE_HOT_GRADIENT_MAX_ROWS + 1, 1], 52)],
    build: (g, [t]) =>
      g.gather(t, g.constant([ONE_HOT_GRADIENT_MAX_ROWS, 3, 3, 0, ONE_HOT_GRADIENT_MAX_ROWS], 'int32', [5]), 0),
  },
  {
    rule: 'GatherElements',
    label: 'axis 1',
    inputs: [input('x', [3, 4], 48)],
    build: (g, [x]) => g.gatherElements(x, g.constant([0, 3, 1, 1, 2, 0], 'int64', [3, 2]), 1),
  },
  { rule: 'Reshape', label: 'static', inputs: [input('x', [2, 6], 49)], build: (g, [x]) => g.reshape(x, [3, 4]) },
  {
    rule: 'Reshape',
    label: 'symbolic',
    inputs: [input('x', [2, 3, 4], 50, { shape: ['n', 3, 4] })],
    build: (g, [x]) => g.reshape(x, [-1, 4]),
  },
  { rule: 'Transpose', label: '', inputs: [input('x', [2, 3, 4], 51)], build: (g, [x]) => g.transpose(x, [2, 0, 1]) },
  { rule: 'Squeeze', label: '', inputs: [input('x', [2, 1, 3], 52)], build: (g, [x]) => g.squeeze(x, [1]) },
  { rule: 'Unsqueeze', label: '', inputs: [input('x', [2, 3], 53)], build: (g, [x]) => g.unsqueeze(x, [0, 2]) },
  {
    rule: 'Concat',
    label: 'static sizes',
    inputs: [input('a', [2, 3], 54), input('b', [2, 1], 55)],
    build: (g, [a, b]) => g.concat([a, b], 1),
  },
  {
    rule: 'Concat',
    label: 'symbolic sizes',
    inputs: [input('a', [2, 3], 56, { shape: ['n', 3] }), input('b', [1, 3], 57, { shape: ['m', 3] })],
    build: (g, [a, b]) => g.concat([a, b], 0),
  },
  {
    rule: 'Split',
    label: 'one output unused',
    inputs: [input('x', [2, 6], 58)],
    build: (g, [x]) => {
      const [p, , r] = g.split(x, [1, 2, 3], 1);
      return g.concat([g.mul(p, c(g, 2)), r], 1);
    },
  },
  {
    rule: 'Expand',
    label: '[3,1] to [2,3,4]',
    inputs: [input('x', [3, 1], 59)],
    build: (g, [x]) => g.expand(x, g.constant([2, 3, 4], 'int64'), [2, 3, 4]),
  },
  {
    rule: 'ReduceSum',
    label: 'keepdims',
    inputs: [input('x', [2, 3, 4], 60)],
    build: (g, [x]) => g.reduceSum(x, [1], true),
  },
  {
    rule: 'ReduceSum',
    label: 'no keepdims, two axes',
    inputs: [input('x', [2, 3, 4], 61)],
    build: (g, [x]) => g.reduceSum(x, [0, 2]),
  },
  { rule: 'ReduceMean', label: 'static', inputs: [input('x', [2, 3, 4], 62)], build: (g, [x]) => g.reduceMean(x, [2]) },
  {
    rule: 'ReduceMean',
    label: 'symbolic reduced axis',
    inputs: [input('x', [5, 3], 63, { shape: ['n', 3] })],
    build: (g, [x]) => g.reduceMean(x, [0], true),
  },
  {
    rule: 'Slice',
    label: 'static middle',
    inputs: [input('x', [3, 5], 64)],
    build: (g, [x]) => g.slice(x, [1], [4], [1]),
  },
  {
    rule: 'Slice',
    label: 'symbolic, drop last / drop first',
    inputs: [input('x', [2, 5], 65, { shape: ['b', 't'] })],
    build: (g, [x]) =>
      g.mul(g.slice(x, [0], [-1], [1], ['b', 't-1']), g.slice(x, [1], [2 ** 31 - 1], [1], ['b', 't-1'])),
  },
];

describe('autodiff rules vs finite differences (float64)', () => {
  for (const cse of cases) {
    test(`${cse.rule} ${cse.label}`, async () => {
      const reports = await gradCheck(cse.inputs, (g, v) => generalLoss(g, cse.build(g, v)));
      for (const r of reports) {
        assert.ok(
          r.fdNorm > 1e-8,
          `${cse.rule}: finite-difference gradient of ${r.name} is zero, the check would be vacuous`,
        );
        assert.ok(
          r.relErr <= TOL,
          `${cse.rule} ${cse.label}: ${r.name} relative error ${r.relErr.toExponential(2)} > ${TOL}`,
        );
      }
    });
  }

  test('every float rule except Cast and erf-Gelu (checked below) has a finite-difference case', () => {
    const covered = new Set(cases.map((x) => x.rule));
    const missing = Object.keys(GRAD_RULES).filter((r) => !covered.has(r) && r !== 'Cast');
    assert.deepEqual(missing, []);
  });

  test('Cast: gradient is cast back to the input dtype', async () => {
    // loss = sum(cast(cast(x, f32), f64) * r) so d loss / dx = r rounded to float32.
    const r = [0.1, -1.3, 2.7, 1 / 3];
    const g = new Builder('cast');
    const x = g.input('x', 'float64', [4]);
    const y = g.cast(g.cast(x, 'float32'), 'float64');
    const loss = g.reduceAll(g.mul(y, g.constant(r, 'float64')));
    g.output(loss, 'loss');
    const [gx] = gradients(g, loss, [x]);
    g.output(gx, 'gx');
    const s = await createSession(encodeModel(g), { device: 'cpu' });
    const out = await s.run({ x: new ort.Tensor('float64', Float64Array.from([1, 2, 3, 4]), [4]) });
    assert.deepEqual(Array.from(out.gx.data as Float64Array), Array.from(Float32Array.from(r)));
  });

  test('Gelu (erf) in float32 agrees with the float64 tanh-free reference derivative', async () => {
    // Erf has no float64 kernel, so compare against Phi(x) + x phi(x) computed here in float64.
    const xs = [-2.5, -1, -0.3, 0, 0.4, 1.2, 3];
    const g = new Builder('gelu');
    const x = g.input('x', 'float32', [xs.length]);
    const loss = g.reduceAll(g.gelu(x, 'none'));
    g.output(loss, 'loss');
    const [gx] = gradients(g, loss, [x]);
    g.output(gx, 'gx');
    const s = await createSession(encodeModel(g), { device: 'cpu' });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [xs.length]) });
    const erf = (z: number) => {
      // Abramowitz-Stegun 7.1.26 is too coarse; use a series good to 1e-12 on this range.
      let sum = 0,
        term = z;
      for (let n = 0; n < 60; n++) {
        sum += term / (2 * n + 1);
        term *= (-z * z) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const expected = xs.map(
      (v) => 0.5 * (1 + erf(v / Math.SQRT2)) + (v * Math.exp((-v * v) / 2)) / Math.sqrt(2 * Math.PI),
    );
    const got = Array.from(out.gx.data as Float32Array);
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `x=${xs[i]}: ${v} vs ${expected[i]}`));
  });
});
