import * as ort from 'onnxruntime-node';

/**
 * The chosen rows (first axis) of a float32 or int64 tensor, copied into a new tensor in the order
 * given. Rows are contiguous, so each is one block copy.
 */
export function keepRows(tensor: ort.Tensor, rows: readonly number[]): ort.Tensor {
  const [, ...rest] = tensor.dims;
  const width = rest.reduce((p, d) => p * d, 1);
  const dims = [rows.length, ...rest];
  if (tensor.type === 'float32') {
    const from = tensor.data as Float32Array;
    const to = new Float32Array(rows.length * width);
    rows.forEach((row, i) => to.set(from.subarray(row * width, (row + 1) * width), i * width));
    return new ort.Tensor('float32', to, dims);
  }
  if (tensor.type === 'int64') {
    const from = tensor.data as BigInt64Array;
    const to = new BigInt64Array(rows.length * width);
    rows.forEach((row, i) => to.set(from.subarray(row * width, (row + 1) * width), i * width));
    return new ort.Tensor('int64', to, dims);
  }
  throw new Error(`keepRows handles float32 and int64 tensors, not ${tensor.type}.`);
}
