import { Tokenizer as TokenizersJs } from '@huggingface/tokenizers';
import { ChatTemplate, TEMPLATE_SPECIAL_TOKENS } from './chat-template';
import type {
  ChatMessage,
  ChatTemplateOptions,
  DecodeOptions,
  EncodeOptions,
  Tokenizer,
  TokenizerFiles,
} from './tokenizer';

export const HF_TOKENIZER_FILE = 'tokenizer.json';
export const HF_TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const GENERATION_CONFIG_FILE = 'generation_config.json';

/** The files of a Hugging Face tokenizer, parsed. */
export interface HfTokenizerSources {
  /** `tokenizer.json` (the tokenizers library's format) */
  tokenizerJson: unknown;
  /** `tokenizer_config.json`: special tokens, chat template, decoding flags */
  tokenizerConfig?: unknown;
  /** `generation_config.json`: its `eos_token_id` (one id or a list) adds stop ids */
  generationConfig?: unknown;
}

/** Tokenizer models this engine accepts; each is checked against Python `tokenizers` in the tests. */
const SUPPORTED_MODELS = ['BPE'] as const;

type JsonObject = Record<string, unknown>;

/**
 * A `tokenizer.json` tokenizer run by @huggingface/tokenizers, with the special tokens and chat
 * template of its `tokenizer_config.json` and the eos ids of the generation config.
 */
export class HfTokenizer implements Tokenizer {
  readonly kind = 'huggingface';
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosIds: readonly number[];
  readonly padId: number | undefined;
  readonly stopIds: readonly number[];
  private readonly tokenizer: TokenizersJs;
  private readonly template: ChatTemplate | undefined;
  private readonly tokenizerJson: JsonObject;
  private readonly tokenizerConfig: JsonObject;

  /** @param source where the files came from (a folder, an s3:// prefix, a .gguf file), for messages */
  constructor(sources: HfTokenizerSources, source: string) {
    const jsonFile = `${source}/${HF_TOKENIZER_FILE}`;
    const configFile = `${source}/${HF_TOKENIZER_CONFIG_FILE}`;
    this.tokenizerJson = asObject(sources.tokenizerJson, jsonFile, '(root)');
    this.tokenizerConfig =
      sources.tokenizerConfig === undefined ? {} : asObject(sources.tokenizerConfig, configFile, '(root)');
    const generation =
      sources.generationConfig === undefined
        ? {}
        : asObject(sources.generationConfig, `${source}/${GENERATION_CONFIG_FILE}`, '(root)');
    checkModel(this.tokenizerJson, jsonFile);
    this.vocabSize = countIds(this.tokenizerJson, jsonFile);
    try {
      this.tokenizer = new TokenizersJs(this.tokenizerJson, this.tokenizerConfig);
    } catch (error) {
      throw new Error(`${jsonFile} cannot be loaded: ${(error as Error).message}`, { cause: error });
    }

    const specialTokens: Record<string, string> = {};
    for (const name of TEMPLATE_SPECIAL_TOKENS) {
      const token = specialToken(this.tokenizerConfig, name, configFile);
      if (token !== undefined) specialTokens[name] = token;
    }
    const idOf = (name: string): number | undefined => {
      const token = specialTokens[name];
      if (token === undefined) return undefined;
      const id = this.tokenizer.token_to_id(token);
      if (id === undefined)
        throw new Error(`${configFile} field "${name}" is ${JSON.stringify(token)}, which is not in the vocabulary.`);
      return id;
    };
    const generationFile = `${source}/${GENERATION_CONFIG_FILE}`;
    this.bosId = idOf('bos_token') ?? tokenIds(generation, 'bos_token_id', generationFile, this.vocabSize)[0];
    this.padId = idOf('pad_token') ?? tokenIds(generation, 'pad_token_id', generationFile, this.vocabSize)[0];
    const eos = idOf('eos_token');
    this.eosIds = unique([
      ...(eos === undefined ? [] : [eos]),
      ...tokenIds(generation, 'eos_token_id', generationFile, this.vocabSize),
    ]);
    this.stopIds = this.eosIds;

    const field = this.tokenizerConfig.chat_template;
    this.template =
      field === undefined || field === null ? undefined : new ChatTemplate(field, configFile, specialTokens);
  }

  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids = this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
    if (options.bos) {
      if (this.bosId === undefined) throw new Error('This tokenizer has no bos token to prepend.');
      ids.unshift(this.bosId);
    }
    if (options.eos) {
      if (this.eosIds.length === 0) throw new Error('This tokenizer has no eos token to append.');
      ids.push(this.eosIds[0]);
    }
    return ids;
  }

  decode(ids: Iterable<number>, options: DecodeOptions = {}): string {
    const list = [...ids];
    for (const id of list) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.tokenizer.id_to_token(id) === undefined)
        throw new Error(`Token id ${id} is outside the vocabulary (size ${this.vocabSize}).`);
    }
    if (list.length === 0) return '';
    return this.tokenizer.decode(list, { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The token string of an id (as the vocabulary spells it, e.g. `Ġworld` for byte-level BPE). */
  token(id: number): string {
    const token = this.tokenizer.id_to_token(id);
    if (token === undefined) throw new Error(`Token id ${id} is outside the vocabulary (size ${this.vocabSize}).`);
    return token;
  }

  /** The id of a token string, e.g. `<think>`; an error when it is not in the vocabulary. */
  id(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`Token ${JSON.stringify(token)} is not in the tokenizer's vocabulary.`);
    return id;
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (!this.template)
      throw new Error('This tokenizer has no chat template (tokenizer_config.json has no chat_template).');
    return this.template.render(messages, options);
  }

  /**
   * tokenizer.json and tokenizer_config.json as they were given (shared, not copied: treat them as
   * read-only). Stop ids from a generation config come back from the checkpoint's own
   * generation_config.json, which the model's files carry.
   */
  toFiles(): TokenizerFiles {
    return { [HF_TOKENIZER_FILE]: this.tokenizerJson, [HF_TOKENIZER_CONFIG_FILE]: this.tokenizerConfig };
  }
}

