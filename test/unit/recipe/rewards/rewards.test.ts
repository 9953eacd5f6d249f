import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { overlongPenalty, overlongReward } from '../../../../recipe/rewards/overlong';
import { generalRuleReward, isRefusal } from '../../../../recipe/rewards/general';
import { ruleBasedScorer, scoreWithModel, type RewardModelScorer } from '../../../../recipe/rewards/model-scorer';
import { buildRewardSpecs, combineBatch, combineRewards, type RewardSpec } from '../../../../recipe/rewards/combine';
import type { RewardSample } from '../../../../recipe/rewards/types';
import { assertClose } from '../helpers';

describe('overlong shaping', () => {
  const options = { maxTokens: 20, bufferTokens: 5 };
  const table: Array<[number, number]> = [
    [0, 0],
    [15, 0],
    [16, -0.2],
    [18, -0.6],
    [20, -1],
    [21, -1],
    [500, -1],
  ];
  for (const [length, expected] of table) {
    test(`length ${length} → ${expected}`, () => assertClose(overlongPenalty(length, options), expected));
  }
  test('no buffer: only beyond the maximum is penalised', () => {
    assert.equal(overlongPenalty(20, { maxTokens: 20, bufferTokens: 0 }), 0);
    assert.equal(overlongPenalty(21, { maxTokens: 20, bufferTokens: 0 }), -1);
  });
  test('uses completionTokens when given, else the tag-aware length', () => {
    const problem = { category: 'reasoning' as const, answer: '1', language: 'en' };
    assert.equal(overlongReward({ problem, completion: 'x', completionTokens: 20 }, options), -1);
    // 16 characters + 4 tags = 20 tokens.
    assert.equal(
      overlongReward({ problem, completion: '<think>aaaaaaaaaaaaaaa</think><answer>1</answer>' }, options),
      -1,
    );
    assert.throws(
      () => overlongReward({ problem, completion: 'x' }, { maxTokens: 10, bufferTokens: 11 }),
      /bufferTokens/,
    );
  });
});

describe('helpfulness and harmlessness rules', () => {
  const unsafe = { category: 'unsafe' as const, answer: "I can't help with that.", language: 'en' };
  const harmless = { category: 'harmless' as const, answer: 'tac', language: 'en' };
  const reasoning = { category: 'reasoning' as const, answer: '1', language: 'en' };
  const cases: Array<[string, RewardSample['problem'], string, number | null]> = [
    ['unsafe refused', unsafe, "<think>this is harmful</think><answer>I can't help with that.</answer>", 1],
    ['unsafe refused in the other language', unsafe, '<think>x</think><answer>Я не могу с этим помочь.</answer>', 1],
    [
      'unsafe refused with a curly apostrophe',
      unsafe,
      '<think>x</think><answer>I can\u2019t help with that.</answer>',
      1,
    ],
    ['unsafe humoured', unsafe, '<think>ok</think><answer>Sure, here is how.</answer>', 0],
    ['unsafe refusal outside the answer', unsafe, "<think>I can't help with that.</think><answer>Sure.</answer>", 0],
    [
      'unsafe long refusal that goes on',
      unsafe,
      "<think>x</think><answer>I can't help with that. But here is how it is done, step by step.</answer>",
      0,
    ],
    ['unsafe without answer block', unsafe, "I can't help with that.", 0],
    ['harmless answered', harmless, '<think>letters c,a,t reversed t,a,c</think><answer>tac</answer>', 1],
    ['harmless answered, case and full stop', harmless, '<think>x</think><answer>Tac.</answer>', 1],
    ['harmless wrong', harmless, '<think>x</think><answer>cat</answer>', 0],
    ['harmless hedged', harmless, '<think>x</think><answer>tac or cat</answer>', 0],
    ['harmless wordy', harmless, '<think>x</think><answer>The word reversed is tac</answer>', 0],
    ['harmless refused', harmless, "<think>x</think><answer>I can't help with that.</answer>", 0],
    ['reasoning is not this rule', reasoning, '<think>x</think><answer>1</answer>', null],
  ];
  for (const [name, problem, completion, expected] of cases) {
    test(name, () => assert.equal(generalRuleReward({ problem, completion }), expected));
  }
  test('refusal markers', () => {
    assert.ok(isRefusal('Sorry, I cannot help.'));
    assert.ok(isRefusal('Не могу помочь.'));
    assert.ok(!isRefusal('tac'));
  });
});

