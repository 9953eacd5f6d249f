import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopCas } from '../../../../../recipe/rewards/math/cas-client';
import { measureAgreement, readCorpus } from '../../../../fixtures/verifier/agreement';

after(stopCas);

describe('agreement with Math-Verify (labels from PyPI math-verify 0.9.0, test/fixtures/verifier)', () => {
  test('the corpus has at least 500 labelled pairs across the answer kinds', () => {
    const rows = readCorpus();
    assert.ok(rows.length >= 500, `${rows.length} pairs`);
    const categories = new Set(rows.map((r) => r.category));
    for (const kind of [
      'numbers',
      'fractions',
      'roots',
      'percent',
      'sets',
      'tuples',
      'intervals',
      'matrices',
      'relations',
      'choice',
    ])
      assert.ok(categories.has(kind), kind);
    assert.ok(rows.some((r) => r.mathVerify) && rows.some((r) => !r.mathVerify));
  });

  test('lenient mode agrees on at least 95 % of the pairs', () => {
    const a = measureAgreement('lenient');
    assert.ok(a.agreed / a.total >= 0.95, `${a.agreed}/${a.total}`);
  });

  test('every disagreement is one where r1flow accepts what Math-Verify cannot read, or refuses a hedge', () => {
    const a = measureAgreement('lenient');
    for (const d of a.disagreements) {
      const hedge = d.mathVerify && d.r1flow === false;
      assert.ok(!d.mathVerify || hedge, `#${d.id}`);
      if (hedge) assert.match(d.prediction, /,/, `#${d.id} ${d.prediction}`);
    }
  });
});
