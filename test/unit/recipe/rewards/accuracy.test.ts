import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyReward, extractFinalAnswer } from '../../../../recipe/rewards/accuracy';
import type { RewardSample } from '../../../../recipe/rewards/types';

const problem = { category: 'reasoning' as const, answer: '85', language: 'en' };
const sample = (completion: string, answer = '85'): RewardSample => ({ problem: { ...problem, answer }, completion });

describe('accuracy reward', () => {
  const cases: Array<[string, string, number]> = [
    ['correct', '<think>7+8=15 carry 1; 4+3+1=8; so 85</think><answer>85</answer>', 1],
    ['correct with spaces', '<think>x</think>\n<answer> 85 </answer>\n', 1],
    ['boxed inside the answer', '<think>x</think><answer>\\boxed{85}</answer>', 1],
    ['boxed with units', '<think>x</think><answer>so \\boxed{85 \\text{ apples}}</answer>', 1],
    ['wrong number', '<think>x</think><answer>86</answer>', 0],
    ['empty answer', '<think>so 85</think><answer></answer>', 0],
    ['blank answer', '<think>so 85</think><answer>   </answer>', 0],
    ['empty box', '<think>so 85</think><answer>\\boxed{}</answer>', 0],
    ['two answer blocks, both right', '<think>x</think><answer>85</answer><answer>85</answer>', 0],
    ['two answer blocks, hedging', '<think>x</think><answer>84</answer><answer>85</answer>', 0],
    ['two boxes hedging', '<think>x</think><answer>\\boxed{84} \\boxed{85}</answer>', 0],
    ['answer outside the tags', '<think>so 85</think> 85', 0],
    ['number only inside think', '<think>so 85</think>', 0],
    ['no tags at all', '85', 0],
    ['answer block inside think', '<think>so <answer>85</answer></think>', 0],
    ['tags repeated inside think', '<think><answer>85</answer></think><answer>85</answer>', 0],
    ['unclosed answer', '<think>x</think><answer>85', 0],
    ['closing tag first', '<think>x</think></answer>85<answer>', 0],
    ['tag nested in answer', '<think>x</think><answer><think>85</think></answer>', 0],
    ['hedging inside one block', '<think>x</think><answer>85 or 86</answer>', 0],
    ['spelled out', '<think>x</think><answer>eighty-five</answer>', 0],
  ];
  for (const [name, completion, expected] of cases) {
    test(name, () => assert.equal(accuracyReward(sample(completion)), expected));
  }

  test('gold answers in other forms', () => {
    assert.equal(accuracyReward(sample('<think>x</think><answer>7425000</answer>', '7,425,000')), 1);
    assert.equal(accuracyReward(sample('<think>x</think><answer>\\frac{1}{2}</answer>', '0.5')), 1);
    assert.equal(accuracyReward(sample('<think>x</think><answer>-3</answer>', '\u22123')), 1);
  });

  test('unparseable or empty gold is null, never a free 1', () => {
    assert.equal(accuracyReward(sample('<think>x</think><answer>85</answer>', '')), null);
    assert.equal(accuracyReward(sample('<think>x</think><answer>abc</answer>', 'abc')), null);
    assert.equal(accuracyReward(sample('<think>x</think><answer>85</answer>', 'eighty five')), null);
  });

  test('text answers only when asked for', () => {
    const s = sample('<think>x</think><answer>Paris.</answer>', 'paris');
    assert.equal(accuracyReward(s, { textAnswers: true }), 1);
    assert.equal(accuracyReward(sample('<think>x</think><answer>Lyon</answer>', 'paris'), { textAnswers: true }), 0);
  });

  test('extractFinalAnswer says why there is no answer', () => {
    assert.deepEqual(extractFinalAnswer('<think>a</think>'), { problem: 'missing' });
    assert.deepEqual(extractFinalAnswer('<answer>1</answer><answer>2</answer>'), { problem: 'duplicated' });
    assert.deepEqual(extractFinalAnswer('<think><answer>1</answer></think>'), { problem: 'inside-think' });
    assert.deepEqual(extractFinalAnswer('<answer> </answer>'), { problem: 'empty' });
    assert.deepEqual(extractFinalAnswer('<answer>\\boxed{1}\\boxed{2}</answer>'), { problem: 'several-boxed' });
    assert.deepEqual(extractFinalAnswer('<answer> 42 </answer>'), { answer: '42' });
  });
});
