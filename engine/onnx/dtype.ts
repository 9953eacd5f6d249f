// Element types the engine uses, with their ONNX TensorProto codes and JS array types.

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8' | 'float16';

export const ONNX_DTYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

export function isFloatType(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

export type FloatArray = Float32Array | Float64Array;

/** Little-endian raw bytes of numeric values in the given dtype (for initializers and constants). */
export function encodeValues(dtype: DType, values: ArrayLike<number> | ArrayLike<bigint>): Uint8Array {
  const n = values.length;
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values as ArrayLike<number>).buffer);
    case 'float64':
      return new Uint8Array(Float64Array.from(values as ArrayLike<number>).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(values as ArrayLike<number>).buffer);
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(values[i]);
      return new Uint8Array(out.buffer);
    }
    case 'bool':
    case 'uint8': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(values[i]) ? (dtype === 'bool' ? 1 : Number(values[i])) : 0;
      return out;
    }
    case 'float16':
      throw new Error('encodeValues: float16 constants are not supported; build them in float32 and Cast.');
  }
}

/** View the bytes of a typed array without copying. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
