import fs from 'node:fs';
import { GGML_TYPES, GGUF_VALUE_TYPES, type GgmlType, type GgufValueType } from './ggml-types';
import { HeaderCursor } from './header-cursor';

// GGUF, as llama.cpp's ggml/docs/gguf.md specifies it (little-endian, versions 2 and 3):
//   magic "GGUF" · u32 version · u64 tensor count · u64 metadata count
//   metadata: (string key, u32 value type, value)*      strings are u64 length + UTF-8
//   tensor table: (string name, u32 n_dims, u64 dims[n_dims], u32 ggml type, u64 offset)*
//   padding to `general.alignment` (default 32), then the tensor data; offsets are relative to it.

export type GgufScalar = number | bigint | boolean | string;
export type GgufValue = GgufScalar | GgufValue[];

export interface GgufMetadataEntry {
  type: GgufValueType;
  /** for arrays: the type of their elements */
  elementType?: GgufValueType;
  /** 64-bit integers are bigints, every other number a number */
  value: GgufValue;
}

export interface GgufTensorInfo {
  name: string;
  /** ggml's order: dims[0] varies fastest (for a Linear weight: [in, out]) */
  dims: number[];
  /** the ggml type number, and its name and block layout */
  typeId: number;
  type: GgmlType;
  elementCount: number;
  /** absolute position of the data in the file */
  offset: number;
  byteLength: number;
}

export interface GgufHeader {
  file: string;
  fileSize: number;
  version: number;
  alignment: number;
  metadata: ReadonlyMap<string, GgufMetadataEntry>;
  tensors: readonly GgufTensorInfo[];
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const DEFAULT_ALIGNMENT = 32;
/** GGML_MAX_DIMS */
const MAX_DIMS = 4;
/** gguf.md: keys are at most 65535 bytes; ggml names at most 63 (we allow more, never unbounded). */
const MAX_KEY_BYTES = 65_535;
/** A metadata string longer than this (a chat template is ~10 kB) is a corrupt length field. */
const MAX_STRING_BYTES = 16 << 20;
/** Arrays of arrays are legal; deeper nesting than this is a corrupt file. */
const MAX_ARRAY_DEPTH = 4;

/** Smallest encoding of one value of a type, to check a count against the bytes left. */
const MIN_VALUE_BYTES: Record<GgufValueType, number> = {
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  UINT32: 4,
  INT32: 4,
  FLOAT32: 4,
  BOOL: 1,
  STRING: 8,
  ARRAY: 12,
  UINT64: 8,
  INT64: 8,
  FLOAT64: 8,
};

/** Reads a GGUF file's header, metadata and tensor table from an open file; no tensor data is read. */
export function readGgufHeader(fd: number, file: string): GgufHeader {
  const fileSize = fs.fstatSync(fd).size;
  const cursor = new HeaderCursor(fd, fileSize, file);
  if (fileSize < 4) throw cursor.error(`it has ${fileSize} bytes, too few for the GGUF magic`);
  const magic = cursor.u32('the magic');
  if (magic !== MAGIC) {
    throw cursor.error(
      `it does not start with the GGUF magic "GGUF" (its first bytes are 0x${magic.toString(16).padStart(8, '0')} as a little-endian u32), so it is not a GGUF file`,
    );
  }
  const version = cursor.u32('the version');
  if (version === 0x02000000 || version === 0x03000000)
    throw cursor.error('it is a big-endian GGUF file, which is not supported');
  if (version !== 2 && version !== 3)
    throw cursor.error(`it has GGUF version ${version}; versions 2 and 3 are supported`);

  const tensorCount = cursor.u64Count('the tensor count', Math.floor(cursor.remaining / 24));
  const metadataCount = cursor.u64Count('the metadata count', Math.floor(cursor.remaining / 13));

  const metadata = new Map<string, GgufMetadataEntry>();
  for (let i = 0; i < metadataCount; i++) {
    const key = cursor.string(`the key of metadata entry ${i}`, MAX_KEY_BYTES);
    if (metadata.has(key)) throw cursor.error(`metadata key "${key}" appears twice`);
    const what = `metadata entry "${key}"`;
    const type = valueType(cursor, what);
    if (type === 'ARRAY') {
      const { elementType, values } = readArray(cursor, what, 1);
      metadata.set(key, { type, elementType, value: values });
    } else {
      metadata.set(key, { type, value: readValue(cursor, type, what, 1) });
    }
  }

  const alignment = alignmentOf(metadata, cursor);
  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = cursor.string(`the name of tensor ${i}`, MAX_KEY_BYTES);
    if (names.has(name)) throw cursor.error(`tensor "${name}" appears twice in the tensor table`);
    names.add(name);
    const what = `tensor "${name}"`;
    const nDims = cursor.u32(`the dimension count of ${what}`);
    if (nDims < 1 || nDims > MAX_DIMS)
      throw cursor.error(`${what} has ${nDims} dimensions; GGUF tensors have 1 to ${MAX_DIMS}`);
    const dims: number[] = [];
    let elementCount = 1;
    for (let d = 0; d < nDims; d++) {
      const dim = cursor.u64Count(`dimension ${d} of ${what}`, Number.MAX_SAFE_INTEGER);
      if (dim < 1) throw cursor.error(`${what} has dimension ${d} of size 0`);
      elementCount *= dim;
      if (elementCount > Number.MAX_SAFE_INTEGER)
        throw cursor.error(`${what} has an absurd shape [${dims}, ${dim}, …]`);
      dims.push(dim);
    }
    const typeId = cursor.u32(`the type of ${what}`);
    const type = GGML_TYPES.get(typeId);
    if (!type) throw cursor.error(`${what} has unknown ggml type ${typeId}`);
    if (dims[0] % type.blockSize !== 0)
      throw cursor.error(
        `${what} of type ${type.name} has rows of ${dims[0]} elements, not a multiple of its block size ${type.blockSize}`,
      );
    const offset = cursor.u64Count(`the data offset of ${what}`, fileSize);
    if (offset % alignment !== 0)
      throw cursor.error(`${what} has data offset ${offset}, not a multiple of the alignment ${alignment}`);
    const byteLength = (elementCount / type.blockSize) * type.blockBytes;
    tensors.push({ name, dims, typeId, type, elementCount, offset, byteLength });
  }

