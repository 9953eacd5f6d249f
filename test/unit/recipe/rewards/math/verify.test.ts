import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { casCall, setCasProblemListener, stopCas } from '../../../../../recipe/rewards/math/cas-client';
import { verifyMathAnswer } from '../../../../../recipe/rewards/math/verify';

after(stopCas);

const correct = (gold: string, answer: string, mode: 'strict' | 'lenient' = 'strict') =>
  verifyMathAnswer(gold, answer, { mode }).correct;

describe('math verifier', () => {
  test('normalisation: fraction commands, bare digits, roots, left/right, spacing, separators, percent, units, degrees', () => {
    const pairs: Array<[string, string]> = [
      ['\\frac{1}{2}', '\\dfrac{1}{2}'],
      ['\\frac{1}{2}', '\\tfrac12'],
      ['\\frac{1}{2}', '\\cfrac{1}{2}'],
      ['\\sqrt{3}', '\\sqrt3'],
      ['(1, 2)', '\\left( 1, 2 \\right)'],
      ['1000000', '1\\,000\\,000'],
      ['1000000', '1{,}000{,}000'],
      ['1.5', '1,5'],
      ['28\\%', '28 %'],
      ['28\\%', '0.28'],
      ['12', '12 \\text{ cm}'],
      ['90', '90^\\circ'],
      ['7', '7.'],
      ['-3', '\u22123'],
      ['\\frac{\\sqrt{3}}{2}', '$\\frac{1}{2}\\sqrt{3}$'],
    ];
    for (const [gold, answer] of pairs) assert.equal(correct(gold, answer), true, `${gold} / ${answer}`);
  });

  test('comparison: CAS equality, float precision, sets, tuples, intervals, unions, matrices, relations, choices', () => {
    const yes: Array<[string, string]> = [
      ['(x+1)^2', '$x^2+2x+1$'],
      ['\\sin^2 x + \\cos^2 x', '1'],
      ['2\\sqrt{2}', '\\sqrt{8}'],
      ['\\frac{1}{3}', '0.333333'],
      ['\\{1, 2, 3\\}', '\\{3, 1, 2\\}'],
      ['(1, 2, 3)', '(1,2,3)'],
      ['(1, 2]', '$(1,2]$'],
      ['(-\\infty, 2) \\cup (3, \\infty)', '(3,\\infty)\\cup(-\\infty,2)'],
      ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}'],
      ['5', 'x = 5'],
      ['x = 5', '5'],
      ['y = 2x + 3', 'y = 3 + 2x'],
      ['x < 2', '(-\\infty, 2)'],
      ['a < b', 'b > a'],
      ['\\{-1, 1\\}', '\\pm 1'],
      ['B', '(B)'],
      ['B', '\\boxed{B}'],
    ];
    for (const [gold, answer] of yes) assert.equal(correct(gold, answer), true, `${gold} / ${answer}`);
    const no: Array<[string, string]> = [
      ['(x+1)^2', 'y^2+2y+1'],
      ['\\frac{1}{3}', '0.3333'],
      ['\\pi', '3.14'],
      ['5', '5.0000001'],
      ['\\{1, 2, 3\\}', '\\{1, 2\\}'],
      ['(1, 2, 3)', '(3, 2, 1)'],
      ['(1, 2]', '[1, 2]'],
      ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}'],
      ['x = 5', 'y = 5'],
      ['x < 5', 'x \\le 5'],
      ['\\sqrt{x^2}', 'x'],
      ['B', 'C'],
    ];
    for (const [gold, answer] of no) assert.equal(correct(gold, answer), false, `${gold} / ${answer}`);
  });

  test('extraction: the last box, the final-answer phrase, the last LaTeX span', () => {
    assert.equal(correct('7', 'We get $x = 3$, so \\boxed{7}.'), true);
    assert.equal(correct('7', 'The final answer is $7$. I hope it is correct.'), true);
    assert.equal(correct('7', 'First $a = 3$, then $7$'), true);
    assert.equal(correct('7', '\\[7\\]'), true);
  });

  test('an unreadable gold answer is null, never a free 1', () => {
    for (const gold of ['', '\\frac{1}{', 'eighty five']) assert.equal(correct(gold, '85'), null, gold);
  });

  test('strict and lenient differ where the modes say', () => {
    assert.equal(correct('5', 'ab 5 cd', 'strict'), false);
    assert.equal(correct('5', 'ab 5 cd', 'lenient'), true);
    assert.equal(correct('2, 3', '\\boxed{2} and \\boxed{3}', 'strict'), false);
    assert.equal(correct('2, 3', '\\boxed{2} and \\boxed{3}', 'lenient'), true);
    assert.equal(correct('85', '\uff18\uff15', 'strict'), false);
    assert.equal(correct('85', '\uff18\uff15', 'lenient'), true);
    assert.equal(correct('5', 'abc5def', 'lenient'), false);
  });

  test('a CAS call past its deadline answers timed-out, logs why, and the next call gets a fresh worker', () => {
    const problems: string[] = [];
    setCasProblemListener((p) => problems.push(p.reason));
    const started = Date.now();
    assert.deepEqual(casCall({ op: 'spin' }, 300), { ok: false, error: 'timed-out' });
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(problems, ['timed-out']);
    // a comparison that cannot finish in time is unscorable, not wrong and not right
    assert.equal(verifyMathAnswer('(y+1)^3', 'y^3+3y^2+3y+1', { deadlineMs: 1 }).correct, null);
    assert.deepEqual(casCall({ op: 'equal', gold: '\\sqrt{8}', pred: '2\\sqrt{2}', float: false }, 10_000), {
      ok: true,
      value: true,
    });
  });
});
