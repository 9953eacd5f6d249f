import fs from 'node:fs';
import { expectedByteLength, type SafetensorsTensor } from './tensor';

/** Tensors by name; a Map keeps caller order irrelevant because names are sorted on write. */
export type SafetensorsEntries = Map<string, SafetensorsTensor> | Record<string, SafetensorsTensor>;

/** Free-form string metadata stored under `__metadata__`. */
export type SafetensorsMetadata = Record<string, string>;

interface EncodedLayout {
  headerBytes: Buffer; // length prefix + padded JSON
  ordered: Array<[string, SafetensorsTensor]>;
  totalBytes: number;
}

function entriesOf(tensors: SafetensorsEntries): Array<[string, SafetensorsTensor]> {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
}

/**
 * Lays the file out: tensors in name order (so the same tensors always give the same bytes),
 * JSON header padded with spaces to a multiple of 8 so every tensor starts 8-byte aligned.
 */
function layout(tensors: SafetensorsEntries, metadata?: SafetensorsMetadata): EncodedLayout {
  const ordered = entriesOf(tensors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string')
        throw new Error(`Metadata key "${key}" must map to a string, got ${typeof value}.`);
    }
    header.__metadata__ = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  let offset = 0;
  for (const [name, tensor] of ordered) {
    if (name === '__metadata__')
      throw new Error('A tensor may not be named "__metadata__"; that key is reserved for metadata.');
    if (name.length === 0) throw new Error('Tensor names must not be empty.');
    const expected = expectedByteLength(tensor);
    if (tensor.data.byteLength !== expected) {
      throw new Error(
        `Tensor "${name}" holds ${tensor.data.byteLength} bytes but dtype ${tensor.dtype} with shape [${tensor.shape.join(', ')}] needs ${expected}.`,
      );
    }
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const headerBytes = Buffer.alloc(8 + padded, 0x20);
  headerBytes.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(headerBytes, 8);
  return { headerBytes, ordered, totalBytes: headerBytes.length + offset };
}

/** Serialises tensors (and optional metadata) to one in-memory safetensors buffer. */
export function encodeSafetensors(tensors: SafetensorsEntries, metadata?: SafetensorsMetadata): Buffer {
  const { headerBytes, ordered, totalBytes } = layout(tensors, metadata);
  const out = Buffer.allocUnsafe(totalBytes);
  headerBytes.copy(out, 0);
  let position = headerBytes.length;
  for (const [, tensor] of ordered) {
    out.set(tensor.data, position);
    position += tensor.data.byteLength;
  }
  return out;
}

/**
 * Writes a safetensors file tensor by tensor (no full in-memory copy), to a temporary name
 * first and renamed at the end, so a crash never leaves a half-written file under `path`.
 */
export function writeSafetensorsFile(
  path: string,
  tensors: SafetensorsEntries,
  metadata?: SafetensorsMetadata,
): number {
  const { headerBytes, ordered, totalBytes } = layout(tensors, metadata);
  const temporary = `${path}.partial-${process.pid}`;
  const fd = fs.openSync(temporary, 'w');
  try {
    writeAll(fd, headerBytes);
    for (const [, tensor] of ordered) writeAll(fd, tensor.data);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(temporary, path);
  return totalBytes;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) {
    written += fs.writeSync(fd, bytes, written, bytes.byteLength - written);
  }
}
