import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { languageConsistencyReward } from '../../../../recipe/rewards/language';
import { dominantScript, scriptOfLanguage, scriptShare, scriptWords } from '../../../../recipe/util/scripts';
import { assertClose } from '../helpers';

const en = { category: 'reasoning' as const, answer: '85', language: 'en' };
const ru = { category: 'reasoning' as const, answer: '85', language: 'ru' };

describe('language detection by script', () => {
  test('words are runs of one script; digits and punctuation are not words', () => {
    assert.deepEqual(scriptWords('7+8=15 carry 1; итого 85'), [
      { word: 'carry', script: 'Latin' },
      { word: 'итого', script: 'Cyrillic' },
    ]);
    assert.deepEqual(
      scriptWords('carryперенос').map((w) => w.script),
      ['Latin', 'Cyrillic'],
    );
    assert.deepEqual(
      scriptWords('数学 ok').map((w) => w.word),
      ['数', '学', 'ok'],
    );
    assert.deepEqual(
      scriptWords('ภาษา').map((w) => w.script),
      ['Other'],
    );
  });

  const shares: Array<[string, 'Latin' | 'Cyrillic', number | null]> = [
    ['so 85', 'Latin', 1],
    ['so 85', 'Cyrillic', 0],
    ['перенос 1 so итого', 'Cyrillic', 2 / 3],
    ['the word is кот', 'Latin', 3 / 4],
    ['Hello, мир! ok', 'Cyrillic', 1 / 3],
    ['1+2=3; 4*5=20', 'Latin', null],
    ['', 'Latin', null],
    ['naïve café', 'Latin', 1],
  ];
  for (const [text, script, expected] of shares) {
    test(`share of ${script} in ${JSON.stringify(text)}`, () => {
      const got = scriptShare(text, script);
      if (expected === null) assert.equal(got, null);
      else assertClose(got, expected);
    });
  }

  test('language codes map to scripts; the dominant script of mixed text', () => {
    assert.equal(scriptOfLanguage('en'), 'Latin');
    assert.equal(scriptOfLanguage('ru-RU'), 'Cyrillic');
    assert.equal(scriptOfLanguage('xx'), null);
    assert.equal(dominantScript('один два three'), 'Cyrillic');
    assert.equal(dominantScript('42'), null);
  });
});

describe('language consistency reward', () => {
  const cases: Array<[string, typeof en, string, number | null]> = [
    ['english chain for english prompt', en, '<think>7+8=15 carry 1; so 85</think><answer>85</answer>', 1],
    ['english chain for russian prompt', ru, '<think>7+8=15 carry 1; so 85</think><answer>85</answer>', 0],
    ['drift mid-chain', ru, '<think>7+8=15 перенос 1; so 85</think><answer>85</answer>', 0.5],
    ['answer words do not count', en, '<think>so 85</think><answer>итого 85</answer>', 1],
    ['no think block', en, '<answer>85</answer>', 0],
    ['no words in the chain', en, '<think>7+8=15</think><answer>85</answer>', null],
    ['all think blocks are read', ru, '<think>итого</think><think>so</think><answer>1</answer>', 0.5],
  ];
  for (const [name, problem, completion, expected] of cases) {
    test(name, () => {
      const got = languageConsistencyReward({ problem, completion });
      if (expected === null) assert.equal(got, null);
      else assertClose(got, expected);
    });
  }

  test('an unknown language code falls back to the question script', () => {
    const problem = { category: 'reasoning' as const, answer: '1', language: 'und', question: 'Сколько будет 1+0?' };
    assert.equal(languageConsistencyReward({ problem, completion: '<think>итого 1</think><answer>1</answer>' }), 1);
    assert.equal(
      languageConsistencyReward({
        problem: { ...problem, question: '1+0?' },
        completion: '<think>so 1</think><answer>1</answer>',
      }),
      null,
    );
  });
});
