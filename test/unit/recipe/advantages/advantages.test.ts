import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { groupAdvantages, std } from '../../../../recipe/advantages/group-advantages';
import { dynamicSampling } from '../../../../recipe/advantages/dynamic-sampling';
import { assertAllClose } from '../helpers';

describe('std conventions', () => {
  test('population divides by n, sample by n - 1', () => {
    // [1,0,0,0]: mean 1/4, squared deviations sum to 3/4.
    assertAllClose([std([1, 0, 0, 0], 'population')], [Math.sqrt(3 / 16)]);
    assertAllClose([std([1, 0, 0, 0], 'sample')], [0.5]);
    assert.equal(std([3], 'population'), 0);
    assert.equal(std([3], 'sample'), 0);
    assert.equal(std([], 'population'), 0);
  });
});

describe('group-relative advantages', () => {
  test('group scaling, population std, no epsilon: one right of four', () => {
    const { advantages } = groupAdvantages([[1, 0, 0, 0]], { scaling: 'group', std: 'population', epsilon: 0 });
    // (1 - 1/4) / (sqrt(3)/4) = sqrt(3); (0 - 1/4) / (sqrt(3)/4) = -1/sqrt(3).
    assertAllClose(advantages[0], [Math.sqrt(3), -1 / Math.sqrt(3), -1 / Math.sqrt(3), -1 / Math.sqrt(3)]);
  });

  test('group scaling, sample std: exact halves', () => {
    const { advantages } = groupAdvantages([[1, 0, 0, 0]], { std: 'sample', epsilon: 0 });
    assertAllClose(advantages[0], [1.5, -0.5, -0.5, -0.5]);
  });

  test('the default epsilon 1e-4 is added to the std', () => {
    const { advantages } = groupAdvantages([[2, 0]]);
    // mean 1, population std 1: (2-1)/(1+1e-4).
    assertAllClose(advantages[0], [1 / 1.0001, -1 / 1.0001], 1e-12);
  });

  test('batch scaling divides by the std of the whole batch', () => {
    const { advantages } = groupAdvantages(
      [
        [1, 0],
        [1, 1],
      ],
      { scaling: 'batch', epsilon: 0 },
    );
    // Batch [1,0,1,1]: mean 3/4, population std sqrt(3)/4; group means 1/2 and 1.
    const a = 0.5 / (Math.sqrt(3) / 4);
    assertAllClose(advantages[0], [a, -a]);
    assertAllClose(advantages[1], [0, 0]);
  });

  test('no scaling (Dr. GRPO) only centres, and ignores epsilon', () => {
    const { advantages } = groupAdvantages(
      [
        [1, 0, 0, 0],
        [0.5, 1.5],
      ],
      { scaling: 'none', epsilon: 0.3 },
    );
    assertAllClose(advantages[0], [0.75, -0.25, -0.25, -0.25]);
    assertAllClose(advantages[1], [-0.5, 0.5]);
  });

  test('equal rewards give zero advantages and count as zero-std groups', () => {
    const result = groupAdvantages(
      [
        [1, 1, 1],
        [0, 0, 0],
        [0, 1, 0],
      ],
      { epsilon: 0 },
    );
    assertAllClose(result.advantages[0], [0, 0, 0]);
    assertAllClose(result.advantages[1], [0, 0, 0]);
    assert.equal(result.zeroStdGroups, 2);
    assert.ok(result.advantages.flat().every(Number.isFinite));
  });

  test('null rewards are masked out of the statistics', () => {
    const result = groupAdvantages(
      [
        [1, null, 0],
        [null, null],
      ],
      { scaling: 'none' },
    );
    assertAllClose(result.advantages[0], [0.5, 0, -0.5]);
    assert.deepEqual(result.valid, [
      [true, false, true],
      [false, false],
    ]);
    assert.equal(result.emptyGroups, 1);
    assert.throws(() => groupAdvantages([[Number.NaN]]), /finite or null/);
    assert.throws(() => groupAdvantages([[1]], { epsilon: -1 }), /epsilon/);
  });
});

describe('dynamic sampling', () => {
  test('drops groups whose rewards are all equal and reports the fraction', () => {
    const result = dynamicSampling([
      [1, 1],
      [0, 1],
      [0, 0],
      [0.5, null, 0.5],
      [null, 1],
      [0.2, 0.7],
    ]);
    assert.deepEqual(result.keep, [1, 5]);
    assert.deepEqual(result.drop, [0, 2, 3, 4]);
    assert.equal(result.droppedFraction, 4 / 6);
  });
  test('tolerance and empty batches', () => {
    assert.deepEqual(dynamicSampling([[1, 1.0000001]], 1e-6).drop, [0]);
    assert.deepEqual(dynamicSampling([[1, 1.0000001]]).keep, [0]);
    assert.equal(dynamicSampling([]).droppedFraction, 0);
  });
});
