// The character tokenizer as a Hugging Face tokenizer.json, so an exported GPT loads with its
// tokenizer in transformers (and anything else that reads tokenizer.json). A BPE model with an
// empty merge list is a pure character lookup: each character is its own token, exactly as
// CharTokenizer encodes it; the special tokens are added tokens, matched whole before that.

import type { CharTokenizer } from '../tokenizer';

/** Control tokens transformers should treat as special (skipped by skip_special_tokens). */
const CONTROL = new Set(['<pad>', '<bos>', '<eos>']);

export function charTokenizerJson(tokenizer: CharTokenizer): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  const addedTokens = tokenizer.specials.map((content, id) => {
    vocab[content] = id;
    return {
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: CONTROL.has(content),
    };
  });
  tokenizer.characters.forEach((character, i) => (vocab[character] = tokenizer.specials.length + i));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

export function charTokenizerConfig(tokenizer: CharTokenizer): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: tokenizer.token(tokenizer.bosId),
    eos_token: tokenizer.token(tokenizer.eosId),
    pad_token: tokenizer.token(tokenizer.padId),
    clean_up_tokenization_spaces: false,
    model_max_length: 1_000_000,
  };
}
