import fs from 'node:fs';
import path from 'node:path';
import { readGgufHeader, type GgufHeader } from '../../../../engine/gguf';
import { readSafetensorsFile, toFloat32Array } from '../../../../engine/safetensors';

export const ggufFixtures = path.resolve(import.meta.dirname, '../../../fixtures/gguf');
export const fixture = (name: string): string => path.join(ggufFixtures, name);

export function readHeader(file: string): GgufHeader {
  const fd = fs.openSync(file, 'r');
  try {
    return readGgufHeader(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** A reference .safetensors file written by make_fixtures.py, as float32 arrays by name. */
export function readReference(name: string): Map<string, { shape: number[]; data: Float32Array }> {
  const contents = readSafetensorsFile(fixture(name));
  return new Map(
    [...contents.tensors].map(([key, tensor]) => [key, { shape: tensor.shape, data: toFloat32Array(key, tensor) }]),
  );
}

/** Bit-exact comparison, so NaN, -0 and every last ulp count. */
export function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
