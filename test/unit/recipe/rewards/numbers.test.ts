import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { numbersEquivalent, parseNumber } from '../../../../recipe/rewards/numbers';

describe('number equivalence', () => {
  const shouldMatch: Array<[string, string]> = [
    ['85', '85'],
    ['+85', '85'],
    ['-85', '-85'],
    ['\u221285', '-85'],
    ['- 5', '-5'],
    ['7,425,000', '7425000'],
    ['7425000', '7,425,000'],
    ['1 000', '1000'],
    ['1\u00a0000', '1000'],
    ['1\u2009000\u2009000', '1000000'],
    ['7{,}425{,}000', '7425000'],
    ['0.5', '1/2'],
    ['1/2', '0.5'],
    ['.5', '0.5'],
    ['2.50', '2.5'],
    ['2.0', '2'],
    ['\\frac{1}{2}', '0.5'],
    ['\\dfrac{3}{4}', '0.75'],
    ['\\frac12', '1/2'],
    ['-\\frac{1}{2}', '-0.5'],
    ['\\frac{-1}{2}', '-1/2'],
    ['6/4', '3/2'],
    ['50%', '50'],
    ['50\\%', '0.5'],
    ['0.5', '50%'],
    ['\\text{85 apples}', '85'],
    ['85 \\text{ apples}', '85'],
    ['85 apples', '85'],
    ['$85$', '85'],
    ['\\$85', '85'],
    ['\\(42\\)', '42'],
    ['x = 85', '85'],
    ['The answer is 85.', '85'],
    ['90^\\circ', '90'],
    ['12345678901234567', '12345678901234567'],
  ];
  for (const [predicted, gold] of shouldMatch) {
    test(`${JSON.stringify(predicted)} matches ${JSON.stringify(gold)}`, () => {
      assert.equal(numbersEquivalent(predicted, gold), true);
    });
  }

  const shouldNotMatch: Array<[string, string]> = [
    ['12', '120'],
    ['120', '12'],
    ['-85', '85'],
    ['85', '-85'],
    ['0.333', '1/3'],
    ['1/3', '0.33'],
    ['50', '0.5'],
    ['85 or 86', '85'],
    ['85, 86', '85'],
    ['5+3', '8'],
    ['3-5', '-2'],
    ['1,5', '1.5'],
    ['1,5', '15'],
    ['8 5', '85'],
    ['', '85'],
    ['eighty-five', '85'],
    ['12345678901234568', '12345678901234567'],
    ['1/0', '0'],
  ];
  for (const [predicted, gold] of shouldNotMatch) {
    test(`${JSON.stringify(predicted)} does not match ${JSON.stringify(gold)}`, () => {
      assert.equal(numbersEquivalent(predicted, gold), false);
    });
  }

  test('an unreadable gold answer cannot be scored', () => {
    for (const gold of ['', 'abc', '1/0', '3 or 4', '\\frac{1}{'])
      assert.equal(numbersEquivalent('1', gold), null, gold);
  });

  test('values are exact fractions', () => {
    assert.deepEqual(parseNumber('0.75'), [{ num: 3n, den: 4n }]);
    assert.deepEqual(parseNumber('-6/4'), [{ num: -3n, den: 2n }]);
    assert.deepEqual(parseNumber('25%'), [
      { num: 25n, den: 1n },
      { num: 1n, den: 4n },
    ]);
  });
});
