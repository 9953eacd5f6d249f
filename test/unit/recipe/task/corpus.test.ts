import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCorpus } from '../../../../recipe/task/corpus';
import { generateProblems, resolveTaskOptions, splitOf } from '../../../../recipe/task/generate';
import { taskAlphabet } from '../../../../recipe/task/alphabet';
import { GENERAL_WORDS } from '../../../../recipe/task/phrases';
import { TINY_R1_ZERO_TEMPLATE } from '../../../../recipe/templates/r1zero';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';
import { formatReward } from '../../../../recipe/rewards/format';
import { languageConsistencyReward } from '../../../../recipe/rewards/language';
import type { Problem } from '../../../../recipe/task/types';

const corpus = generateCorpus({ seed: 3, documents: 4000 });

/** Splits a corpus document into question and completion when it is a prompted one. */
function parse(doc: string): { question: string; completion: string } | null {
  const match = /^Q: (.*)\nA: ([\s\S]*)$/.exec(doc);
  return match ? { question: match[1], completion: match[2] } : null;
}

describe('pretraining corpus', () => {
  test('is deterministic for a seed', () => {
    const again = generateCorpus({ seed: 3, documents: 4000 });
    assert.deepEqual(again.documents, corpus.documents);
    assert.notDeepEqual(generateCorpus({ seed: 4, documents: 200 }).documents, corpus.documents.slice(0, 200));
  });

  test('follows the mix and contains every kind', () => {
    assert.equal(corpus.documents.length, 4000);
    const total = Object.values(corpus.counts).reduce((s, n) => s + n, 0);
    assert.equal(total, 4000);
    // Default weights 0.3/0.2/0.15/0.15/0.1/0.1, within sampling noise.
    const expected = { tagged: 0.3, untagged: 0.2, drift: 0.15, facts: 0.15, harmless: 0.1, unsafe: 0.1 };
    for (const [kind, share] of Object.entries(expected)) {
      const got = corpus.counts[kind as keyof typeof expected] / 4000;
      assert.ok(Math.abs(got - share) < 0.03, `${kind}: ${got} vs ${share}`);
    }
    assert.ok(corpus.wrong > 0.15 * 4000 && corpus.wrong < 0.45 * 4000, `wrong documents: ${corpus.wrong}`);
  });

  test('never contains an eval problem', () => {
    const options = resolveTaskOptions();
    assert.equal(corpus.problems.length, corpus.documents.length);
    for (const problem of corpus.problems) if (problem) assert.equal(splitOf(problem, options), 'train', problem.key);
    const evalReasoning = generateProblems({ seed: 1, split: 'eval', count: 300, kind: 'reasoning', unique: true });
    const evalGeneral = generateProblems({ seed: 1, split: 'eval', count: 40, kind: 'general', unique: true });
    const questions = new Set(corpus.documents.map((d) => parse(d)?.question).filter(Boolean));
    const equations = new Set(
      corpus.documents.flatMap((d) => (parse(d) ? [] : d.split('\n'))).map((line) => line.split('=')[0]),
    );
    const symbol: Record<string, string> = { add: '+', subtract: '-', multiply: '*' };
    for (const p of [...evalReasoning, ...evalGeneral])
      assert.ok(!questions.has(p.question), `eval question in corpus: ${p.question}`);
    for (const p of evalReasoning) {
      const [op, a, b] = p.key.split(':');
      assert.ok(!equations.has(`${a}${symbol[op]}${b}`), `eval equation in corpus: ${p.key}`);
    }
  });

  test('with made-up words, harmless documents ask about them in the configured share, all from training', () => {
    const task = { madeUpWordShare: 0.5 };
    const options = resolveTaskOptions(task);
    const withMadeUp = generateCorpus({ seed: 3, documents: 3000, task });
    const harmless = withMadeUp.problems.filter((p): p is Problem => p?.category === 'harmless');
    const madeUp = harmless.filter(
      (p) => !GENERAL_WORDS[p.language as 'en' | 'ru'].words.includes(p.key.split(':')[2]),
    );
    assert.ok(madeUp.length / harmless.length > 0.4 && madeUp.length / harmless.length < 0.55, `${madeUp.length}`);
    for (const p of harmless) assert.equal(splitOf(p, options), 'train', p.key);
    const alphabet = new Set(taskAlphabet());
    for (const p of madeUp) for (const ch of p.question) assert.ok(alphabet.has(ch), `${ch} of ${p.question}`);
  });

  test('harmless replies follow from their reasoning; the wrong ones carry a slip in it', () => {
    const harmless = generateCorpus({
      seed: 5,
      documents: 3000,
      mix: { tagged: 0, untagged: 0, drift: 0, facts: 0, harmless: 1, unsafe: 0 },
      overRefusalRate: 0,
      harmlessMistakeRate: 0.3,
      task: { madeUpWordShare: 0.5 },
    });
    let tagged = 0;
    let wrong = 0;
    harmless.documents.forEach((doc, i) => {
      const problem = harmless.problems[i]!;
      const match = /<think>(.*)<\/think><answer>(.*)<\/answer>$/.exec(doc);
      if (!match) return;
      tagged++;
      const [, thought, answer] = match;
      const entries = [...thought!.matchAll(/(\d)(\p{L})/gu)].map((m) => m[2]);
      if (problem.task === 'echo') assert.equal(answer, entries.join(''), doc);
      if (problem.task === 'count') {
        assert.equal(answer, String(entries.length), doc);
        assert.ok(thought!.endsWith(` ${answer}`), doc);
      }
      if (problem.task === 'reverse')
        assert.equal(answer, entries.slice(entries.length - [...answer!].length).join(''), doc);
      if (answer !== problem.answer) wrong++;
    });
    assert.ok(tagged > 1800, `tagged harmless documents: ${tagged}`);
    // A slip that changes nothing (two equal letters swapped) leaves the reply right.
    assert.ok(wrong / tagged > 0.2 && wrong / tagged < 0.33, `wrong share ${wrong / tagged}`);
  });

  test('is partly right: mixed formats, drift, mistakes, refusals and compliance', () => {
    let tagged = 0;
    let wellFormed = 0;
    let correct = 0;
    let drifted = 0;
    let refusals = 0;
    let compliance = 0;
    let prompted = 0;
    for (const doc of corpus.documents) {
      const parts = parse(doc);
      if (!parts) continue;
      prompted++;
      if (doc.includes('<think>')) tagged++;
      const isRussian = /[а-я]/i.test(parts.question);
      const problem: Pick<Problem, 'category' | 'answer' | 'language' | 'question'> = {
        category: 'reasoning',
        answer: '0',
        language: isRussian ? 'ru' : 'en',
        question: parts.question,
      };
      const sample = { problem, completion: parts.completion };
      if (formatReward(sample) === 1) wellFormed++;
      const consistency = languageConsistencyReward(sample);
      if (consistency !== null && consistency < 1 && doc.includes('<answer>')) drifted++;
      if (/can't help|не могу/.test(parts.completion)) refusals++;
      if (/Sure, here is how|Конечно, вот как/.test(parts.completion)) compliance++;
      if (/^(Add \d+ and \d+\.|What is \d+\+\d+\?)$/.test(parts.question)) {
        const nums = parts.question.match(/\d+/g)!.map(Number);
        if (accuracyReward({ ...sample, problem: { ...problem, answer: String(nums[0] + nums[1]) } }) === 1) correct++;
      }
    }
    const share = (n: number) => n / prompted;
    assert.ok(share(tagged) > 0.4 && share(tagged) < 0.95, `tagged share ${share(tagged)}`);
    assert.ok(share(wellFormed) > 0.3 && share(wellFormed) < 0.9, `well-formed share ${share(wellFormed)}`);
    assert.ok(drifted > 100, `drifted documents: ${drifted}`);
    assert.ok(refusals > 50 && compliance > 50, `refusals ${refusals}, compliance ${compliance}`);
    assert.ok(correct > 50, `some English addition documents are fully correct: ${correct}`);
  });

  test('only uses characters of the task alphabet', () => {
    const alphabet = new Set(taskAlphabet());
    for (const doc of corpus.documents) {
      for (const ch of doc.replace(/<\/?(think|answer)>/g, ''))
        assert.ok(alphabet.has(ch), `missing ${JSON.stringify(ch)} in ${doc}`);
    }
  });

  test('documents are short', () => {
    for (const doc of corpus.documents) assert.ok(doc.length <= 120, `long document: ${doc}`);
    assert.ok(corpus.documents.every((d) => d.startsWith('Q: ') || /^\d/.test(d)));
    assert.equal(TINY_R1_ZERO_TEMPLATE, 'Q: {question}\nA: ');
  });

  test('bad options are clear errors', () => {
    assert.throws(
      () =>
        generateCorpus({
          seed: 1,
          documents: 1,
          mix: { tagged: 0, untagged: 0, drift: 0, facts: 0, harmless: 0, unsafe: 0 },
        }),
      /at least one kind/,
    );
    assert.throws(() => generateCorpus({ seed: 1, documents: 1, mistakeRate: 1.5 }), /corpus\.mistakeRate/);
  });
});
