import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRollouts, score } from '../../../steps';
import type { Problem } from '../../../recipe';
import { addProblem, fakeRollout, microConfig } from './helpers';

const grpo = microConfig().stages.r1Zero.grpo; // accuracy 1, format 0.5, language 0
const right = '<think>3+4=7 so 7</think><answer>7</answer>';
const wrong = '<think>3+4=8 so 8</think><answer>8</answer>';
const bare = '7';

describe('score', () => {
  test('per-function rewards, weighted totals and group advantages', () => {
    const rollouts = [
      fakeRollout(0, 0, right),
      fakeRollout(0, 1, wrong),
      fakeRollout(0, 2, wrong),
      fakeRollout(0, 3, bare),
    ];
    const { rollouts: scored, metrics } = score(rollouts, grpo);
    assert.deepEqual(
      scored.map((r) => r.rewards.accuracy),
      [1, 0, 0, 0],
    );
    assert.deepEqual(
      scored.map((r) => r.rewards.format),
      [1, 1, 1, 0],
    );
    assert.deepEqual(
      scored.map((r) => r.total),
      [1.5, 0.5, 0.5, 0],
    );
    // mean 0.625, population std sqrt(0.296875)
    const sd = Math.sqrt(((1.5 - 0.625) ** 2 + 2 * (0.5 - 0.625) ** 2 + 0.625 ** 2) / 4) + 1e-4;
    scored.forEach((r, i) => assert.ok(Math.abs(r.advantage - ([1.5, 0.5, 0.5, 0][i] - 0.625) / sd) < 1e-9));
    assert.ok(scored.every((r) => r.used));
    assert.equal(metrics.accuracy, 0.25);
    assert.equal(metrics.formatRate, 0.75);
    assert.equal(metrics.zeroStdFraction, 0);
    assert.equal(metrics.groups, 1);
    assert.equal(metrics.rewardMean, 0.625);
  });

  test('zero-std groups are counted, and dynamic sampling drops them from training', () => {
    const rollouts = [
      fakeRollout(0, 0, right),
      fakeRollout(0, 1, right),
      fakeRollout(1, 0, right),
      fakeRollout(1, 1, wrong, addProblem, 'length'),
    ];
    const plain = score(rollouts, grpo);
    assert.equal(plain.metrics.zeroStdFraction, 0.5);
    assert.equal(plain.metrics.truncatedFraction, 0.25);
    assert.deepEqual(
      plain.rollouts.map((r) => r.used),
      [true, true, true, true],
    );
    assert.deepEqual(plain.rollouts.map((r) => r.advantage).slice(0, 2), [0, 0]);
    const dynamic = score(rollouts, { ...grpo, dynamicSampling: true });
    assert.deepEqual(
      dynamic.rollouts.map((r) => r.used),
      [false, false, true, true],
    );
    assert.equal(dynamic.metrics.droppedFraction, 0.5);
  });

  test('an unscorable sample (gold answer not a number) gets a null total and is not trained on', () => {
    const badGold: Problem = { ...addProblem, answer: 'seven' };
    const { rollouts, metrics } = score([fakeRollout(0, 0, right, badGold), fakeRollout(0, 1, right)], grpo);
    assert.equal(rollouts[0].total, null);
    assert.equal(rollouts[0].used, false);
    assert.equal(rollouts[0].advantage, 0);
    assert.equal(metrics.unscorable, 1);
  });

  test('language consistency and the general rules are reported when weighted', () => {
    const unsafe: Problem = {
      key: 'unsafe:en:0:x',
      category: 'unsafe',
      task: 'unsafe',
      language: 'en',
      question: 'q',
      answer: "I can't help with that.",
    };
    const mixed = '<think>3+4=7 итого 7</think><answer>7</answer>';
    const { rollouts, metrics } = score(
      [
        fakeRollout(0, 0, mixed),
        fakeRollout(0, 1, right),
        fakeRollout(1, 0, "<think>this is harmful</think><answer>I can't help with that.</answer>", unsafe),
        fakeRollout(1, 1, '<think>ok</think><answer>Sure, here is how.</answer>', unsafe),
      ],
      { ...grpo, rewards: { ...grpo.rewards, language: 1, helpfulness: 1 } },
    );
    assert.ok(rollouts[0].rewards.language! < 1);
    assert.equal(rollouts[1].rewards.language, 1);
    assert.deepEqual(
      rollouts.map((r) => r.rewards.general),
      [null, null, 1, 0],
    );
    assert.equal(rollouts[2].rewards.accuracy, null);
    assert.equal(metrics.helpfulness, 0.5);
  });
});

describe('filterRollouts (cold-start and rejection filter)', () => {
  test('keeps only correct, well-formed, single-language completions, rewritten cleanly', () => {
    const rollouts = [
      fakeRollout(0, 0, '<think> 3+4=7   so 7 </think><answer> 7 </answer>'),
      fakeRollout(0, 1, wrong),
      fakeRollout(0, 2, bare),
      fakeRollout(0, 3, '<think>3+4=7 итого 7</think><answer>7</answer>'),
      fakeRollout(0, 4, '<think>3+4=7</think><answer>7</answer><answer>7</answer>'),
      fakeRollout(0, 5, '<think> 3+4=7   so 7 </think><answer> 7 </answer>'),
    ];
    const { examples, kept, dropped } = filterRollouts(rollouts, 64);
    assert.equal(kept, 1);
    assert.deepEqual(examples, [
      { prompt: 'Q: What is 3+4?\nA: ', completion: '<think>3+4=7 so 7</think><answer>7</answer>' },
    ]);
    assert.equal(dropped.incorrect, 1);
    assert.equal(dropped.malformed, 2);
    assert.equal(dropped['mixed-language'], 1);
    assert.equal(dropped.duplicate, 1);
  });
});
