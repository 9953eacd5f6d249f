import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { solveArithmetic } from '../../../../recipe/task/arithmetic';
import { generateProblems, splitOf, resolveTaskOptions } from '../../../../recipe/task/generate';
import { taskAlphabet } from '../../../../recipe/task/alphabet';
import {
  problemToText,
  referenceCompletion,
  TINY_R1_ZERO_TEMPLATE,
  R1_ZERO_TEMPLATE,
} from '../../../../recipe/templates/r1zero';
import { splitOfKey } from '../../../../recipe/task/split';
import { tagAwareLength } from '../../../../recipe/util/tags';
import { scriptShare } from '../../../../recipe/util/scripts';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';
import { formatReward } from '../../../../recipe/rewards/format';
import { languageConsistencyReward } from '../../../../recipe/rewards/language';
import { generalRuleReward } from '../../../../recipe/rewards/general';
import { harmlessProblem, harmlessWorking, madeUpWord, MADE_UP_WORD_LENGTHS } from '../../../../recipe/task/general';
import { GENERAL_WORDS } from '../../../../recipe/task/phrases';
import { createRng } from '../../../../recipe/util/rng';
import type { Problem } from '../../../../recipe/task/types';

function operands(problem: Problem): [string, number, number] {
  const [op, a, b] = problem.key.split(':');
  return [op, Number(a), Number(b)];
}

describe('worked arithmetic', () => {
  const cases: Array<[Parameters<typeof solveArithmetic>, string, number]> = [
    [['add', 47, 38, 'en'], '7+8=15 carry 1; 4+3+1=8; so 85', 85],
    [['add', 41, 72, 'en'], '1+2=3; 4+7=11; so 113', 113],
    [['add', 99, 43, 'ru'], '9+3=12 перенос 1; 9+4+1=14; итого 142', 142],
    [['subtract', 52, 47, 'en'], '12-7=5 borrow 1; 5-4-1=0; so 5', 5],
    [['subtract', 93, 16, 'ru'], '13-6=7 заём 1; 9-1-1=7; итого 77', 77],
    [['subtract', 47, 85, 'en'], 'swap 85-47; 15-7=8 borrow 1; 8-4-1=3; so -38', -38],
    [['multiply', 47, 8, 'en'], '7*8=56 carry 5; 4*8+5=37; so 376', 376],
    [['multiply', 47, 38, 'en'], '47*8=376; 47*30=1410; sum 376+1410=1786; so 1786', 1786],
  ];
  for (const [args, reasoning, result] of cases) {
    test(`${args.slice(0, 3).join(' ')} (${args[3]})`, () => {
      const solution = solveArithmetic(...args);
      assert.equal(solution.reasoning, reasoning);
      assert.equal(solution.result, result);
    });
  }

  test('a dropped carry makes the chain and its result consistently wrong', () => {
    const solution = solveArithmetic('add', 47, 38, 'en', { dropCarryAt: 1 });
    assert.equal(solution.reasoning, '7+8=15 carry 1; 4+3=7; so 75');
    assert.equal(solution.result, 75);
  });
});

