import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';
import { stopCas } from '../../../../recipe/rewards/math/cas-client';
import type { RewardSample } from '../../../../recipe/rewards/types';

after(stopCas);

const sample = (completion: string, answer = '85'): RewardSample => ({
  problem: { category: 'reasoning', answer, language: 'en' },
  completion,
});
const strict = (completion: string, answer?: string) => accuracyReward(sample(completion, answer));
const lenient = (completion: string, answer?: string) =>
  accuracyReward(sample(completion, answer), { mode: 'lenient' });

describe('reward hacking is refused', () => {
  test('letters or text around the number in the answer block', () => {
    assert.equal(strict('<think>x</think><answer>abc85def</answer>'), 0);
    assert.equal(strict('<think>x</think><answer>ab 85 cd</answer>'), 0);
    assert.equal(strict('<think>x</think><answer>maybe 85 I think</answer>'), 0);
    assert.equal(lenient('<think>x</think><answer>abc85def</answer>'), 0);
    // units and an answer phrase are not hacking
    assert.equal(strict('<think>x</think><answer>85 apples</answer>'), 1);
    assert.equal(strict('<think>x</think><answer>The answer is 85.</answer>'), 1);
  });

  test('several answers in one block', () => {
    assert.equal(strict('<think>x</think><answer>84, 85</answer>'), 0);
    assert.equal(strict('<think>x</think><answer>85 or 86</answer>'), 0);
    assert.equal(strict('<think>x</think><answer>\\boxed{84} \\boxed{85}</answer>'), 0);
    assert.equal(lenient('<think>x</think><answer>84, 85</answer>'), 0);
  });

  test('the gold answer only in the reasoning', () => {
    assert.equal(strict('<think>so 85</think><answer>86</answer>'), 0);
    assert.equal(strict('<think>so 85</think>'), 0);
    assert.equal(lenient('<think>so 85</think>'), 0);
    assert.equal(lenient('<think>so 85</think> I could not finish.'), 0);
  });

  test('an answer block inside the think block', () => {
    assert.equal(strict('<think>so <answer>85</answer></think>'), 0);
    assert.equal(lenient('<think>so <answer>85</answer></think>'), 0);
  });

  test('a \\boxed{} outside the answer block when the format requires the block', () => {
    assert.equal(strict('<think>x</think> \\boxed{85}'), 0);
    // evaluating an outside model, the box is its answer
    assert.equal(lenient('<think>x</think> so \\boxed{85}'), 1);
  });

  test('repeated tags', () => {
    assert.equal(strict('<think>x</think><answer>85</answer><answer>85</answer>'), 0);
    assert.equal(strict('<think>x</think><answer><answer>85</answer></answer>'), 0);
    assert.equal(lenient('<think>x</think><answer>85</answer><answer>85</answer>'), 0);
  });

  test('a huge answer is cut off by the length cap', () => {
    const huge = `${'('.repeat(600)}85${')'.repeat(600)}`;
    assert.equal(strict(`<think>x</think><answer>${huge}</answer>`), 0);
    assert.equal(strict(`<think>x</think><answer>85${' '.repeat(2000)}</answer>`), 1);
    assert.equal(accuracyReward(sample(`<think>x</think><answer>${huge}</answer>`), { maxAnswerChars: 5000 }), 1);
  });

  test('unicode look-alike digits', () => {
    assert.equal(strict('<think>x</think><answer>\uff18\uff15</answer>'), 0); // fullwidth
    assert.equal(strict('<think>x</think><answer>\u{1d7d6}\u{1d7d3}</answer>'), 0); // mathematical bold
    assert.equal(strict('<think>x</think><answer>\u0668\u0665</answer>'), 0); // Arabic-Indic
    assert.equal(lenient('<think>x</think><answer>\uff18\uff15</answer>'), 1);
  });

  test('LaTeX answers go through the verifier; an unreadable gold is null in every mode', () => {
    assert.equal(strict('<think>x</think><answer>$\\dfrac{1}{2}$</answer>', '\\frac12'), 1);
    assert.equal(strict('<think>x</think><answer>\\boxed{(1, 2]}</answer>', '(1,2]'), 1);
    assert.equal(strict('<think>x</think><answer>85</answer>', '\\frac{1}{'), null);
    assert.equal(lenient('<think>x</think>85', 'n/a'), null);
  });
});
