// Hostile tokenizer.json and tokenizer_config.json — arbitrary JSON, and a valid BPE tokenizer
// with any one field replaced — give a tokenizer or an Error naming the file, never a crash.
import fc from 'fast-check';
import { test } from 'node:test';
import { HfTokenizer } from '../../../../engine/tokenizer';
import { check, hostileJson, judge } from '../../fuzz-helpers';

const expected = { plainErrorMentions: 'fuzz/' };

function tokenizerJson(): Record<string, unknown> {
  return {
    version: '1.0',
    added_tokens: [{ id: 4, content: '<eos>', special: true, normalized: false }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2, Ġ: 3, '<eos>': 4 }, merges: [['a', 'b']] },
  };
}

test('tokenizer.json: arbitrary JSON is a tokenizer or an Error naming the file', () => {
  check(hostileJson, (json) => judge(() => new HfTokenizer({ tokenizerJson: json }, 'fuzz'), expected));
});

test('tokenizer.json and tokenizer_config.json: a valid tokenizer with one field replaced', () => {
  const field = fc.constantFrom(
    'version',
    'added_tokens',
    'pre_tokenizer',
    'decoder',
    'model',
    'model.vocab',
    'model.merges',
    'model.type',
  );
  check(
    fc.tuple(
      field,
      hostileJson,
      fc.dictionary(fc.constantFrom('eos_token', 'bos_token', 'chat_template', 'pad_token'), hostileJson),
    ),
    ([path, value, config]) => {
      const json = tokenizerJson();
      const [head, tail] = path.split('.');
      if (tail) (json[head!] as Record<string, unknown>)[tail] = value;
      else json[head!] = value;
      judge(() => new HfTokenizer({ tokenizerJson: json, tokenizerConfig: config }, 'fuzz'), expected);
    },
  );
});
