import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonlProblemLines, parseJsonlProblems } from '../../../../recipe/datasets/jsonl';
import { extractGsm8kAnswer, gsm8kReasoning } from '../../../../recipe/datasets/gsm8k';
import { readJsonlFile } from '../../../../recipe/datasets/local-file';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';

describe('GSM8K answers', () => {
  test('the answer after the last ####, and the solution without calculator notes', () => {
    const text = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nAltogether 48+24 = <<48+24=72>>72.\n#### 72';
    assert.equal(extractGsm8kAnswer(text), '72');
    assert.equal(gsm8kReasoning(text), 'Natalia sold 48/2 = 24 clips in May.\nAltogether 48+24 = 72.');
    assert.equal(extractGsm8kAnswer('#### 1,234'), '1,234');
    assert.equal(extractGsm8kAnswer('no marker'), null);
    assert.equal(extractGsm8kAnswer('text ####   '), null);
  });
});

describe('JSONL datasets', () => {
  const good = [
    JSON.stringify({ question: 'What is 2+2?', answer: 'Two and two.\n#### 4' }),
    JSON.stringify({ question: 'Сколько будет 3+3?', answer: 6 }),
    '',
    JSON.stringify({ prompt: 'How many?', answer: '#### 7,425,000', language: 'en' }),
  ].join('\n');

  test('maps default fields, understands #### answers, detects the language', () => {
    const { problems, report } = parseJsonlProblems(good, { source: 'train.jsonl' });
    assert.deepEqual(
      problems.map((p) => [p.question, p.answer, p.language, p.category]),
      [
        ['What is 2+2?', '4', 'en', 'reasoning'],
        ['Сколько будет 3+3?', '6', 'ru', 'reasoning'],
        ['How many?', '7,425,000', 'en', 'reasoning'],
      ],
    );
    assert.equal(problems[0].reasoning, 'Two and two.');
    assert.deepEqual(report, { source: 'train.jsonl', lines: 4, blank: 1, kept: 3, skipped: 0, errors: [] });
    assert.equal(accuracyReward({ problem: problems[2], completion: '<think>x</think><answer>7425000</answer>' }), 1);
    assert.ok(problems.every((p) => p.key.startsWith('dataset:')));
    assert.notEqual(problems[0].key, problems[1].key);
  });

  test('custom field names, fixed language, plain answers', () => {
    const text = JSON.stringify({ q: 'Q1', a: 'keep #### as is', id: 17 });
    const { problems } = parseJsonlProblems(text, {
      fields: { question: 'q', answer: ['a'] },
      answerFormat: 'plain',
      defaultLanguage: 'de',
    });
    assert.deepEqual(problems, [
      {
        key: 'dataset:17',
        category: 'reasoning',
        task: 'dataset',
        language: 'de',
        question: 'Q1',
        answer: 'keep #### as is',
      },
    ]);
  });

  const bad: Array<[string, string]> = [
    ['{"question": "q"', 'line 1: invalid JSON'],
    ['[1, 2]', 'line 1: each line must be a JSON object'],
    ['"just a string"', 'line 1: each line must be a JSON object'],
    ['{"answer": "1"}', 'line 1: field "question" or "prompt" or "problem" is missing'],
    ['{"question": "  ", "answer": "1"}', 'line 1: field "question" must not be empty'],
    ['{"question": 5, "answer": "1"}', 'line 1: field "question" must be a string'],
    ['{"question": "q"}', 'line 1: field "answer" or "final_answer" or "solution" is missing'],
    ['{"question": "q", "answer": true}', 'line 1: field "answer" must be a string or a number'],
    ['{"question": "q", "answer": "text #### "}', 'line 1: field "answer" has no final answer after "####"'],
    ['{"question": "q", "answer": " "}', 'line 1: field "answer" must not be empty'],
    ['{"question": "q", "answer": "1", "language": "English!"}', 'line 1: field "language" must be a language code'],
  ];
  for (const [line, message] of bad) {
    test(`fail mode: ${message}`, () => {
      assert.throws(
        () => parseJsonlProblems(line, { source: 'data.jsonl' }),
        (error: Error) => {
          assert.ok(error.message.startsWith(`data.jsonl ${message}`), error.message);
          return true;
        },
      );
    });
  }

  test('gsm8k mode requires the marker', () => {
    assert.throws(
      () => parseJsonlProblems('{"question":"q","answer":"4"}', { answerFormat: 'gsm8k' }),
      /line 1: field "answer" has no final answer/,
    );
  });

  test('skip mode counts and lists bad lines by number and keeps the rest', () => {
    const text = [
      '{"question":"a","answer":"1"}',
      'oops',
      '',
      '{"question":"b"}',
      '{"question":"c","answer":"3"}',
    ].join('\n');
    const { problems, report } = parseJsonlProblems(text, { onBadLine: 'skip', source: 's' });
    assert.deepEqual(
      problems.map((p) => p.question),
      ['a', 'c'],
    );
    assert.equal(report.kept, 2);
    assert.equal(report.skipped, 2);
    assert.equal(report.blank, 1);
    assert.equal(report.lines, 5);
    assert.deepEqual(
      report.errors.map((e) => e.line),
      [2, 4],
    );
    assert.match(report.errors[0].reason, /^invalid JSON/);
    assert.match(report.errors[1].reason, /field "answer" or .* is missing/);
  });

  test('line sources: arrays, async iterables, CRLF and a BOM', async () => {
    async function* lines() {
      yield '\uFEFF{"question":"a","answer":"1"}\r';
      yield '{"question":"b","answer":"2"}';
    }
    const fromAsync = await parseJsonlProblemLines(lines());
    assert.deepEqual(
      fromAsync.problems.map((p) => p.answer),
      ['1', '2'],
    );
    const fromArray = await parseJsonlProblemLines(['{"question":"a","answer":"1"}']);
    assert.equal(fromArray.report.kept, 1);
  });

  test('local files are read line by line; a missing file names the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recipe-jsonl-'));
    try {
      const path = join(dir, 'gsm.jsonl');
      await writeFile(path, `${JSON.stringify({ question: 'q1', answer: 'so\n#### 12' })}\nnot json\n`);
      const { problems, report } = await readJsonlFile(path, { onBadLine: 'skip' });
      assert.deepEqual(
        problems.map((p) => p.answer),
        ['12'],
      );
      assert.deepEqual(
        report.errors.map((e) => e.line),
        [2],
      );
      assert.equal(report.source, path);
      await assert.rejects(
        readJsonlFile(path),
        new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 2: invalid JSON`),
      );
      await assert.rejects(readJsonlFile(join(dir, 'missing.jsonl')), /missing\.jsonl does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
