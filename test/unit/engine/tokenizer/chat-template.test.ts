import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChatTemplate } from '../../../../engine/tokenizer';

// What transformers passes to a template besides the messages (see its apply_chat_template):
// special tokens by name, tools/documents as None when absent, extra variables over the tokens.
describe('ChatTemplate', () => {
  const specials = { bos_token: '<s>', eos_token: '</s>' };

  test('special tokens, add_generation_prompt and extra variables reach the template', () => {
    const template = new ChatTemplate(
      '{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}' +
        '{% if add_generation_prompt %}[assistant]{% endif %}{% if tools is none %}(no tools){% endif %}{{ greeting }}',
      'm/tokenizer_config.json',
      specials,
    );
    assert.equal(
      template.render([{ role: 'user', content: 'hi' }], { addGenerationPrompt: true, variables: { greeting: '!' } }),
      '<s>[user]hi</s>[assistant](no tools)!',
    );
    assert.equal(
      template.render([{ role: 'user', content: 'hi' }], { variables: { eos_token: '<END>' } }),
      '<s>[user]hi<END>(no tools)',
    );
  });

  test('null fields are dropped and reasoning is offered under every name, as transformers does', () => {
    const template = new ChatTemplate(
      '{% for m in messages %}{{ m.reasoning_content }}|{{ m.thinking }}|{{ m.tool_calls is defined }}{% endfor %}',
      'x',
      {},
    );
    assert.equal(template.render([{ role: 'assistant', content: '4', reasoning: 'r', tool_calls: null }]), 'r|r|false');
  });

  test('named templates: tool_use is chosen when tools are given, default otherwise', () => {
    const template = new ChatTemplate(
      [
        { name: 'default', template: 'plain' },
        { name: 'tool_use', template: 'tools: {{ tools | length }}' },
      ],
      'x',
      {},
    );
    assert.equal(template.render([]), 'plain');
    assert.equal(template.render([], { tools: [{ name: 'f' }] }), 'tools: 1');
  });

  test('errors name the file and the field', () => {
    assert.throws(() => new ChatTemplate(42, 'm/tokenizer_config.json', {}), {
      message: 'm/tokenizer_config.json field "chat_template" must be a string or a list of named templates.',
    });
    const raising = new ChatTemplate("{{ raise_exception('only user turns') }}", 'm/tokenizer_config.json', {});
    assert.throws(
      () => raising.render([]),
      /^Error: Chat template of m\/tokenizer_config\.json failed: .*only user turns/,
    );
    const noDefault = new ChatTemplate([{ name: 'rag', template: 'x' }], 'm/tokenizer_config.json', {});
    assert.throws(() => noDefault.render([]), /has several templates \(rag\) and none is named "default"/);
  });
});
