import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fixture, readHeader } from './gguf-helpers';

// Fixtures written by gguf-py (test/fixtures/gguf/make_fixtures.py); the references are the values
// that script wrote.

describe('GGUF header reader', () => {
  test('reads a metadata entry of every value type, with its type', () => {
    const header = readHeader(fixture('metadata-types.gguf'));
    const reference = JSON.parse(fs.readFileSync(fixture('metadata-types.reference.json'), 'utf8')) as Record<
      string,
      { type: string; elementType?: string; value: unknown }
    >;
    assert.equal(header.version, 3);
    assert.deepEqual([...header.metadata.keys()], Object.keys(reference));
    const types = new Set<string>();
    for (const [key, expected] of Object.entries(reference)) {
      const entry = header.metadata.get(key)!;
      types.add(entry.type);
      assert.equal(entry.type, expected.type, key);
      assert.equal(entry.elementType, expected.elementType, key);
      const plain = JSON.parse(JSON.stringify(entry.value, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
      if (entry.type === 'FLOAT32') assert.equal(plain, Math.fround(expected.value as number), key);
      else if (entry.type === 'UINT64' || entry.type === 'INT64') assert.equal(plain, String(expected.value), key);
      else assert.deepEqual(plain, expected.value, key);
    }
    assert.equal(types.size, 13, 'every GGUF value type is exercised');
  });

  test('reads the tensor table: names, ggml dims, types and aligned offsets inside the file', () => {
    const header = readHeader(fixture('tensor-types.gguf'));
    const table = header.tensors.map((t) => [t.name, t.dims, t.type.name]);
    assert.deepEqual(table, [
      ['f32', [64, 3], 'F32'],
      ['f16', [64, 3], 'F16'],
      ['bf16', [64, 3], 'BF16'],
      ['q8_0', [64, 3], 'Q8_0'],
      ['q4_0', [64, 3], 'Q4_0'],
      ['q4_1', [64, 3], 'Q4_1'],
      ['vector', [7], 'F32'],
      ['cube', [4, 3, 2], 'F32'],
      ['q5_0', [32, 1], 'Q5_0'],
    ]);
    assert.equal(header.alignment, 32);
    assert.deepEqual(
      header.tensors.map((t) => t.byteLength),
      [768, 384, 384, 2 * 3 * 34, 2 * 3 * 18, 2 * 3 * 20, 28, 96, 22],
    );
    for (const t of header.tensors) {
      assert.equal(t.offset % 32, 0, t.name);
      assert.ok(t.offset + t.byteLength <= header.fileSize, t.name);
    }
  });

  // Each broken fixture gives one sentence that names the file and what is wrong.
  const broken: [string, RegExp][] = [
    ['bad-magic.gguf', /does not start with the GGUF magic "GGUF" \(its first bytes are 0x58554747/],
    ['bad-version.gguf', /has GGUF version 1; versions 2 and 3 are supported/],
    ['bad-truncated-header.gguf', /it is truncated: .* needs \d+ bytes at byte \d+, but the file ends at byte 400/],
    [
      'bad-huge-count.gguf',
      /the tensor count at byte 8 is 4611686018427387904, more than the \d+ the rest of the file can hold \(the file is truncated or the field corrupt\)/,
    ],
    [
      'bad-huge-string.gguf',
      /the key of metadata entry 0 at byte 24 claims 1099511627776 bytes, more than the \d+ bytes left/,
    ],
    ['bad-value-type.gguf', /metadata entry "general.architecture" has unknown value type 99/],
    ['bad-tensor-type.gguf', /tensor "t" has unknown ggml type 99/],
    ['bad-truncated-data.gguf', /it is truncated: tensor "q5_0" needs bytes \d+ to \d+, but the file ends at byte \d+/],
  ];
  for (const [name, message] of broken) {
    test(`${name} is refused with one sentence naming the file`, () => {
      const file = fixture(name);
      assert.throws(
        () => readHeader(file),
        (error: Error) => {
          assert.ok(error.message.startsWith(`GGUF file ${file}: `), error.message);
          assert.match(error.message, message);
          assert.match(error.message, /\.$/);
          assert.equal(error.message.split('\n').length, 1);
          return true;
        },
      );
    });
  }

  test('a file too short for the magic is refused', (t) => {
    const file = `${t.name.replace(/\W+/g, '-')}.gguf`;
    const tmp = fs.mkdtempSync(`${process.env.TMPDIR ?? '/tmp'}/gguf-`);
    fs.writeFileSync(`${tmp}/${file}`, 'GG');
    assert.throws(() => readHeader(`${tmp}/${file}`), /has 2 bytes, too few for the GGUF magic\.$/);
    fs.rmSync(tmp, { recursive: true });
  });
});
