import type { GgufHeader } from './gguf-file';
import { MetadataFields } from './metadata-fields';

// A GGUF file carries its tokenizer as `tokenizer.ggml.*` metadata (llama.cpp's names) instead of
// a tokenizer.json. This rebuilds the tokenizer.json + tokenizer_config.json pair that the
// Hugging Face tokenizer (engine/tokenizer) reads, following transformers' own GGUF conversion
// (integrations/gguf) for the vocabulary and the added tokens, and llama.cpp (llama-vocab.cpp)
// for how each `tokenizer.ggml.pre` splits text before BPE, since llama.cpp is what defines how
// a GGUF file tokenizes.

/** llama.cpp's token types (`tokenizer.ggml.token_type`). */
const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

// The split patterns, as the models' own tokenizer.json files write them.
const GPT2_SPLIT = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const LLAMA3_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const EACH_DIGIT_SPLIT = '\\p{N}';

/**
 * `tokenizer.ggml.pre` → the regexes llama.cpp splits with, in order (each splits the pieces of the
 * one before). Only the families checked against a reference are listed; any other value is refused
 * rather than tokenised differently from llama.cpp.
 */
const PRE_TOKENIZER_SPLITS: Record<string, readonly string[]> = {
  'gpt-2': [GPT2_SPLIT],
  'phi-2': [GPT2_SPLIT],
  mpt: [GPT2_SPLIT],
  olmo: [GPT2_SPLIT],
  'llama-bpe': [LLAMA3_SPLIT],
  'llama-v3': [LLAMA3_SPLIT],
  llama3: [LLAMA3_SPLIT],
  falcon3: [LLAMA3_SPLIT],
  dbrx: [LLAMA3_SPLIT],
  'smaug-bpe': [LLAMA3_SPLIT],
  qwen2: [QWEN2_SPLIT],
  'deepseek-r1-qwen': [QWEN2_SPLIT],
  stablelm2: [QWEN2_SPLIT],
  smollm: [EACH_DIGIT_SPLIT, GPT2_SPLIT],
  starcoder: [EACH_DIGIT_SPLIT, GPT2_SPLIT],
  refact: [EACH_DIGIT_SPLIT, GPT2_SPLIT],
  'command-r': [EACH_DIGIT_SPLIT, GPT2_SPLIT],
  codeshell: [EACH_DIGIT_SPLIT, GPT2_SPLIT],
};

export const SUPPORTED_GGUF_TOKENIZER_MODELS = ['gpt2'] as const;
export const SUPPORTED_GGUF_PRE_TOKENIZERS = Object.keys(PRE_TOKENIZER_SPLITS);

export interface GgufTokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** eos ids llama.cpp also ends generation at (eos, then end-of-turn / end-of-message when distinct) */
  eosIds: number[];
  bosId: number | undefined;
}

