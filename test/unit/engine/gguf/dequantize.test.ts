import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadGgufTensor } from '../../../../engine/gguf';
import { assertSameFloats, fixture, readHeader, readReference } from './gguf-helpers';

// tensor-types.gguf holds one tensor per type, written by gguf-py; the reference is gguf-py's own
// dequantisation of the stored data, so the comparison is bit-exact.

describe('GGUF tensor data', () => {
  const file = fixture('tensor-types.gguf');
  const header = readHeader(file);
  const reference = readReference('tensor-types.reference.safetensors');

  for (const name of ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'vector', 'cube']) {
    test(`${name} dequantises to exactly what gguf-py gives`, async () => {
      const tensor = header.tensors.find((t) => t.name === name)!;
      const expected = reference.get(name)!;
      assert.deepEqual([...tensor.dims].reverse(), expected.shape);
      const handle = await fs.promises.open(file, 'r');
      try {
        assertSameFloats(await loadGgufTensor(handle, file, tensor), expected.data, name);
      } finally {
        await handle.close();
      }
    });
  }

  test('a type that cannot be dequantised is an error naming the tensor and the type', async () => {
    const handle = await fs.promises.open(file, 'r');
    try {
      await assert.rejects(
        loadGgufTensor(
          handle,
          file,
          header.tensors.find((t) => t.name === 'q5_0')!,
        ),
        new Error(
          `GGUF file ${file}: tensor "q5_0" has type Q5_0, which cannot be loaded (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1).`,
        ),
      );
    } finally {
      await handle.close();
    }
  });
});
