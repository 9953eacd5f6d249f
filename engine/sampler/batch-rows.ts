import * as ort from 'onnxruntime-node';

/**
 * The chosen rows (first axis) of a float32 or int64 tensor, copied into a new tensor in the order
 * given. Rows are contiguous, so each is one block copy.
 */
export function keepRows(tensor: ort.Tensor, rows: readonly number[]): ort.Tensor {
  if (tensor.type !== 'float32' && tensor.type !== 'int64')
    throw new Error(`keepRows handles float32 and int64 tensors, not ${tensor.type}.`);
  const [, ...rest] = tensor.dims;
  const width = rest.reduce((p, d) => p * d, 1);
  const from = tensor.data as Float32Array | BigInt64Array;
  const to =
    from instanceof Float32Array ? new Float32Array(rows.length * width) : new BigInt64Array(rows.length * width);
  // `to` has the element type of `from`, so the casts only quiet the union
  rows.forEach((row, i) =>
    (to as Float32Array).set(from.subarray(row * width, (row + 1) * width) as Float32Array, i * width),
  );
  return new ort.Tensor(tensor.type, to, [rows.length, ...rest]);
}
