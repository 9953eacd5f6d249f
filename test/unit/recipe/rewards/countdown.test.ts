import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';
import { countdownScore } from '../../../../recipe/rewards/countdown';
import { generateCountdown } from '../../../../recipe/task/countdown';
import type { RewardSample } from '../../../../recipe/rewards/types';

const spec = { numbers: [44, 19, 35], target: 98 };
const sample = (answer: string, countdown: RewardSample['problem']['countdown'] = spec): RewardSample => ({
  problem: { category: 'reasoning', answer: '98', language: 'en', task: 'countdown', countdown },
  completion: `<think>try</think><answer>${answer}</answer>`,
});

describe('countdown reward', () => {
  test('an expression that uses each number once and reaches the target scores 1', () => {
    for (const answer of ['44 + 19 + 35', '(44 + 19) + 35', '35 + 44 + 19 = 98', '44+19+35', '$44 + 19 + 35$'])
      assert.equal(accuracyReward(sample(answer)), 1, answer);
    assert.equal(countdownScore('(6 - 2) \u00d7 6 \u00f7 1', { numbers: [6, 2, 6, 1], target: 24 }), 1);
    assert.equal(countdownScore('8 / (3 - 8 / 3)', { numbers: [8, 3, 8, 3], target: 24 }), 1);
  });

  test('anything else scores 0', () => {
    const zero = [
      '44 + 19', // a number unused
      '44 + 19 + 35 + 35', // a number twice
      '44 + 54', // a number not given
      '44 * 19 - 35', // another value
      '-44 + 19 + 35 + 88', // unary minus and a stray number
      '44 + 19 + 35 = 97', // claims the wrong target
      '44 ^ 19 + 35', // another operator
      'so 44 + 19 + 35', // text around it
      '44 + 19 + 35)', // unbalanced
      '44 / (19 - 19) + 35', // division by zero, and 19 twice
      '',
    ];
    for (const answer of zero) assert.equal(accuracyReward(sample(answer)), 0, answer);
    assert.equal(accuracyReward({ ...sample('98'), completion: '<think>44 + 19 + 35</think>' }), 0);
  });

  test('evaluation is exact: 1/3 * 3 reaches 1, not 0.9999', () => {
    assert.equal(countdownScore('1 / 3 * 3', { numbers: [1, 3, 3], target: 1 }), 1);
    assert.equal(countdownScore('7 / 2', { numbers: [7, 2], target: 3 }), 0);
  });

  test('a malformed problem is null', () => {
    for (const bad of [
      { numbers: [], target: 3 },
      { numbers: [1], target: 1 },
      { numbers: [1.5, 2], target: 3 },
      { numbers: [-1, 2], target: 1 },
      { numbers: [1, 2], target: 0.5 },
    ])
      assert.equal(accuracyReward(sample('1 + 2', bad)), null, JSON.stringify(bad));
  });

  test('the generator is seeded, splits by problem, and every problem has the solution it records', () => {
    const a = generateCountdown({ seed: 3, split: 'train', count: 200 });
    assert.deepEqual(a, generateCountdown({ seed: 3, split: 'train', count: 200 }));
    assert.notDeepEqual(a, generateCountdown({ seed: 4, split: 'train', count: 200 }));
    const evalKeys = new Set(generateCountdown({ seed: 5, split: 'eval', count: 200 }).map((p) => p.key));
    assert.ok(a.every((p) => !evalKeys.has(p.key)));
    for (const p of a) {
      assert.ok(p.countdown && p.countdown.numbers.length >= 3 && p.countdown.numbers.length <= 4);
      assert.equal(countdownScore(p.reasoning ?? '', p.countdown), 1, p.reasoning);
    }
  });
});