describe('task generator', () => {
  test('is deterministic for a seed and differs across seeds', () => {
    const a = generateProblems({ seed: 5, split: 'train', count: 200, kind: 'mixed' });
    const b = generateProblems({ seed: 5, split: 'train', count: 200, kind: 'mixed' });
    const c = generateProblems({ seed: 6, split: 'train', count: 200, kind: 'mixed' });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('every arithmetic answer is the true result and the reference completion scores fully', () => {
    for (const problem of generateProblems({ seed: 1, split: 'train', count: 500 })) {
      const [op, a, b] = operands(problem);
      const truth = op === 'add' ? a + b : op === 'subtract' ? a - b : a * b;
      assert.equal(problem.answer, String(truth), problem.key);
      assert.ok(truth >= 0, 'negative results are off by default');
      const sample = { problem, completion: referenceCompletion(problem) };
      assert.equal(accuracyReward(sample), 1, problem.key);
      assert.equal(formatReward(sample), 1, problem.key);
      assert.equal(languageConsistencyReward(sample), 1, problem.key);
    }
  });

  test('general prompts: harmless answers are checkable, unsafe ones expect a refusal', () => {
    const problems = generateProblems(
      { seed: 2, split: 'train', count: 300, kind: 'general' },
      { madeUpWordShare: 0.5 },
    );
    const categories = new Set(problems.map((p) => p.category));
    assert.deepEqual([...categories].sort(), ['harmless', 'unsafe']);
    for (const problem of problems) {
      const sample = { problem, completion: referenceCompletion(problem) };
      assert.equal(generalRuleReward(sample), 1, problem.key);
      assert.equal(formatReward(sample), 1, problem.key);
      assert.equal(languageConsistencyReward(sample), 1, problem.key);
      const word = problem.key.split(':')[2];
      if (problem.task === 'reverse') assert.equal(problem.answer, [...word].reverse().join(''));
      if (problem.task === 'count') assert.equal(problem.answer, String([...word].length));
      if (problem.task === 'echo') assert.equal(problem.answer, word);
    }
  });

  test('harmless reasoning numbers the letters: count reads the last number, reverse counts down', () => {
    assert.equal(harmlessProblem('count', 'green', 'en', 0).reasoning, 'letters 1g 2r 3e 4e 5n so 5');
    assert.equal(harmlessProblem('reverse', 'cat', 'en', 1).reasoning, 'letters 1c 2a 3t reversed 3t 2a 1c');
    assert.equal(harmlessProblem('reverse', 'кот', 'ru', 0).reasoning, 'буквы 1к 2о 3т наоборот 3т 2о 1к');
    assert.equal(harmlessProblem('echo', 'moon', 'en', 0).reasoning, 'letters 1m 2o 3o 4n');
    assert.equal(harmlessProblem('echo', 'кот', 'ru', 1).reasoning, 'буквы 1к 2о 3т');
    assert.equal(harmlessProblem('reverse', 'cat', 'en', 1).answer, 'tac');
  });

  test('a slip in a harmless reply shows in its reasoning, and the answer follows from it', () => {
    const cases: Array<[Parameters<typeof harmlessWorking>, string, string]> = [
      [['echo', 'lamp', 'en', { kind: 'swap', at: 1 }], 'letters 1l 2m 3a 4p', 'lmap'],
      [['count', 'lamp', 'en', { kind: 'drop', at: 2 }], 'letters 1l 2a 3p so 3', '3'],
      // a slip past the end is clamped to the last letter
      [['count', 'кот', 'ru', { kind: 'double', at: 9 }], 'буквы 1к 2о 3т 4т итого 4', '4'],
      // a swap changes no count
      [['count', 'lamp', 'en', { kind: 'swap', at: 0 }], 'letters 1l 2a 3m 4p so 4', '4'],
      [['reverse', 'cat', 'en', { kind: 'double', at: 0 }], 'letters 1c 2a 3t reversed 3t 3t 2a 1c', 'ttac'],
      [['reverse', 'cat', 'en', { kind: 'swap', at: 1 }], 'letters 1c 2a 3t reversed 3t 1c 2a', 'tca'],
      [['reverse', 'cat', 'en'], 'letters 1c 2a 3t reversed 3t 2a 1c', 'tac'],
    ];
    for (const [args, reasoning, answer] of cases)
      assert.deepEqual(harmlessWorking(...args), { reasoning, answer }, JSON.stringify(args));
  });

  test('made-up words: letters of the language, as long as listed words', () => {
    const rng = createRng(7);
    const lengths = new Set<number>();
    for (const language of ['en', 'ru'] as const) {
      const letters = new Set(GENERAL_WORDS[language].letters);
      for (let i = 0; i < 500; i++) {
        const word = madeUpWord(rng, language);
        lengths.add([...word].length);
        for (const letter of word) assert.ok(letters.has(letter), `${letter} in ${word}`);
      }
    }
    assert.deepEqual([...lengths].sort(), [MADE_UP_WORD_LENGTHS.min, 4, MADE_UP_WORD_LENGTHS.max]);
  });

  test('made-up words reach training prompts in the configured share, never eval prompts', () => {
    const options = { madeUpWordShare: 0.5 };
    const listed = (p: Problem) => GENERAL_WORDS[p.language as 'en' | 'ru'].words.includes(p.key.split(':')[2]);
    const train = generateProblems({ seed: 2, split: 'train', count: 2000, kind: 'general' }, options).filter(
      (p) => p.category === 'harmless',
    );
    const madeUp = train.filter((p) => !listed(p)).length / train.length;
    // A made-up word is sometimes a held-out key and is redrawn, so the share lands a bit below 0.5.
    assert.ok(madeUp > 0.4 && madeUp < 0.55, `made-up share ${madeUp}`);
    const evalSet = generateProblems({ seed: 2, split: 'eval', count: 40, kind: 'general', unique: true }, options);
    for (const p of evalSet)
      if (p.category === 'harmless') assert.ok(listed(p), `eval prompt on a made-up word: ${p.key}`);
    const without = generateProblems({ seed: 2, split: 'train', count: 500, kind: 'general' });
    assert.ok(without.filter((p) => p.category === 'harmless').every(listed), 'share 0 keeps to the word lists');
    assert.throws(() => resolveTaskOptions({ madeUpWordShare: 1.5 }), /task\.madeUpWordShare/);
  });

  test('prompts come in two scripts, each question written in its language', () => {
    const problems = generateProblems({ seed: 3, split: 'train', count: 300, kind: 'mixed' });
    const languages = new Set(problems.map((p) => p.language));
    assert.deepEqual([...languages].sort(), ['en', 'ru']);
    for (const p of problems) {
      assert.equal(scriptShare(p.question, p.language === 'en' ? 'Latin' : 'Cyrillic'), 1, p.question);
    }
  });

  test('train and eval splits share no problem, by key, for every kind and seed', () => {
    for (const kind of ['reasoning', 'general'] as const) {
      const train = new Set<string>();
      for (const seed of [1, 2, 3])
        for (const p of generateProblems({ seed, split: 'train', count: 2000, kind })) train.add(p.key);
      const evalSet = generateProblems({
        seed: 9,
        split: 'eval',
        count: kind === 'general' ? 40 : 300,
        kind,
        unique: true,
      });
      assert.ok(evalSet.length > 0);
      for (const p of evalSet) assert.ok(!train.has(p.key), `${p.key} is in both splits`);
    }
  });

  test('the split depends only on the canonical problem, never on wording or language', () => {
    const options = resolveTaskOptions();
    const train = generateProblems({ seed: 4, split: 'train', count: 500 });
    for (const p of train) {
      assert.equal(splitOf(p, options), 'train');
      assert.equal(splitOfKey(p.key, options.evalFraction, options.splitSalt), 'train');
    }
    // Roughly the configured share of the canonical problem space is held out.
    let held = 0;
    for (let a = 10; a < 100; a++)
      for (let b = 10; b < 100; b++) if (splitOfKey(`add:${a}:${b}`, 0.1) === 'eval') held++;
    assert.ok(held > 8100 * 0.07 && held < 8100 * 0.13, `held out ${held} of 8100`);
  });

  test('unique eval sets have no repeats, and asking for too many is a clear error', () => {
    const evalSet = generateProblems({ seed: 1, split: 'eval', count: 200, unique: true });
    assert.equal(new Set(evalSet.map((p) => `${p.key}|${p.language}`)).size, 200);
    assert.throws(
      () =>
        generateProblems(
          { seed: 1, split: 'eval', count: 100, unique: true },
          { digits: 1, operations: ['add'], evalFraction: 0.1 },
        ),
      /Could only generate \d+ of 100 distinct/,
    );
  });

  test('digits and operations are configurable and validated', () => {
    const problems = generateProblems(
      { seed: 1, split: 'train', count: 50 },
      { digits: 3, operations: ['multiply'], multiplierDigits: 2 },
    );
    for (const p of problems) {
      const [op, a, b] = operands(p);
      assert.equal(op, 'multiply');
      assert.ok(a >= 100 && a <= 999 && b >= 10 && b <= 99);
      assert.equal(accuracyReward({ problem: p, completion: referenceCompletion(p) }), 1);
    }
    assert.throws(() => resolveTaskOptions({ digits: 0 }), /task\.digits/);
    assert.throws(() => resolveTaskOptions({ operations: [] }), /task\.operations/);
    assert.throws(() => resolveTaskOptions({ evalFraction: 2 }), /task\.evalFraction/);
  });

  test('negative results when allowed', () => {
    const problems = generateProblems(
      { seed: 1, split: 'train', count: 200 },
      { operations: ['subtract'], allowNegative: true },
    );
    const negative = problems.filter((p) => Number(p.answer) < 0);
    assert.ok(negative.length > 20);
    for (const p of negative) assert.equal(accuracyReward({ problem: p, completion: referenceCompletion(p) }), 1);
  });

  test('tiny texts stay short: prompt <= 40 characters, completion <= 60 tokens', () => {
    const problems = generateProblems(
      { seed: 8, split: 'train', count: 3000, kind: 'mixed' },
      { madeUpWordShare: 0.5 },
    );
    for (const p of problems) {
      const { prompt, completion } = problemToText(p, TINY_R1_ZERO_TEMPLATE);
      assert.ok([...prompt].length <= 40, `prompt too long: ${JSON.stringify(prompt)}`);
      assert.ok(tagAwareLength(completion) <= 60, `completion too long: ${JSON.stringify(completion)}`);
    }
  });

  test('the alphabet covers every character the tasks emit, and nothing of the tags leaks in', () => {
    const alphabet = new Set(taskAlphabet());
    assert.equal(alphabet.size, taskAlphabet().length, 'no duplicates');
    const problems = generateProblems(
      { seed: 11, split: 'train', count: 3000, kind: 'mixed' },
      { madeUpWordShare: 0.5 },
    );
    for (const p of problems) {
      for (const template of [TINY_R1_ZERO_TEMPLATE, R1_ZERO_TEMPLATE]) {
        const { prompt, completion } = problemToText(p, template);
        for (const ch of (prompt + completion).replace(/<\/?(think|answer)>/g, ''))
          assert.ok(alphabet.has(ch), `missing ${JSON.stringify(ch)}`);
      }
    }
    for (const ch of ['{', '}', '<', '>']) assert.ok(!alphabet.has(ch), `${ch} should not be in the alphabet`);
    assert.ok(taskAlphabet(['Frage: {question} ß']).includes('ß'));
  });
});
