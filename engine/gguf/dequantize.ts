import { float16BitsToFloat32 } from '../safetensors/float16';

// Dequantisation of the ggml types the engine loads, exactly as ggml's reference (and gguf-py's
// numpy) code does it. Every product and sum below is exact in float32 (an f16 scale times a small
// integer), so the results are bit-identical to theirs.

/** The types `dequantize` understands, by ggml name. */
export const DEQUANTIZABLE_TYPES = ['F32', 'F16', 'BF16', 'Q8_0', 'Q4_0', 'Q4_1'] as const;
export type DequantizableType = (typeof DEQUANTIZABLE_TYPES)[number];

export function isDequantizable(type: string): type is DequantizableType {
  return (DEQUANTIZABLE_TYPES as readonly string[]).includes(type);
}

let halfTable: Float32Array | undefined;
/** All 65536 half-precision values as float32, built once: a lookup beats decoding each one. */
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16BitsToFloat32(bits);
  }
  return halfTable;
}

/** Turns `count` elements of `type` stored in `bytes` into float32. */
export function dequantize(type: DequantizableType, bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (type) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'F16': {
      const table = halves();
      for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, true)];
      return out;
    }
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'Q8_0':
      return dequantizeQ8_0(bytes, view, out);
    case 'Q4_0':
      return dequantizeQ4(bytes, view, out, 18, false);
    case 'Q4_1':
      return dequantizeQ4(bytes, view, out, 20, true);
  }
}

/** Q8_0: blocks of 32 — f16 scale d, then 32 int8 q; x = d·q. */
function dequantizeQ8_0(bytes: Uint8Array, view: DataView, out: Float32Array): Float32Array {
  const table = halves();
  for (let block = 0; block < out.length / 32; block++) {
    const base = block * 34;
    const d = table[view.getUint16(base, true)];
    for (let j = 0; j < 32; j++) out[block * 32 + j] = d * ((bytes[base + 2 + j] << 24) >> 24);
  }
  return out;
}

/**
 * Q4_0 (18-byte blocks): f16 d, 16 bytes of nibbles; x = d·(q − 8).
 * Q4_1 (20-byte blocks): f16 d, f16 m, 16 bytes of nibbles; x = d·q + m.
 * Byte j holds element j in its low nibble and element j + 16 in its high nibble.
 */
function dequantizeQ4(
  bytes: Uint8Array,
  view: DataView,
  out: Float32Array,
  blockBytes: number,
  withMin: boolean,
): Float32Array {
  const table = halves();
  const quantsAt = withMin ? 4 : 2;
  for (let block = 0; block < out.length / 32; block++) {
    const base = block * blockBytes;
    const d = table[view.getUint16(base, true)];
    const m = withMin ? table[view.getUint16(base + 2, true)] : 0;
    const first = block * 32;
    for (let j = 0; j < 16; j++) {
      const byte = bytes[base + quantsAt + j];
      if (withMin) {
        out[first + j] = d * (byte & 0x0f) + m;
        out[first + j + 16] = d * (byte >> 4) + m;
      } else {
        out[first + j] = d * ((byte & 0x0f) - 8);
        out[first + j + 16] = d * ((byte >> 4) - 8);
      }
    }
  }
  return out;
}
