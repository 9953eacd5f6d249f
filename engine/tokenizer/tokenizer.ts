// The one tokenizer interface of the engine. The built-in task's character tokenizer and the
// Hugging Face tokenizers (tokenizer.json + tokenizer_config.json, from a model directory or a
// GGUF file) both implement it, so rollouts, training and the CLI never ask which one they hold.

export interface EncodeOptions {
  /** Prepend the bos token (an error when the tokenizer has none). */
  bos?: boolean;
  /** Append the tokenizer's eos token (`eosIds[0]`). */
  eos?: boolean;
  /**
   * Run the tokenizer's own post-processor, as Hugging Face's `add_special_tokens=True` does (e.g.
   * Llama's leading `<s>`). Off by default: a rendered chat template already holds its special
   * tokens, and transformers encodes it with `add_special_tokens=False` too. The character
   * tokenizer has no post-processor, so for it this changes nothing.
   */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /**
   * Leave out special tokens (bos, eos, pad and every other token the tokenizer marks special,
   * such as `<|im_start|>`). Tokens that carry text, like `<think>` or the built-in task's answer
   * tags, always stay.
   */
  skipSpecialTokens?: boolean;
}

/** A chat message as chat templates read it; extra fields (reasoning_content, tool_calls, …) pass through. */
export interface ChatMessage {
  role: string;
  content: string;
  [field: string]: unknown;
}

export interface ChatTemplateOptions {
  /** End with the header that starts an assistant turn, so the model writes the reply next. */
  addGenerationPrompt?: boolean;
  /** Tool schemas (JSON Schema objects), for templates that describe tools. */
  tools?: readonly unknown[];
  /** Documents for retrieval-augmented templates. */
  documents?: readonly unknown[];
  /** Further template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  variables?: Readonly<Record<string, unknown>>;
}

/** The files that recreate a tokenizer (file name → parsed JSON), saved beside a checkpoint. */
export type TokenizerFiles = Readonly<Record<string, unknown>>;

export interface Tokenizer {
  /** 'char' for the built-in character tokenizer, 'huggingface' for tokenizer.json tokenizers. */
  readonly kind: 'char' | 'huggingface';
  /** Number of ids the tokenizer can produce (its vocabulary plus added tokens). */
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  /** End-of-sequence ids: the tokenizer's own eos first, then any others the generation config names. */
  readonly eosIds: readonly number[];
  readonly padId: number | undefined;
  /** Ids that end a generated sequence. */
  readonly stopIds: readonly number[];
  /** Special tokens written literally in the text (e.g. `<|im_start|>`) become their single ids. */
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: Iterable<number>, options?: DecodeOptions): string;
  readonly hasChatTemplate: boolean;
  /** Renders a conversation with the tokenizer's chat template (an error when it has none). */
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): string;
  /** The files `loadTokenizer` turns back into this tokenizer. */
  toFiles(): TokenizerFiles;
}
