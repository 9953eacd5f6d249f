import { dtypeByteWidth, type SafetensorsDType } from './dtypes';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './float16';

/**
 * One tensor as stored in a safetensors file: its element type, its shape and its raw
 * little-endian bytes (row-major). Keeping raw bytes means any dtype round-trips exactly,
 * including ones this engine never computes with.
 */
export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: Uint8Array;
}

/** The typed arrays that map one-to-one onto a safetensors dtype. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

function assertShapeMatches(name: string, shape: readonly number[], length: number): void {
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new Error(
        `Tensor "${name}" has an invalid shape [${shape.join(', ')}]: every dimension must be a non-negative integer.`,
      );
    }
  }
  if (elementCount(shape) !== length) {
    throw new Error(
      `Tensor "${name}" has ${length} elements but its shape [${shape.join(', ')}] needs ${elementCount(shape)}.`,
    );
  }
}

// The format is little-endian; every platform Node supports in practice is too, but refuse
// silently wrong bytes on a big-endian host rather than assume.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('safetensors support needs a little-endian host.');
}

function bytesOf(array: NumericArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Wraps a typed array (copied) as a safetensors tensor of the matching dtype. */
export function tensorFromArray(
  name: string,
  array: NumericArray,
  shape: readonly number[],
  dtype?: SafetensorsDType,
): SafetensorsTensor {
  assertLittleEndianHost();
  assertShapeMatches(name, shape, array.length);
  const natural = naturalDtype(array);
  const chosen = dtype ?? natural;
  if (chosen === natural) return { dtype: chosen, shape: [...shape], data: bytesOf(array).slice() };
  if ((chosen === 'F16' || chosen === 'BF16') && (array instanceof Float32Array || array instanceof Float64Array)) {
    const bits = new Uint16Array(array.length);
    const convert = chosen === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
    for (let i = 0; i < array.length; i++) bits[i] = convert(array[i]);
    return { dtype: chosen, shape: [...shape], data: bytesOf(bits) };
  }
  if (chosen === 'F32' && array instanceof Float64Array) {
    return { dtype: chosen, shape: [...shape], data: bytesOf(Float32Array.from(array)) };
  }
  throw new Error(`Tensor "${name}": cannot store a ${array.constructor.name} as ${chosen}.`);
}

function naturalDtype(array: NumericArray): SafetensorsDType {
  if (array instanceof Float32Array) return 'F32';
  if (array instanceof Float64Array) return 'F64';
  if (array instanceof Int32Array) return 'I32';
  if (array instanceof BigInt64Array) return 'I64';
  if (array instanceof Uint8Array) return 'U8';
  if (array instanceof Int8Array) return 'I8';
  if (array instanceof Int16Array) return 'I16';
  if (array instanceof Uint16Array) return 'U16';
  if (array instanceof Uint32Array) return 'U32';
  return 'U64';
}

/** Copies the raw bytes into a fresh, correctly aligned buffer (views into a file need not be aligned). */
function alignedCopy(t: SafetensorsTensor): ArrayBuffer {
  const copy = new Uint8Array(t.data.byteLength);
  copy.set(t.data);
  return copy.buffer;
}

/**
 * The tensor's values as float32, converting from F16/BF16/F64 where needed.
 * Integer tensors are refused: silently turning token ids into floats hides bugs.
 */
export function toFloat32Array(name: string, t: SafetensorsTensor): Float32Array {
  assertLittleEndianHost();
  const count = elementCount(t.shape);
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(alignedCopy(t));
    case 'F64':
      return Float32Array.from(new Float64Array(alignedCopy(t)));
    case 'F16':
    case 'BF16': {
      const bits = new Uint16Array(alignedCopy(t));
      const out = new Float32Array(count);
      const convert = t.dtype === 'F16' ? float16BitsToFloat32 : bfloat16BitsToFloat32;
      for (let i = 0; i < count; i++) out[i] = convert(bits[i]);
      return out;
    }
    default:
      throw new Error(`Tensor "${name}" has dtype ${t.dtype}, which is not a floating-point type.`);
  }
}

/** The tensor's values in the typed array of its own dtype (F16/BF16 come back as raw Uint16 bits). */
export function toTypedArray(name: string, t: SafetensorsTensor): NumericArray {
  assertLittleEndianHost();
  const buffer = alignedCopy(t);
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(buffer);
    case 'F64':
      return new Float64Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'U8':
    case 'BOOL':
    case 'F8_E4M3':
    case 'F8_E5M2':
      return new Uint8Array(buffer);
    case 'I8':
      return new Int8Array(buffer);
    case 'I16':
      return new Int16Array(buffer);
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer);
    case 'U32':
      return new Uint32Array(buffer);
    case 'U64':
      return new BigUint64Array(buffer);
  }
  throw new Error(`Tensor "${name}" has an unsupported dtype.`);
}

export function expectedByteLength(t: Pick<SafetensorsTensor, 'dtype' | 'shape'>): number {
  return elementCount(t.shape) * dtypeByteWidth(t.dtype);
}
