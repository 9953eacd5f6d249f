import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, deriveSeed, hashString, hashUnit } from '../../../../recipe/util/rng';

describe('seeded rng', () => {
  test('the same seed gives the same sequence, a different seed a different one', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    const seqC = Array.from({ length: 50 }, () => c.next());
    assert.deepEqual(seqA, seqB);
    assert.notDeepEqual(seqA, seqC);
  });

  test('values stay in range and int covers both ends', () => {
    const rng = createRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const u = rng.next();
      assert.ok(u >= 0 && u < 1);
      const k = rng.int(3, 6);
      assert.ok(Number.isInteger(k) && k >= 3 && k <= 6);
      seen.add(k);
    }
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
  });

  test('bad arguments are errors', () => {
    const rng = createRng(1);
    assert.throws(() => rng.int(5, 4), /min <= max/);
    assert.throws(() => rng.pick([]), /empty/);
  });

  test('hashes are 32-bit, stable and spread', () => {
    assert.equal(hashString('add:10:11'), hashString('add:10:11'));
    assert.notEqual(hashString('add:10:11'), hashString('add:10:12'));
    const h = hashString('x');
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
    let low = 0;
    for (let i = 0; i < 1000; i++) if (hashUnit(`key:${i}`) < 0.5) low++;
    assert.ok(low > 400 && low < 600, `hashUnit should be roughly uniform, got ${low}/1000 below 0.5`);
    assert.equal(deriveSeed(1, 'stage', 2), deriveSeed(1, 'stage', 2));
    assert.notEqual(deriveSeed(1, 'stage', 2), deriveSeed(1, 'stage', 3));
    assert.notEqual(deriveSeed('12', 3), deriveSeed(1, 23));
  });
});
