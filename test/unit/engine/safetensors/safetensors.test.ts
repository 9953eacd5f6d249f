import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsFile,
  tensorFromArray,
  toFloat32Array,
  toTypedArray,
  writeSafetensorsFile,
  float32ToFloat16Bits,
  float32ToBfloat16Bits,
} from '../../../../engine/safetensors';

/** Builds a file by hand from a header object and raw data, as the public format describes it. */
function handmade(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  return Buffer.concat([prefix, json, Buffer.from(data)]);
}

describe('safetensors', () => {
  test('reads a file written by hand per the format', () => {
    const floats = new Float32Array([1.5, -2, 0.25, 8]);
    const bytes = handmade(
      { __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } },
      new Uint8Array(floats.buffer),
    );
    const read = decodeSafetensors(bytes);
    assert.deepEqual(read.metadata, { format: 'pt' });
    assert.deepEqual(read.tensors.get('w')?.shape, [2, 2]);
    assert.deepEqual([...toFloat32Array('w', read.tensors.get('w')!)], [1.5, -2, 0.25, 8]);
  });

  test('writes the documented layout: u64 LE header length, JSON header, aligned data', () => {
    const bytes = encodeSafetensors({ b: tensorFromArray('b', new Int32Array([7, -1]), [2]) }, { note: 'x' });
    const length = Number(bytes.readBigUInt64LE(0));
    assert.equal(length % 8, 0);
    const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
    assert.deepEqual(header, { __metadata__: { note: 'x' }, b: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } });
    assert.equal(bytes.length, 8 + length + 8);
    assert.equal(bytes.readInt32LE(8 + length), 7);
    assert.equal(bytes.readInt32LE(8 + length + 4), -1);
  });

  test('round trips every common dtype through a buffer and through a file', () => {
    const tensors = {
      f32: tensorFromArray('f32', new Float32Array([0.1, -3.5, 1e-20, 6e4, Infinity, -0]), [2, 3]),
      f64: tensorFromArray('f64', new Float64Array([Math.PI, -1e300]), [2]),
      i32: tensorFromArray('i32', new Int32Array([2147483647, -2147483648, 0]), [3]),
      i64: tensorFromArray('i64', new BigInt64Array([9007199254740993n, -5n]), [2, 1]),
      u8: tensorFromArray('u8', new Uint8Array([0, 255, 17]), [3]),
      f16: tensorFromArray('f16', new Float32Array([1, -2.5, 65504, 0.000061035156]), [4], 'F16'),
      bf16: tensorFromArray('bf16', new Float32Array([1, -2.5, 3.0e38, 0.1]), [2, 2], 'BF16'),
      scalar: tensorFromArray('scalar', new Float32Array([42]), []),
      empty: tensorFromArray('empty', new Float32Array(0), [0, 5]),
    };
    const metadata = { step: '12', config: '{"a":1}' };
    const fromBuffer = decodeSafetensors(encodeSafetensors(tensors, metadata));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));
    try {
      const file = path.join(dir, 'model.safetensors');
      const written = writeSafetensorsFile(file, tensors, metadata);
      assert.equal(fs.statSync(file).size, written);
      assert.deepEqual(fs.readFileSync(file), encodeSafetensors(tensors, metadata));
      const fromFile = readSafetensorsFile(file);
      for (const read of [fromBuffer, fromFile]) {
        assert.deepEqual(read.metadata, metadata);
        assert.deepEqual([...read.tensors.keys()].sort(), Object.keys(tensors).sort());
        for (const [name, original] of Object.entries(tensors)) {
          const got = read.tensors.get(name)!;
          assert.equal(got.dtype, original.dtype, name);
          assert.deepEqual(got.shape, original.shape, name);
          assert.deepEqual(Buffer.from(got.data), Buffer.from(original.data), name);
        }
      }
      assert.deepEqual(
        [...(toTypedArray('i64', fromFile.tensors.get('i64')!) as BigInt64Array)],
        [9007199254740993n, -5n],
      );
      assert.deepEqual([...toFloat32Array('f16', fromFile.tensors.get('f16')!)], [1, -2.5, 65504, 0.00006103515625]);
      assert.deepEqual([...toFloat32Array('bf16', fromFile.tensors.get('bf16')!)].slice(0, 2), [1, -2.5]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('16-bit conversions match known bit patterns', () => {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001);
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie rounds to even
    assert.equal(float32ToBfloat16Bits(1), 0x3f80);
    assert.equal(float32ToBfloat16Bits(-2), 0xc000);
    assert.equal(float32ToBfloat16Bits(0.1), 0x3dcd);
  });

  test('same tensors in any insertion order give identical bytes', () => {
    const a = tensorFromArray('a', new Float32Array([1]), [1]);
    const b = tensorFromArray('b', new Float32Array([2, 3]), [2]);
    assert.deepEqual(
      encodeSafetensors({ a, b }),
      encodeSafetensors(
        new Map([
          ['b', b],
          ['a', a],
        ]),
      ),
    );
  });

  describe('refuses malformed input with a clear error', () => {
    const f32x2 = new Uint8Array(new Float32Array([1, 2]).buffer);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['a file shorter than the length prefix', Buffer.from([1, 0, 0]), /shorter than the 8-byte header length prefix/],
      [
        'a header length beyond the file',
        handmade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32x2, 4096n),
        /larger than the \d+ bytes that follow/,
      ],
      ['an oversized header length', handmade({}, new Uint8Array(0), 1n << 40n), /exceeds the limit/],
      ['a zero header length', handmade('', new Uint8Array(0)), /header length is 0/],
      ['a header that is not JSON', handmade('{"w": [', new Uint8Array(0)), /not valid JSON/],
      ['a header that is not an object', handmade('[1,2]', new Uint8Array(0)), /does not start with "\{"/],
      [
        'an unknown dtype',
        handmade({ w: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, f32x2),
        /tensor "w" has unknown dtype "F33"/,
      ],
      [
        'a negative dimension',
        handmade({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32x2),
        /tensor "w" has shape \[-2\]/,
      ],
      [
        'offsets that disagree with the shape',
        handmade({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32x2),
        /spans 8 bytes .* needs 12/,
      ],
      [
        'end before begin',
        handmade({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32x2),
        /end before begin/,
      ],
      [
        'overlapping offsets',
        handmade(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32x2,
        ),
        /overlaps tensor "a"/,
      ],
      [
        'out-of-bounds offsets (truncated data)',
        handmade({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32x2),
        /ends at byte 16 .* only has 8 bytes/,
      ],
      [
        'a hole between tensors',
        handmade({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32x2),
        /unused gap of 4 bytes before tensor "w"/,
      ],
      [
        'trailing bytes after the last tensor',
        handmade({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32x2),
        /cover only 4/,
      ],
      ['non-string metadata', handmade({ __metadata__: { step: 3 } }), /metadata key "step" must be a string/],
    ];
    for (const [what, bytes, message] of cases) {
      test(what, () => {
        assert.throws(() => decodeSafetensors(bytes), message);
      });
    }

    test('a truncated file on disk', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));
      try {
        const file = path.join(dir, 'cut.safetensors');
        const whole = encodeSafetensors({ w: tensorFromArray('w', new Float32Array(64), [8, 8]) });
        fs.writeFileSync(file, whole.subarray(0, whole.length - 10));
        assert.throws(
          () => readSafetensorsFile(file),
          /cut\.safetensors.*tensor "w" ends at byte 256 .* only has 246 bytes/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the header size limit is configurable', () => {
      const bytes = encodeSafetensors({ w: tensorFromArray('w', new Float32Array(2), [2]) });
      assert.throws(() => decodeSafetensors(bytes, { maxHeaderBytes: 16 }), /exceeds the limit of 16 bytes/);
    });

    test('the writer refuses data that disagree with the shape', () => {
      assert.throws(
        () => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Uint8Array(8) } }),
        /"w" holds 8 bytes .* needs 12/,
      );
    });
  });
});
