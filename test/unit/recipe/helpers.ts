import assert from 'node:assert/strict';

export function assertClose(actual: number | null, expected: number, tolerance = 1e-9, message?: string): void {
  assert.notEqual(actual, null, message ?? `expected ${expected}, got null`);
  assert.ok(Math.abs((actual as number) - expected) <= tolerance, message ?? `expected ${expected}, got ${actual}`);
}

export function assertAllClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} != ${expected.length}`);
  actual.forEach((value, i) =>
    assertClose(value, expected[i], tolerance, `index ${i}: expected ${expected[i]}, got ${value}`),
  );
}
