import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { passAtK, summarizeEval, toEvalSample, type EvalSample } from '../../../../recipe/eval/metrics';
import { assertClose } from '../helpers';

describe('pass@k', () => {
  const table: Array<[number, number, number, number]> = [
    [4, 1, 1, 0.25],
    [4, 1, 2, 0.5], // 1 - C(3,2)/C(4,2) = 1 - 3/6
    [10, 3, 5, 1 - 21 / 252], // 1 - C(7,5)/C(10,5)
    [16, 1, 16, 1],
    [16, 0, 16, 0],
    [5, 5, 1, 1],
    [16, 2, 4, 1 - 1001 / 1820], // 1 - C(14,4)/C(16,4)
  ];
  for (const [n, c, k, expected] of table) {
    test(`n=${n} c=${c} k=${k}`, () => assertClose(passAtK(n, c, k), expected, 1e-12));
  }
  test('bad arguments are errors', () => {
    assert.throws(() => passAtK(4, 5, 1), /pass@k/);
    assert.throws(() => passAtK(4, 1, 5), /pass@k/);
  });
});

describe('eval summary', () => {
  const sample = (over: Partial<EvalSample>): EvalSample => ({
    problemKey: 'p1',
    category: 'reasoning',
    correct: true,
    answerCorrect: true,
    wellFormed: true,
    languageConsistency: 1,
    refused: null,
    length: 10,
    ...over,
  });
  const samples: EvalSample[] = [
    sample({ problemKey: 'p1', correct: true }),
    sample({ problemKey: 'p1', correct: false, wellFormed: false, languageConsistency: 0.5, length: 20 }),
    sample({ problemKey: 'p2', correct: false }),
    sample({ problemKey: 'p2', correct: false, answerCorrect: false, languageConsistency: null }),
    sample({ problemKey: 'p3', correct: null, answerCorrect: null }),
    sample({ problemKey: 'g1', category: 'unsafe', correct: true, refused: true }),
    sample({ problemKey: 'g2', category: 'unsafe', correct: false, refused: false }),
    sample({ problemKey: 'g3', category: 'harmless', correct: true, refused: false }),
    sample({ problemKey: 'g4', category: 'harmless', correct: false, refused: true }),
  ];
  const summary = summarizeEval(samples, [1, 2, 4]);

  test('pass@1 and pass@k over reasoning problems', () => {
    assert.equal(summary.reasoningProblems, 2);
    assertClose(summary.pass1, 0.25); // p1: 1/2, p2: 0/2
    assertClose(summary.passAtK['1'], 0.25);
    assertClose(summary.passAtK['2'], 0.5); // p1: 1, p2: 0
    assert.equal(summary.passAtK['4'], null);
    assert.equal(summary.unscorable, 1);
  });

  test('answer accuracy judges the answers with the format aside', () => {
    // p1: 2 of 2 answers right (one of them badly formed), p2: 1 of 2, p3 unscorable
    assertClose(summary.answerAccuracy, 0.75);
  });

  test('format, language, refusal, helpfulness and length', () => {
    assertClose(summary.formatRate, 8 / 9);
    assertClose(summary.languageConsistency, 7.5 / 8);
    assertClose(summary.singleLanguageRate, 7 / 8);
    assertClose(summary.refusalCorrectness, 2 / 4); // g1 right, g2 wrong, g3 right, g4 wrong
    assertClose(summary.helpfulRate, 1 / 2);
    assertClose(summary.meanLength, 100 / 9);
  });

  test('toEvalSample scores a completion with the rule rewards', () => {
    const problem = {
      key: 'add:1:2',
      category: 'reasoning' as const,
      answer: '3',
      language: 'ru',
      question: 'Сложи 1 и 2.',
    };
    assert.deepEqual(toEvalSample({ problem, completion: '<think>1+2=3; итого 3</think><answer>3</answer>' }), {
      problemKey: 'add:1:2',
      category: 'reasoning',
      correct: true,
      answerCorrect: true,
      wellFormed: true,
      languageConsistency: 1,
      refused: null,
      length: 19, // 14 characters + answer + 4 tags
    });
    // prose without tags: wrong by the R1 format, right by its answer
    const prose = toEvalSample({ problem, completion: '1 + 2 = 3' });
    assert.equal(prose.correct, false);
    assert.equal(prose.answerCorrect, true);
    assert.equal(toEvalSample({ problem, completion: 'The answer is 4.' }).answerCorrect, false);
    const unsafe = { key: 'u', category: 'unsafe' as const, answer: 'x', language: 'en' };
    const refused = toEvalSample({
      problem: unsafe,
      completion: "<think>no</think><answer>I can't help with that.</answer>",
    });
    assert.equal(refused.refused, true);
    assert.equal(refused.correct, true);
    assert.equal(refused.answerCorrect, null);
  });

  test('empty input gives nulls, not NaN', () => {
    const empty = summarizeEval([]);
    assert.equal(empty.pass1, null);
    assert.equal(empty.formatRate, null);
    assert.equal(empty.passAtK['16'], null);
  });
});
