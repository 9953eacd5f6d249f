// A model as a Hugging Face directory presents it, whatever it was read from: an HF folder on
// disk, an s3:// prefix, or a GGUF file turned into the same shape. Importers produce this;
// the Llama-family model and the tokenizers consume it, so each source is written once.

/** Element types the importers can decode; every one is computed in float32. */
export type SourceDType = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0' | 'Q4_1';

export interface TensorInfo {
  /** the tensor's name as transformers names it, e.g. `model.layers.0.self_attn.q_proj.weight` */
  name: string;
  dtype: SourceDType;
  /** row-major shape as transformers has it (for a Linear weight: [out, in]) */
  shape: number[];
}

/**
 * The tensors of a model, read one at a time, so that loading never holds two full copies of the
 * weights: a caller loads a tensor, converts it into its own layout and lets the buffer go.
 */
export interface TensorSource {
  list(): TensorInfo[];
  /** the tensor dequantised / widened to float32, in transformers' layout */
  load(name: string): Promise<Float32Array>;
  /** releases open files or connections */
  close(): Promise<void>;
}

export interface HfModelFiles {
  /** where it came from, for messages: a folder, an s3:// prefix or a .gguf file */
  source: string;
  /** `config.json` as transformers writes it (architectures, hidden_size, rope_theta, …) */
  config: Record<string, unknown>;
  /** `generation_config.json`, when present (eos_token_id, …) */
  generationConfig?: Record<string, unknown>;
  /** `tokenizer.json` (the Hugging Face tokenizers format), when present */
  tokenizerJson?: Record<string, unknown>;
  /** `tokenizer_config.json` (chat_template, special tokens), when present */
  tokenizerConfig?: Record<string, unknown>;
  tensors: TensorSource;
}