  const dataStart = Math.ceil(cursor.position / alignment) * alignment;
  cursor.seek(dataStart);
  for (const tensor of tensors) {
    tensor.offset += dataStart;
    if (tensor.offset + tensor.byteLength > fileSize) {
      throw cursor.error(
        `it is truncated: tensor "${tensor.name}" needs bytes ${tensor.offset} to ${tensor.offset + tensor.byteLength}, but the file ends at byte ${fileSize}`,
      );
    }
  }
  return { file, fileSize, version, alignment, metadata, tensors };
}

function valueType(cursor: HeaderCursor, what: string): GgufValueType {
  const at = cursor.position;
  const id = cursor.u32(`the value type of ${what}`);
  const type = GGUF_VALUE_TYPES[id];
  if (type === undefined) throw cursor.error(`${what} has unknown value type ${id} (at byte ${at})`);
  return type;
}

function readArray(
  cursor: HeaderCursor,
  what: string,
  depth: number,
): { elementType: GgufValueType; values: GgufValue[] } {
  if (depth > MAX_ARRAY_DEPTH) throw cursor.error(`${what} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
  const elementType = valueType(cursor, `the elements of ${what}`);
  const count = cursor.u64Count(
    `the element count of ${what}`,
    Math.floor(cursor.remaining / MIN_VALUE_BYTES[elementType]),
  );
  const values: GgufValue[] = new Array(count);
  for (let i = 0; i < count; i++) {
    values[i] =
      elementType === 'ARRAY'
        ? readArray(cursor, `${what}[${i}]`, depth + 1).values
        : readValue(cursor, elementType, what, depth);
  }
  return { elementType, values };
}

function readValue(cursor: HeaderCursor, type: GgufValueType, what: string, depth: number): GgufValue {
  switch (type) {
    case 'UINT8':
      return cursor.u8(what);
    case 'INT8':
      return cursor.i8(what);
    case 'UINT16':
      return cursor.u16(what);
    case 'INT16':
      return cursor.i16(what);
    case 'UINT32':
      return cursor.u32(what);
    case 'INT32':
      return cursor.i32(what);
    case 'FLOAT32':
      return cursor.f32(what);
    case 'FLOAT64':
      return cursor.f64(what);
    case 'UINT64':
      return cursor.u64(what);
    case 'INT64':
      return cursor.i64(what);
    case 'BOOL': {
      const at = cursor.position;
      const byte = cursor.u8(what);
      if (byte > 1) throw cursor.error(`${what} is a bool stored as ${byte} at byte ${at}, not 0 or 1`);
      return byte === 1;
    }
    case 'STRING':
      return cursor.string(what, MAX_STRING_BYTES);
    case 'ARRAY':
      return readArray(cursor, what, depth + 1).values;
  }
}

function alignmentOf(metadata: ReadonlyMap<string, GgufMetadataEntry>, cursor: HeaderCursor): number {
  const entry = metadata.get('general.alignment');
  if (!entry) return DEFAULT_ALIGNMENT;
  const value = entry.value;
  if (entry.type !== 'UINT32' || typeof value !== 'number' || value === 0 || (value & (value - 1)) !== 0)
    throw cursor.error(
      `metadata "general.alignment" must be a power-of-two UINT32, not ${entry.type} ${String(value)}`,
    );
  return value;
}
