import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReward } from '../../../../recipe/rewards/format';
import { checkFormat, tagAwareLength } from '../../../../recipe/util/tags';

const problem = { category: 'reasoning' as const, answer: '1', language: 'en' };

describe('format reward', () => {
  const cases: Array<[string, string, number, string?]> = [
    ['canonical', '<think>a</think><answer>1</answer>', 1],
    ['whitespace around and between', '  <think> a </think>\n<answer>1</answer>\n', 1],
    ['text before think', 'so <think>a</think><answer>1</answer>', 0, 'text-before-think'],
    ['text between blocks', '<think>a</think> so <answer>1</answer>', 0, 'text-between-blocks'],
    ['text after answer', '<think>a</think><answer>1</answer> done', 0, 'text-after-answer'],
    ['empty think', '<think> </think><answer>1</answer>', 0, 'empty-think'],
    ['empty answer', '<think>a</think><answer></answer>', 0, 'empty-answer'],
    ['answer before think', '<answer>1</answer><think>a</think>', 0, 'wrong-tag-sequence'],
    ['two think blocks', '<think>a</think><think>b</think><answer>1</answer>', 0, 'wrong-tag-sequence'],
    ['two answer blocks', '<think>a</think><answer>1</answer><answer>1</answer>', 0, 'wrong-tag-sequence'],
    ['tags repeated inside think', '<think>a <answer>1</answer></think><answer>1</answer>', 0, 'wrong-tag-sequence'],
    ['think tag inside think', '<think>a <think> b</think><answer>1</answer>', 0, 'wrong-tag-sequence'],
    ['no answer', '<think>a</think>', 0, 'wrong-tag-sequence'],
    ['no tags', '1', 0, 'wrong-tag-sequence'],
    ['unclosed think', '<think>a<answer>1</answer>', 0, 'wrong-tag-sequence'],
  ];
  for (const [name, completion, expected, problemName] of cases) {
    test(name, () => {
      assert.equal(formatReward({ problem, completion }), expected);
      const checked = checkFormat(completion);
      if (problemName) assert.deepEqual(checked, { ok: false, problem: problemName });
    });
  }

  test('tags count as one token each', () => {
    assert.equal(tagAwareLength('<think>ab</think><answer>c</answer>'), 7);
    assert.equal(tagAwareLength('привет'), 6);
    assert.equal(tagAwareLength(''), 0);
  });
});
