import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HfTokenizer } from '../../../../engine/tokenizer';

// A hand-written byte-level BPE tokenizer.json, small enough to read: each test breaks one field.
function tokenizerJson(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: 4, content: '<eos>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: { a: 0, b: 1, ab: 2, Ġ: 3, '<eos>': 4 },
      merges: [['a', 'b']],
    },
  };
}

describe('HfTokenizer input checks', () => {
  test('a well-formed file works: merges apply, the added token stays whole', () => {
    const tokenizer = new HfTokenizer({ tokenizerJson: tokenizerJson(), tokenizerConfig: { eos_token: '<eos>' } }, 'm');
    assert.deepEqual(tokenizer.encode('ab a<eos>'), [2, 3, 0, 4]);
    assert.equal(tokenizer.decode([2, 3, 0, 4], { skipSpecialTokens: true }), 'ab a');
    assert.deepEqual(tokenizer.eosIds, [4]);
    assert.equal(tokenizer.vocabSize, 5);
  });

  const broken: [string, (json: Record<string, unknown>) => void, string][] = [
    [
      'an unknown tokenizer model type',
      (json) => ((json.model as Record<string, unknown>).type = 'WordLevel'),
      'm/tokenizer.json field "model.type" is "WordLevel"; supported tokenizer models: BPE.',
    ],
    [
      'missing merges',
      (json) => delete (json.model as Record<string, unknown>).merges,
      'm/tokenizer.json field "model.merges" is missing or not a list.',
    ],
    ['no model', (json) => delete json.model, 'm/tokenizer.json field "model" must be a JSON object.'],
    [
      'a negative vocabulary id',
      (json) => (((json.model as Record<string, unknown>).vocab as Record<string, number>).b = -1),
      'm/tokenizer.json field "model.vocab" gives "b" the id -1.',
    ],
    [
      'missing added_tokens',
      (json) => delete json.added_tokens,
      'm/tokenizer.json field "added_tokens" is missing or not a list.',
    ],
  ];
  for (const [what, breakIt, message] of broken) {
    test(`${what} is one sentence naming the file and the field`, () => {
      const json = tokenizerJson();
      breakIt(json);
      assert.throws(() => new HfTokenizer({ tokenizerJson: json }, 'm'), new Error(message));
    });
  }

  test('a special token outside the vocabulary is named with its field', () => {
    assert.throws(
      () => new HfTokenizer({ tokenizerJson: tokenizerJson(), tokenizerConfig: { bos_token: '<s>' } }, 'm'),
      new Error('m/tokenizer_config.json field "bos_token" is "<s>", which is not in the vocabulary.'),
    );
  });

  test('special tokens written as AddedToken objects are read', () => {
    const tokenizer = new HfTokenizer(
      { tokenizerJson: tokenizerJson(), tokenizerConfig: { pad_token: { __type: 'AddedToken', content: '<eos>' } } },
      'm',
    );
    assert.equal(tokenizer.padId, 4);
  });

  test('a generation config id outside the vocabulary is named with its field', () => {
    assert.throws(
      () => new HfTokenizer({ tokenizerJson: tokenizerJson(), generationConfig: { eos_token_id: [4, 9] } }, 'm'),
      new Error('m/generation_config.json field "eos_token_id" holds 9, not a token id below 5.'),
    );
  });

  test('a chat template that does not parse is refused when the tokenizer is built', () => {
    assert.throws(
      () => new HfTokenizer({ tokenizerJson: tokenizerJson(), tokenizerConfig: { chat_template: '{% for %}' } }, 'm'),
      /^Error: m\/tokenizer_config\.json field "chat_template" does not parse: /,
    );
  });

  test('bos and eos flags need those tokens', () => {
    const tokenizer = new HfTokenizer({ tokenizerJson: tokenizerJson() }, 'm');
    assert.throws(() => tokenizer.encode('a', { bos: true }), /has no bos token to prepend/);
    assert.throws(() => tokenizer.encode('a', { eos: true }), /has no eos token to append/);
  });
});