function asObject(value: unknown, file: string, field: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${file} field "${field}" must be a JSON object.`);
  return value as JsonObject;
}

function checkModel(json: JsonObject, file: string): void {
  const model = asObject(json.model, file, 'model');
  if (!SUPPORTED_MODELS.includes(model.type as (typeof SUPPORTED_MODELS)[number])) {
    throw new Error(
      `${file} field "model.type" is ${JSON.stringify(model.type)}; supported tokenizer models: ${SUPPORTED_MODELS.join(', ')}.`,
    );
  }
  asObject(model.vocab, file, 'model.vocab');
  if (!Array.isArray(model.merges)) throw new Error(`${file} field "model.merges" is missing or not a list.`);
  if (!Array.isArray(json.added_tokens)) throw new Error(`${file} field "added_tokens" is missing or not a list.`);
}

/** One more than the largest id of the vocabulary and the added tokens. */
function countIds(json: JsonObject, file: string): number {
  let largest = -1;
  for (const [token, id] of Object.entries((json.model as JsonObject).vocab as JsonObject)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw new Error(`${file} field "model.vocab" gives ${JSON.stringify(token)} the id ${JSON.stringify(id)}.`);
    largest = Math.max(largest, id as number);
  }
  (json.added_tokens as unknown[]).forEach((entry, i) => {
    const { id, content } = asObject(entry, file, `added_tokens[${i}]`);
    if (!Number.isInteger(id) || (id as number) < 0 || typeof content !== 'string')
      throw new Error(`${file} field "added_tokens[${i}]" needs an integer "id" and a string "content".`);
    largest = Math.max(largest, id as number);
  });
  return largest + 1;
}

/** A special token as tokenizer_config.json writes it: a string, null, or an AddedToken object. */
function specialToken(config: JsonObject, name: string, file: string): string | undefined {
  const value = config[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as JsonObject).content === 'string')
    return (value as JsonObject).content as string;
  throw new Error(`${file} field "${name}" must be a string, null or an object with a string "content".`);
}

/** A generation config's token id field: one id, a list of ids, or absent. */
function tokenIds(config: JsonObject, name: string, file: string, vocabSize: number): number[] {
  const value = config[name];
  if (value === undefined || value === null) return [];
  const ids = Array.isArray(value) ? value : [value];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new Error(`${file} field "${name}" holds ${JSON.stringify(id)}, not a token id below ${vocabSize}.`);
  }
  return ids as number[];
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}
