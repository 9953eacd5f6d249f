// Protobuf writer bytes, builder naming/shape inference, and subgraphs (Loop) running in onnxruntime.

import { createSession } from '../../../../engine/device';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, encodeModel } from '../../../../engine/onnx';
import { ProtoWriter } from '../../../../engine/onnx/proto-writer';

describe('protobuf writer', () => {
  test('varints, negative int64 and strings use the documented wire format', () => {
    assert.deepEqual(Array.from(new ProtoWriter().varint(1, 150).finish()), [0x08, 0x96, 0x01]);
    assert.deepEqual(
      Array.from(new ProtoWriter().varint(2, -1).finish()),
      [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    assert.deepEqual(
      Array.from(new ProtoWriter().string(2, 'testing').finish()),
      [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67],
    );
    assert.deepEqual(Array.from(new ProtoWriter().float(1, 1).finish()), [0x0d, 0x00, 0x00, 0x80, 0x3f]);
  });
});

describe('graph builder', () => {
  test('scoped, unique node names and symbolic shape inference', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float32', ['batch', 'seq', 8]);
    const w = g.input('w', 'float32', [8, 4]);
    const y1 = g.scope('layer0', () => g.matmul(x, w));
    const y2 = g.scope('layer0', () => g.matmul(x, w));
    assert.equal(g.nodes[0].name, 'layer0/MatMul');
    assert.notEqual(g.nodes[1].name, g.nodes[0].name);
    assert.deepEqual(y1.shape, ['batch', 'seq', 4]);
    assert.deepEqual(g.reshape(y2, [-1, 4]).shape, ['batch*seq', 4]);
    assert.deepEqual(g.add(x, g.input('b', 'float32', [8])).shape, ['batch', 'seq', 8]);
    assert.throws(
      () => g.add(x, g.input('bad', 'float32', [3])),
      /Add\(x, bad\): shapes \[batch, seq, 8\] and \[3\] do not broadcast/,
    );
    assert.throws(() => g.input('x', 'float32', [1]), /'x' is already used/);
  });

  test('attributes, initializers and int64 outputs survive a round trip through onnxruntime', async () => {
    const g = new GraphBuilder('t');
    const a = g.input('a', 'float32', [2, 3]);
    const w = g.initializer('w', 'float32', [3, 2], new Uint8Array(Float32Array.from([1, 0, 0, 1, 1, 1]).buffer));
    g.output(g.gemm(a, w, null, { alpha: 2 }), 'y');
    g.output(g.shapeOf(a), 'shape');
    const s = await createSession(encodeModel(g), { device: 'cpu' });
    const out = await s.run({ a: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [8, 10, 20, 22]);
    assert.deepEqual(Array.from(out.shape.data as BigInt64Array), [2n, 3n]);
  });

  test('a Loop body subgraph reads outer values and carries state', async () => {
    // acc <- acc * x + i for i = 0..n-1, where x comes from the outer graph.
    const g = new GraphBuilder('loop');
    const x = g.input('x', 'float32', [2]);
    const n = g.input('n', 'int64', []);
    const body = g.subgraph('body');
    const iter = body.input('iter', 'int64', []);
    const condIn = body.input('cond_in', 'bool', []);
    const acc = body.input('acc', 'float32', [2]);
    body.output(body.identity(condIn), 'cond_out');
    body.output(body.add(body.mul(acc, x), body.cast(iter, 'float32')), 'acc_out');
    const init = g.constant([1, 1], 'float32');
    const [final] = g.node('Loop', [n, null, init], { body: { graph: body } }, [{ dtype: 'float32', shape: [2] }]);
    g.output(final, 'acc_final');
    const s = await createSession(encodeModel(g), { device: 'cpu' });
    const out = await s.run({
      x: new ort.Tensor('float32', Float32Array.from([2, 3]), [2]),
      n: new ort.Tensor('int64', BigInt64Array.from([3n]), []),
    });
    // x=2: ((1*2+0)*2+1)*2+2 = 12; x=3: ((1*3+0)*3+1)*3+2 = 32
    assert.deepEqual(Array.from(out.acc_final.data as Float32Array), [12, 32]);
  });
});
