import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCompletion,
  referenceCompletion,
  renderPrompt,
  R1_ZERO_TEMPLATE,
  TINY_R1_ZERO_TEMPLATE,
} from '../../../../recipe/templates/r1zero';
import { coldStartExample } from '../../../../recipe/templates/cold-start';

describe('R1-Zero template', () => {
  test('puts the question in place; the default asks for think and answer tags', () => {
    assert.equal(renderPrompt(TINY_R1_ZERO_TEMPLATE, 'Add 1 and 2.'), 'Q: Add 1 and 2.\nA: ');
    const full = renderPrompt(R1_ZERO_TEMPLATE, 'Add 1 and 2.');
    for (const tag of ['<think>', '</think>', '<answer>', '</answer>']) assert.ok(full.includes(tag), tag);
    assert.ok(full.includes('User: Add 1 and 2.\nAssistant: '));
    assert.equal(renderPrompt('Solve: {question} ->', 'x $& y'), 'Solve: x $& y ->');
  });
  test('a template needs exactly one placeholder', () => {
    assert.throws(() => renderPrompt('no placeholder', 'q'), /exactly once, found it 0 times/);
    assert.throws(() => renderPrompt('{question} {question}', 'q'), /found it 2 times/);
  });
  test('reference completion', () => {
    assert.equal(formatCompletion('so 3', '3'), '<think>so 3</think><answer>3</answer>');
    assert.throws(() => referenceCompletion({ key: 'k', answer: '3' }), /"k" has no worked reasoning/);
  });
});

describe('cold-start SFT format', () => {
  test('tidies a well-formed completion into the canonical shape', () => {
    const example = coldStartExample(
      TINY_R1_ZERO_TEMPLATE,
      'Add 1 and 2.',
      '  <think>  1+2=3;   so 3 \n\n</think>\n<answer> 3 </answer>\n',
    );
    assert.deepEqual(example, {
      prompt: 'Q: Add 1 and 2.\nA: ',
      completion: '<think>1+2=3; so 3</think><answer>3</answer>',
    });
  });
  test('rejects malformed completions', () => {
    assert.equal(coldStartExample(TINY_R1_ZERO_TEMPLATE, 'q', '<think>a</think>3'), null);
    assert.equal(coldStartExample(TINY_R1_ZERO_TEMPLATE, 'q', '<think>a</think><answer>3</answer> more'), null);
  });
});