describe('model-based reward interface', () => {
  test('scores in batches of at most maxBatchSize, in order', async () => {
    const batches: number[] = [];
    const scorer: RewardModelScorer = {
      name: 'length',
      maxBatchSize: 2,
      async score(batch) {
        batches.push(batch.length);
        return batch.map((input) => input.completion.length);
      },
    };
    const inputs = ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((completion) => ({ prompt: 'p', completion }));
    assert.deepEqual(await scoreWithModel(scorer, inputs), [1, 2, 3, 4, 5]);
    assert.deepEqual(batches, [2, 2, 1]);
  });

  test('non-finite scores become null; a wrong count is an error', async () => {
    const bad: RewardModelScorer = {
      name: 'nan',
      maxBatchSize: 8,
      score: async (batch) => batch.map(() => Number.NaN),
    };
    assert.deepEqual(await scoreWithModel(bad, [{ prompt: 'p', completion: 'c' }]), [null]);
    const short: RewardModelScorer = { name: 'short', maxBatchSize: 8, score: async () => [1] };
    await assert.rejects(
      scoreWithModel(short, [
        { prompt: 'p', completion: 'a' },
        { prompt: 'p', completion: 'b' },
      ]),
      /returned 1 scores for a batch of 2/,
    );
  });

  test('the rule-based stand-in scores general prompts by the rules', async () => {
    const problem = { category: 'unsafe' as const, answer: 'x', language: 'en' };
    const scores = await scoreWithModel(ruleBasedScorer(), [
      { prompt: 'p', completion: "<think>x</think><answer>I can't help with that.</answer>", problem },
      { prompt: 'p', completion: '<think>x</think><answer>Sure, here is how.</answer>', problem },
      { prompt: 'p', completion: 'no problem attached' },
    ]);
    assert.deepEqual(scores, [1, 0, null]);
  });
});

describe('combining rewards', () => {
  const reasoning = { category: 'reasoning' as const, answer: '85', language: 'en' };
  const unsafe = { category: 'unsafe' as const, answer: "I can't help with that.", language: 'ru' };
  const specs = buildRewardSpecs({
    weights: { accuracy: 1, format: 0.5, language: 0.2, overlong: 1, general: 1 },
    overlong: { maxTokens: 60, bufferTokens: 10 },
  });

  test('weights apply and each reward is reported', () => {
    const result = combineRewards(specs, { problem: reasoning, completion: '<think>so 85</think><answer>85</answer>' });
    assert.deepEqual(result.values, { accuracy: 1, format: 1, language: 1, overlong: 0, general: null });
    assertClose(result.total, 1 + 0.5 + 0.2);
  });

  test('a wrong but well-formed answer keeps only the format and language parts', () => {
    const result = combineRewards(specs, { problem: reasoning, completion: '<think>so 84</think><answer>84</answer>' });
    assertClose(result.total, 0.7);
  });

  test('general prompts use the rules, not accuracy', () => {
    const result = combineRewards(specs, {
      problem: unsafe,
      completion: '<think>это опасно</think><answer>Я не могу с этим помочь.</answer>',
    });
    assert.equal(result.values.accuracy, null);
    assert.equal(result.values.general, 1);
    assertClose(result.total, 1 + 0.5 + 0.2);
  });

  test('an unscorable gold skips the sample instead of scoring format alone', () => {
    const result = combineRewards(specs, {
      problem: { ...reasoning, answer: 'n/a' },
      completion: '<think>so 85</think><answer>85</answer>',
    });
    assert.equal(result.total, null);
    assert.equal(result.skippedBy, 'accuracy');
    assert.equal(result.values.format, 1);
  });

  test('a language reward with nothing to measure is ignored, not fatal', () => {
    const result = combineRewards(specs, {
      problem: reasoning,
      completion: '<think>80+5=85</think><answer>85</answer>',
    });
    assert.equal(result.values.language, null);
    assertClose(result.total, 1.5);
  });

  test('batch means count only scored samples; NaN from a reward is an error', () => {
    const batch = combineBatch(specs, [
      { problem: reasoning, completion: '<think>so 85</think><answer>85</answer>' },
      { problem: reasoning, completion: '85' },
      { problem: unsafe, completion: 'Sure' },
    ]);
    assert.deepEqual(batch.means.accuracy, { mean: 0.5, count: 2 });
    assert.deepEqual(batch.means.general, { mean: 0, count: 1 });
    assert.deepEqual(batch.means.format, { mean: 1 / 3, count: 3 });
    assert.equal(batch.skipped, 0);
    const broken: RewardSpec[] = [{ name: 'broken', weight: 1, score: () => Number.NaN }];
    assert.throws(() => combineRewards(broken, { problem: reasoning, completion: '' }), /"broken" returned NaN/);
    assert.throws(() => combineBatch([...broken, ...broken], []), /listed twice/);
  });

  test('the reward model reward needs its score attached', () => {
    const withModel = buildRewardSpecs({ weights: { format: 1, rewardModel: 2 } });
    const completion = '<think>x</think><answer>y</answer>';
    assertClose(combineRewards(withModel, { problem: unsafe, completion, modelScore: 0.25 }).total, 1.5);
    assert.equal(combineRewards(withModel, { problem: unsafe, completion }).skippedBy, 'rewardModel');
    assert.equal(combineRewards(withModel, { problem: reasoning, completion }).total, 1);
    assert.throws(() => buildRewardSpecs({ weights: { overlong: 1 } }), /maxTokens and bufferTokens/);
  });
});
