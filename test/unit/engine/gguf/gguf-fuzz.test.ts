// Hostile GGUF headers — random bytes, mutations of a real header, lying counts and string
// lengths — are refused with an Error naming the file, never a crash, a hang, or an allocation
// of the size a length field claims.
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { assertNoLargeAllocation, check, judge } from '../../fuzz-helpers';
import { fixture, readHeader } from './gguf-helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r1flow-gguf-fuzz-'));
const file = path.join(dir, 'fuzz.gguf');
const expected = { plainErrorMentions: `GGUF file ${file}` };
const valid = fs.readFileSync(fixture('metadata-types.gguf'));

function parse(bytes: Uint8Array): void {
  fs.writeFileSync(file, bytes);
  judge(() => readHeader(file), expected);
}

test('GGUF: random bytes and mutations of a real header', () => {
  check(fc.uint8Array({ maxLength: 200 }), (bytes) => parse(Buffer.concat([Buffer.from('GGUF'), bytes])));
  check(
    fc.array(fc.tuple(fc.nat(Math.min(valid.length, 4096) - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    }),
    (edits) => {
      const bytes = Buffer.from(valid);
      for (const [at, value] of edits) bytes[at] = value;
      parse(bytes);
    },
  );
});

test('GGUF: lying tensor counts, key counts and string lengths allocate nothing of their size', () => {
  const u64 = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(2n ** 63n, 2n ** 40n, 2n ** 32n, 1n),
  );
  check(
    fc.tuple(u64, u64, u64, fc.uint8Array({ maxLength: 32 })),
    ([tensors, keys, keyLength, rest]) => {
      const head = Buffer.alloc(4 + 4 + 8 + 8 + 8);
      head.write('GGUF', 0, 'latin1');
      head.writeUInt32LE(3, 4);
      head.writeBigUInt64LE(tensors, 8);
      head.writeBigUInt64LE(keys, 16);
      head.writeBigUInt64LE(keyLength, 24);
      assertNoLargeAllocation(() => parse(Buffer.concat([head, rest])));
    },
    200,
  );
});