/** Builds tokenizer.json and tokenizer_config.json from a GGUF file's tokenizer metadata. */
export function tokenizerFromGguf(header: GgufHeader): GgufTokenizerFiles {
  const fields = new MetadataFields(header);
  const model = fields.string('tokenizer.ggml.model');
  if (model !== 'gpt2') {
    throw fields.error('tokenizer.ggml.model', `is "${model}"; supported tokenizer models: gpt2 (byte-level BPE)`);
  }
  const pre = fields.optionalString('tokenizer.ggml.pre');
  if (pre === undefined)
    throw fields.error('tokenizer.ggml.pre', 'is missing, so how the text is split before BPE is unknown');
  const splits = PRE_TOKENIZER_SPLITS[pre];
  if (!splits)
    throw fields.error('tokenizer.ggml.pre', `is "${pre}"; supported: ${SUPPORTED_GGUF_PRE_TOKENIZERS.join(', ')}`);

  const tokens = fields.optionalStringArray('tokenizer.ggml.tokens');
  if (!tokens) throw fields.error('tokenizer.ggml.tokens', 'is missing');
  const merges = fields.optionalStringArray('tokenizer.ggml.merges');
  if (!merges) throw fields.error('tokenizer.ggml.merges', 'is missing; a gpt2 (BPE) tokenizer needs its merges');
  const types = fields.optionalIntegerArray('tokenizer.ggml.token_type');
  if (types && types.length !== tokens.length)
    throw fields.error('tokenizer.ggml.token_type', `has ${types.length} entries for ${tokens.length} tokens`);

  const tokenId = (key: string): number | undefined => {
    const id = fields.optionalInteger(key);
    if (id !== undefined && id >= tokens.length)
      throw fields.error(key, `is ${id}, outside the ${tokens.length} tokens`);
    return id;
  };
  const bosId = tokenId('tokenizer.ggml.bos_token_id');
  const eosId = tokenId('tokenizer.ggml.eos_token_id');
  const unkId = tokenId('tokenizer.ggml.unknown_token_id');
  const padId = tokenId('tokenizer.ggml.padding_token_id');
  const endOfTurnIds = [tokenId('tokenizer.ggml.eot_token_id'), tokenId('tokenizer.ggml.eom_token_id')];
  const addBos = fields.optionalBool('tokenizer.ggml.add_bos_token') ?? false;
  const addEos = fields.optionalBool('tokenizer.ggml.add_eos_token') ?? false;
  if (addBos && bosId === undefined)
    throw fields.error('tokenizer.ggml.add_bos_token', 'is true but tokenizer.ggml.bos_token_id is missing');
  if (addEos && eosId === undefined)
    throw fields.error('tokenizer.ggml.add_eos_token', 'is true but tokenizer.ggml.eos_token_id is missing');

  // Byte-level BPE spells every token in GPT-2's byte alphabet; a token stored with other
  // characters (raw spaces, say) is respelled, as transformers does.
  const alphabet = byteAlphabet();
  const alphabetSet = new Set(alphabet);
  const inAlphabet = (token: string): boolean => [...token].every((c) => alphabetSet.has(c));
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    const spelled = inAlphabet(token)
      ? token
      : [...new TextEncoder().encode(token)].map((byte) => alphabet[byte]).join('');
    vocab[spelled] = id;
  });

  const mergePairs = merges.map((merge, i) => {
    const parts = merge.split(' ');
    if (parts.length !== 2)
      throw fields.error(
        'tokenizer.ggml.merges',
        `entry ${i} (${JSON.stringify(merge)}) is not two tokens separated by a space`,
      );
    return parts;
  });

  // Control tokens become special added tokens and user-defined ones (e.g. `<think>`) plain added
  // tokens, so both stay whole in the text. A "control" token outside the byte alphabet is a
  // mislabel llama.cpp's converter makes; transformers leaves those out, and so do we.
  const addedTokens: Record<string, unknown>[] = [];
  if (types) {
    tokens.forEach((token, id) => {
      const type = types[id];
      const special = type === TOKEN_TYPE.CONTROL && inAlphabet(token);
      const userDefined = type === TOKEN_TYPE.USER_DEFINED && vocab[token] === id;
      if (special || userDefined) {
        addedTokens.push({
          id,
          content: token,
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special,
        });
      }
    });
  }

  const split = splits.map((pattern) => ({
    type: 'Split',
    pattern: { Regex: pattern },
    behavior: 'Isolated',
    invert: false,
  }));
  const tokenizerJson: Record<string, unknown> = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [...split, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }],
    },
    post_processor: postProcessor(tokens, addBos ? bosId : undefined, addEos ? eosId : undefined),
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
      vocab,
      merges: mergePairs,
    },
  };

  const name = (id: number | undefined): string | null => (id === undefined ? null : tokens[id]);
  const tokenizerConfig: Record<string, unknown> = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: name(bosId),
    eos_token: name(eosId),
    unk_token: name(unkId),
    pad_token: name(padId),
    add_bos_token: addBos,
    add_eos_token: addEos,
    // llama.cpp decodes byte-level BPE without tidying spaces around punctuation
    clean_up_tokenization_spaces: false,
    model_max_length: fields.optionalInteger(`${fields.optionalString('general.architecture')}.context_length`) ?? null,
  };
  const template = chatTemplate(fields);
  if (template !== undefined) tokenizerConfig.chat_template = template;

  const eosIds = [...new Set([eosId, ...endOfTurnIds].filter((id): id is number => id !== undefined))];
  return { tokenizerJson, tokenizerConfig, eosIds, bosId };
}

/** Adds bos/eos around a sequence when the file asks for it (`add_bos_token`), like llama.cpp does. */
function postProcessor(tokens: string[], bosId: number | undefined, eosId: number | undefined): unknown {
  if (bosId === undefined && eosId === undefined)
    return { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true };
  const special = (id: number) => ({ SpecialToken: { id: tokens[id], type_id: 0 } });
  const sequence = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  const around = (inner: unknown[]) => [
    ...(bosId === undefined ? [] : [special(bosId)]),
    ...inner,
    ...(eosId === undefined ? [] : [special(eosId)]),
  ];
  const specialTokens: Record<string, unknown> = {};
  for (const id of [bosId, eosId]) {
    if (id !== undefined) specialTokens[tokens[id]] = { id: tokens[id], ids: [id], tokens: [tokens[id]] };
  }
  return {
    type: 'TemplateProcessing',
    single: around([sequence('A')]),
    pair: [...around([sequence('A')]), ...around([sequence('B')])],
    special_tokens: specialTokens,
  };
}

/**
 * `tokenizer.chat_template`, plus any named ones (`tokenizer.chat_template.<name>`, listed in
 * `tokenizer.chat_templates`), in tokenizer_config.json's list form when there are several.
 */
function chatTemplate(fields: MetadataFields): unknown {
  const main = fields.optionalString('tokenizer.chat_template');
  const names = fields.optionalStringArray('tokenizer.chat_templates') ?? [];
  if (names.length === 0) return main;
  const named = names.map((name) => ({ name, template: fields.string(`tokenizer.chat_template.${name}`) }));
  return main === undefined ? named : [{ name: 'default', template: main }, ...named];
}

/** GPT-2's byte → character table (`bytes_to_unicode`): printable bytes stand for themselves. */
function byteAlphabet(): string[] {
  const table: string[] = new Array(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
    table[byte] = String.fromCodePoint(printable ? byte : next++);
  }
  return table;
}
