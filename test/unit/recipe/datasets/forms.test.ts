// The dataset forms a run can name: GSM8K, MATH and Countdown for reasoning, general chat for
// rejection SFT and final RL; each read from its fixture, and a bad line of each named by number.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonlProblems } from '../../../../recipe/datasets/jsonl';
import { accuracyReward } from '../../../../recipe/rewards/accuracy';
import { projectRoot } from '../../../../infra/paths';

const fixture = (name: string) => readFileSync(join(projectRoot, 'test', 'fixtures', 'datasets', name), 'utf8');

describe('dataset forms', () => {
  test('GSM8K: the answer after ####, the worked solution kept as reasoning', () => {
    const { problems, report } = parseJsonlProblems(fixture('gsm8k.jsonl'), { source: 'gsm8k.jsonl' });
    assert.equal(report.kept, 8);
    assert.deepEqual(
      problems.map((p) => p.answer),
      ['12', '10', '16', '5', '12', '180', '100', '9'],
    );
    assert.equal(problems[0].reasoning, 'Each box has 4 apples, so 3 boxes have 3*4 = 12 apples.');
    assert.ok(problems.every((p) => p.category === 'reasoning' && p.task === 'dataset'));
  });

  test('MATH: the last \\boxed{} of the solution is the answer, the solution the reasoning', () => {
    const { problems } = parseJsonlProblems(fixture('math.jsonl'), { source: 'math.jsonl' });
    assert.deepEqual(
      problems.map((p) => p.answer),
      ['\\frac{3}{4}', '4', '7', '81', '180', '\\frac{3}{4}', '132', '2'],
    );
    assert.match(problems[0].question, /^What is \$\\frac\{1\}\{2\}/);
    assert.match(problems[1].reasoning ?? '', /Subtracting 3/);
    // the verifier judges the LaTeX answer: 0.75 is 3/4
    assert.equal(accuracyReward({ problem: problems[0], completion: '<think>x</think><answer>0.75</answer>' }), 1);
    assert.equal(accuracyReward({ problem: problems[0], completion: '<think>x</think><answer>0.7</answer>' }), 0);
  });

  test('Countdown: numbers and a target, the question of the built-in task, graded by evaluating', () => {
    const { problems } = parseJsonlProblems(fixture('countdown.jsonl'), { source: 'countdown.jsonl' });
    assert.equal(problems.length, 8);
    assert.deepEqual(problems[0].countdown, { numbers: [3, 5, 2], target: 13 });
    assert.equal(problems[0].task, 'countdown');
    assert.equal(problems[0].question, 'Using the numbers 3, 5, 2, make 13. Use each number once and + - * / ( ).');
    assert.equal(accuracyReward({ problem: problems[0], completion: '<think>x</think><answer>3 + 5*2</answer>' }), 1);
    assert.equal(accuracyReward({ problem: problems[0], completion: '<think>x</think><answer>13</answer>' }), 0);
  });

  test('general chat: prompt/reply and messages rows; refuse marks the unsafe ones', () => {
    const { problems } = parseJsonlProblems(fixture('chat.jsonl'), { source: 'chat.jsonl', rows: 'chat' });
    assert.deepEqual(
      problems.map((p) => [p.category, p.question, p.answer]),
      [
        ['harmless', 'Say hello in one word.', 'Hello!'],
        ['harmless', 'Name a primary colour.', 'Red.'],
        ['harmless', 'Repeat the word cat.', 'cat'],
        ['unsafe', 'How do I pick a lock to break into a house?', "I can't help with breaking into a house."],
        ['harmless', 'What is the opposite of up?', 'Down.'],
        ['harmless', 'Count from 1 to 3.', '1 2 3'],
        ['unsafe', 'Write a threat to send to my neighbour.', "I won't write threats."],
        ['harmless', 'Spell dog backwards.', 'god'],
      ],
    );
  });

  // each form's own mistakes, on line 2 after a good line 1
  const bad: Array<[string, string, Parameters<typeof parseJsonlProblems>[1], string]> = [
    [
      'GSM8K',
      '{"question":"q","answer":"#### 1"}\n{"question":"q2","answer":"so 4"}',
      { answerFormat: 'gsm8k' },
      'line 2: field "answer" has no final answer after "####"',
    ],
    [
      'MATH',
      '{"problem":"p","solution":"\\\\boxed{1}"}\n{"problem":"p2","solution":"so \\\\boxed{3"}',
      { answerFormat: 'math' },
      'line 2: field "solution" has a \\boxed{} whose braces do not balance',
    ],
    [
      'Countdown',
      '{"nums":[1,2],"target":3}\n{"nums":"1 2","target":3}',
      {},
      'line 2: field "nums" must be a list of at least two positive whole numbers',
    ],
    [
      'Countdown target',
      '{"nums":[1,2],"target":3}\n{"nums":[1,2],"target":"3"}',
      {},
      'line 2: field "target" must be a whole number',
    ],
    [
      'chat messages',
      '{"prompt":"a","reply":"b"}\n{"messages":[{"role":"user","content":"hi"}]}',
      { rows: 'chat' },
      `line 2: field "messages" must end with a user turn and the assistant's reply`,
    ],
    [
      'chat reply',
      '{"prompt":"a","reply":"b"}\n{"prompt":"c"}',
      { rows: 'chat' },
      'line 2: field "reply" (or "answer" or "final_answer" or "solution") is missing',
    ],
    [
      'chat refuse',
      '{"prompt":"a","reply":"b"}\n{"prompt":"c","reply":"d","refuse":"yes"}',
      { rows: 'chat' },
      'line 2: field "refuse" must be true or false',
    ],
  ];
  for (const [form, text, options, message] of bad) {
    test(`${form}: a bad line is named by its number`, () => {
      assert.throws(
        () => parseJsonlProblems(text, { ...options, source: 'data.jsonl' }),
        (error: Error) => {
          assert.ok(error.message.startsWith(`data.jsonl ${message}`), error.message);
          return true;
        },
      );
    });
  }
});
