// Hostile safetensors bytes — random, mutated from a valid file, or with lying length fields and
// offsets — are refused with an Error naming the source, never a crash, a hang, or an allocation
// of the size a header claims.
import fc from 'fast-check';
import { test } from 'node:test';
import { decodeSafetensors, encodeSafetensors, tensorFromArray } from '../../../../engine/safetensors';
import { assertNoLargeAllocation, check, hostileJson, judge } from '../../fuzz-helpers';

const expected = { plainErrorMentions: 'Invalid safetensors fuzz' };
const valid = encodeSafetensors(
  new Map([
    ['w', tensorFromArray('w', new Float32Array([1, 2, 3, 4]), [2, 2])],
    ['b', tensorFromArray('b', new Int32Array([1, 2, 3]), [3])],
  ]),
  { format: 'pt' },
);

function withHeader(header: unknown, data: Uint8Array, length?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(header) ?? 'null');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(json.length));
  return Buffer.concat([prefix, json, data]);
}

test('safetensors: random bytes and mutations of a valid file', () => {
  check(fc.uint8Array({ maxLength: 256 }), (bytes) => judge(() => decodeSafetensors(bytes, {}, 'fuzz'), expected));
  check(
    fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    (edits) => {
      const bytes = Buffer.from(valid);
      for (const [at, value] of edits) bytes[at] = value;
      judge(() => decodeSafetensors(bytes, {}, 'fuzz'), expected);
    },
  );
});

test('safetensors: headers with hostile entries, shapes and offsets', () => {
  const entry = fc.record({
    dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'F64', 'X'), hostileJson),
    shape: fc.oneof(
      fc.array(fc.oneof(fc.nat(), fc.constantFrom(-1, 2 ** 31, 2 ** 53, 1e300)), { maxLength: 4 }),
      hostileJson,
    ),
    data_offsets: fc.oneof(
      fc.tuple(fc.nat(64), fc.nat(64)),
      fc.tuple(fc.constantFrom(0, 2 ** 53, -8), fc.constantFrom(2 ** 40, 2 ** 62)),
    ),
  });
  check(
    fc.tuple(fc.dictionary(fc.string({ maxLength: 8 }), entry, { maxKeys: 3 }), fc.uint8Array({ maxLength: 64 })),
    ([header, data]) =>
      assertNoLargeAllocation(() => judge(() => decodeSafetensors(withHeader(header, data), {}, 'fuzz'), expected)),
  );
});

test('safetensors: a header length field larger than the file allocates nothing of its size', () => {
  for (const length of [2n ** 63n, 2n ** 40n, 100_000_001n, 50_000n])
    assertNoLargeAllocation(() =>
      judge(() => decodeSafetensors(withHeader({}, new Uint8Array(0), length), {}, 'fuzz'), expected),
    );
});
