import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { keepRows } from '../../../../engine/sampler/batch-rows';

test('keepRows copies the chosen rows of float32 and int64 tensors, in the order given', () => {
  // 3 rows of 2×2 values: row r holds 10r + i
  const values = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
  const kept = keepRows(new ort.Tensor('float32', values, [3, 2, 2]), [2, 0]);
  assert.deepEqual(kept.dims, [2, 2, 2]);
  assert.deepEqual([...(kept.data as Float32Array)], [20, 21, 22, 23, 0, 1, 2, 3]);
  assert.notEqual((kept.data as Float32Array).buffer, values.buffer); // a copy, not a view

  const ids = keepRows(new ort.Tensor('int64', BigInt64Array.from([5n, 6n, 7n, 8n]), [4]), [1, 3]);
  assert.deepEqual(ids.dims, [2]);
  assert.deepEqual([...(ids.data as BigInt64Array)], [6n, 8n]);
  assert.deepEqual(keepRows(new ort.Tensor('int64', new BigInt64Array(6), [2, 3]), []).dims, [0, 3]);
  assert.throws(
    () => keepRows(new ort.Tensor('bool', new Uint8Array(2), [2]), [0]),
    /float32 and int64 tensors, not bool/,
  );
});
