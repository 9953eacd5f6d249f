export {
  CharTokenizer,
  SPECIAL_TOKENS,
  charTokenizerJsonSchema,
  type CharTokenizerJson,
  type DecodeOptions,
  type EncodeOptions,
  type SpecialToken,
} from './char-tokenizer';
