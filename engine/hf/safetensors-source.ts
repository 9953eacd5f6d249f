// The tensors of one or more safetensors files as a TensorSource: headers are read up front, data
// one tensor at a time (read, widen to float32, let the bytes go), so loading a model never holds
// a shard, let alone two copies of the weights.

import fs from 'node:fs';
import path from 'node:path';
import { float16BitsToFloat32, readExactly, readSafetensorsHeader, type SafetensorsEntry } from '../safetensors';
import type { SourceDType, TensorInfo, TensorSource } from './model-files';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

interface Located extends SafetensorsEntry {
  file: string;
}

/**
 * Opens safetensors files for tensor-by-tensor reading. Every header is checked first (a
 * truncated file, a dtype other than F32/F16/BF16, a tensor in two files), each error one
 * sentence naming the file.
 */
export function openSafetensorsSource(files: readonly string[]): TensorSource {
  const byName = new Map<string, Located>();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`Safetensors file ${file} does not exist.`);
    for (const entry of readSafetensorsHeader(file).entries) {
      if (!FLOAT_DTYPES.has(entry.dtype))
        throw new Error(
          `Safetensors file ${file}: tensor "${entry.name}" has dtype ${entry.dtype}; only F32, F16 and BF16 weights can be loaded.`,
        );
      const earlier = byName.get(entry.name);
      if (earlier)
        throw new Error(`Safetensors file ${file}: tensor "${entry.name}" is also in ${path.basename(earlier.file)}.`);
      byName.set(entry.name, { ...entry, file });
    }
  }
  const handles = new Map<string, number>();
  const fd = (file: string) => {
    let handle = handles.get(file);
    if (handle === undefined) {
      handle = fs.openSync(file, 'r');
      handles.set(file, handle);
    }
    return handle;
  };
  return {
    list(): TensorInfo[] {
      return [...byName.values()].map((e) => ({ name: e.name, dtype: e.dtype as SourceDType, shape: [...e.shape] }));
    },
    async load(name: string): Promise<Float32Array> {
      const entry = byName.get(name);
      if (!entry) throw new Error(`No safetensors file of this model holds tensor "${name}".`);
      // A fresh Uint8Array is aligned, so F32 data is used in place, without a second copy.
      const bytes = new Uint8Array(entry.byteLength);
      readExactly(fd(entry.file), bytes, entry.offset);
      return widen(entry.dtype, bytes);
    },
    async close(): Promise<void> {
      for (const handle of handles.values()) fs.closeSync(handle);
      handles.clear();
    },
  };
}

function widen(dtype: string, bytes: Uint8Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  const bits = new Uint16Array(bytes.buffer, 0, bytes.byteLength / 2);
  const out = new Float32Array(bits.length);
  if (dtype === 'BF16') {
    // bf16 is the top half of a float32: shift the bits into place.
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) u32[i] = bits[i] << 16;
  } else for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}
