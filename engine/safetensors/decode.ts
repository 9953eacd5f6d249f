import fs from 'node:fs';
import { dtypeByteWidth, isSafetensorsDType } from './dtypes';
import { elementCount, type SafetensorsTensor } from './tensor';
import type { SafetensorsMetadata } from './encode';

/** The reference implementation refuses headers above 100 MB; so do we, by default. */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsReadOptions {
  /** Largest JSON header accepted, in bytes. */
  maxHeaderBytes?: number;
}

export interface SafetensorsContents {
  /** Tensors in file order (by data offset). */
  tensors: Map<string, SafetensorsTensor>;
  metadata: SafetensorsMetadata;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsTensor['dtype'];
  shape: number[];
  begin: number;
  end: number;
}

interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: SafetensorsMetadata;
  dataStart: number; // byte position where the data section starts
  dataLength: number; // bytes the data section must hold
}

function fail(source: string, message: string): never {
  throw new Error(`Invalid safetensors ${source}: ${message}`);
}

/** Reads and checks the 8-byte header length prefix against the total size of the input. */
function headerLength(source: string, prefix: Uint8Array, totalBytes: number, maxHeaderBytes: number): number {
  if (totalBytes < 8) fail(source, `it is ${totalBytes} bytes long, shorter than the 8-byte header length prefix.`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(maxHeaderBytes))
    fail(source, `the header length ${length} exceeds the limit of ${maxHeaderBytes} bytes.`);
  if (length === 0n) fail(source, 'the header length is 0; a header must at least be "{}".');
  if (length > BigInt(totalBytes - 8)) {
    fail(
      source,
      `the header length ${length} is larger than the ${totalBytes - 8} bytes that follow the prefix (truncated file?).`,
    );
  }
  return Number(length);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates the JSON header: every field, then that the offsets tile the data section exactly. */
function parseHeader(source: string, headerBytes: Uint8Array, totalBytes: number): ParsedHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail(source, 'the header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) fail(source, 'the header does not start with "{".');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(source, `the header is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail(source, 'the header must be a JSON object.');

  const metadata: SafetensorsMetadata = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail(source, '"__metadata__" must be an object of strings.');
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (typeof item !== 'string')
          fail(source, `metadata key "${key}" must be a string, got ${JSON.stringify(item)}.`);
        metadata[key] = item;
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(source, `tensor "${name}" must be described by an object.`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (!isSafetensorsDType(dtype)) fail(source, `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}.`);
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
      fail(source, `tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers.`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
      fail(
        source,
        `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] non-negative integers.`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(source, `tensor "${name}" has data_offsets [${begin}, ${end}] with end before begin.`);
    const needed = elementCount(shape) * dtypeByteWidth(dtype);
    if (end - begin !== needed) {
      fail(
        source,
        `tensor "${name}" spans ${end - begin} bytes but dtype ${dtype} with shape [${shape.join(', ')}] needs ${needed}.`,
      );
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }

  const dataStart = 8 + headerBytes.byteLength;
  const available = totalBytes - dataStart;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous = '';
  for (const entry of entries) {
    if (entry.end > available) {
      fail(
        source,
        `tensor "${entry.name}" ends at byte ${entry.end} of the data section, which only has ${available} bytes (truncated file?).`,
      );
    }
    if (entry.begin < cursor)
      fail(
        source,
        `tensor "${entry.name}" (data_offsets [${entry.begin}, ${entry.end}]) overlaps tensor "${previous}".`,
      );
    if (entry.begin > cursor)
      fail(source, `there is an unused gap of ${entry.begin - cursor} bytes before tensor "${entry.name}".`);
    cursor = entry.end;
    previous = entry.name;
  }
  if (cursor !== available)
    fail(source, `the data section has ${available} bytes but the tensors cover only ${cursor}.`);
  return { entries, metadata, dataStart, dataLength: cursor };
}

/** Parses a whole safetensors file held in memory. Tensor data are views into `bytes` (no copy). */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: SafetensorsReadOptions = {},
  source = 'buffer',
): SafetensorsContents {
  const max = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const length = headerLength(source, bytes.subarray(0, 8), bytes.byteLength, max);
  const header = parseHeader(source, bytes.subarray(8, 8 + length), bytes.byteLength);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of header.entries) {
    const data = bytes.subarray(header.dataStart + entry.begin, header.dataStart + entry.end);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata: header.metadata };
}

/** Reads and checks the header of an open file (its data section is not touched). */
function readHeaderOf(fd: number, path: string, options: SafetensorsReadOptions): ParsedHeader {
  const source = `file ${path}`;
  const max = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const totalBytes = fs.fstatSync(fd).size;
  const prefix = Buffer.alloc(8);
  if (totalBytes >= 8) readExactly(fd, prefix, 0);
  const length = headerLength(source, prefix, totalBytes, max);
  const headerBytes = Buffer.alloc(length);
  readExactly(fd, headerBytes, 8);
  return parseHeader(source, headerBytes, totalBytes);
}

/**
 * Reads a safetensors file: the header first (so a bad file fails before its data are read),
 * then the data section in one read.
 */
export function readSafetensorsFile(path: string, options: SafetensorsReadOptions = {}): SafetensorsContents {
  const fd = fs.openSync(path, 'r');
  try {
    const header = readHeaderOf(fd, path, options);
    const data = Buffer.alloc(header.dataLength);
    readExactly(fd, data, header.dataStart);
    const tensors = new Map<string, SafetensorsTensor>();
    for (const entry of header.entries) {
      tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: data.subarray(entry.begin, entry.end) });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** Where one tensor's bytes lie in a safetensors file. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsTensor['dtype'];
  shape: number[];
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteLength: number;
}

/**
 * Reads and checks only the header of a safetensors file (the data section is not read), so
 * callers can then load tensors one at a time. A truncated file fails here, naming the tensor
 * that runs past its end.
 */
export function readSafetensorsHeader(
  path: string,
  options: SafetensorsReadOptions = {},
): { entries: SafetensorsEntry[]; metadata: SafetensorsMetadata } {
  const fd = fs.openSync(path, 'r');
  try {
    const header = readHeaderOf(fd, path, options);
    const entries = header.entries.map((e) => ({
      name: e.name,
      dtype: e.dtype,
      shape: e.shape,
      offset: header.dataStart + e.begin,
      byteLength: e.end - e.begin,
    }));
    return { entries, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads `target.length` bytes at `position` of an open file. */
export function readExactly(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const got = fs.readSync(fd, target, done, target.length - done, position + done);
    if (got === 0)
      throw new Error(`Unexpected end of file while reading ${target.length} bytes at position ${position}.`);
    done += got;
  }
}
