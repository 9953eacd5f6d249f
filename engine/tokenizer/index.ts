export {
  CHAR_TOKENIZER_FILE,
  CharTokenizer,
  SPECIAL_TOKENS,
  charTokenizerJsonSchema,
  type CharTokenizerJson,
  type SpecialToken,
} from './char-tokenizer';
export { ChatTemplate, TEMPLATE_SPECIAL_TOKENS } from './chat-template';
export {
  GENERATION_CONFIG_FILE,
  HF_TOKENIZER_CONFIG_FILE,
  HF_TOKENIZER_FILE,
  HfTokenizer,
  type HfTokenizerSources,
} from './hf-tokenizer';
export { loadTokenizer, tokenizerFromModelFiles } from './load-tokenizer';
export type {
  ChatMessage,
  ChatTemplateOptions,
  DecodeOptions,
  EncodeOptions,
  Tokenizer,
  TokenizerFiles,
} from './tokenizer';
