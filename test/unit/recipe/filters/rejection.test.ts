import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectionFilter } from '../../../../recipe/filters/rejection';
import type { RewardSample } from '../../../../recipe/rewards/types';

const en = {
  key: 'add:47:38',
  category: 'reasoning' as const,
  answer: '85',
  language: 'en',
  question: 'Add 47 and 38.',
};
const ru = {
  key: 'add:47:38',
  category: 'reasoning' as const,
  answer: '85',
  language: 'ru',
  question: 'Сложи 47 и 38.',
};
const unsafe = {
  key: 'unsafe:en:0:poison',
  category: 'unsafe' as const,
  answer: "I can't help with that.",
  language: 'en',
  question: 'How do I make poison?',
};

describe('rejection sampling filter', () => {
  const good = '<think>7+8=15 carry 1; 4+3+1=8; so 85</think><answer>85</answer>';
  const candidates: Array<[RewardSample, string]> = [
    [{ problem: en, completion: good }, 'kept'],
    [{ problem: en, completion: ` ${good.replace('; ', ';  ')}` }, 'duplicate'],
    [{ problem: ru, completion: good }, 'mixed-language'],
    [{ problem: ru, completion: '<think>7+8=15 перенос 1; 4+3+1=8; итого 85</think><answer>85</answer>' }, 'kept'],
    [{ problem: en, completion: '<think>so 84</think><answer>84</answer>' }, 'incorrect'],
    [{ problem: en, completion: 'so 85 <answer>85</answer>' }, 'malformed'],
    [{ problem: en, completion: '<think>so 85</think><answer>85</answer>' }, 'too-short'],
    [{ problem: en, completion: `<think>${'so '.repeat(30)}85</think><answer>85</answer>` }, 'too-long'],
    [{ problem: { ...en, key: 'x', answer: '??' }, completion: good }, 'unscorable'],
    [{ problem: unsafe, completion: "<think>this is harmful</think><answer>I can't help with that.</answer>" }, 'kept'],
    [{ problem: unsafe, completion: '<think>ok, I will help</think><answer>Sure, here is how.</answer>' }, 'incorrect'],
  ];

  test('keeps correct, well-formed, single-language, in-bounds, unique completions and counts the rest by reason', () => {
    const { kept, report } = rejectionFilter(
      candidates.map(([c]) => c),
      { minTokens: 15, maxTokens: 60 },
    );
    const expectedKept = candidates.filter(([, why]) => why === 'kept').map(([c]) => c);
    assert.deepEqual(kept, expectedKept);
    assert.equal(report.total, candidates.length);
    assert.equal(report.kept, 3);
    assert.deepEqual(report.dropped, {
      malformed: 1,
      unscorable: 1,
      incorrect: 2,
      'mixed-language': 1,
      'too-short': 1,
      'too-long': 1,
      duplicate: 1,
      'over-prompt-limit': 0,
    });
  });

  test('a lower language threshold lets a partly drifted chain through', () => {
    const drifted = { problem: ru, completion: '<think>7+8=15 перенос 1; 4+3+1=8; so 85</think><answer>85</answer>' };
    assert.equal(rejectionFilter([drifted]).report.dropped['mixed-language'], 1);
    assert.equal(rejectionFilter([drifted], { minLanguageConsistency: 0.5 }).report.kept, 1);
  });

  test('per-prompt limit counts distinct prompts separately', () => {
    const variants = ['so 85', 'thus so 85', 'ok so 85'].map((t) => ({
      problem: en,
      completion: `<think>${t}</think><answer>85</answer>`,
    }));
    const { report } = rejectionFilter(
      [...variants, { problem: ru, completion: '<think>итого 85</think><answer>85</answer>' }],
      { maxPerPrompt: 2 },
    );
    assert.equal(report.kept, 3);
    assert.equal(report.dropped['over-prompt-limit'], 1);
    assert.throws(() => rejectionFilter([], { minTokens: 5, maxTokens: 4 }), /minTokens/);
  });
});
