// The engine's public API in one place. Each area also has its own index for narrower imports.

// Graph building, autodiff, model, optimizer and training.
export * from './onnx';
export * from './autodiff';
export * from './model';
export * from './optim';
export * from './train';

// Files: safetensors, checkpoints, tokenizer, standalone export.
export * from './safetensors';
export * from './checkpoint';
export {
  CharTokenizer,
  HfTokenizer,
  SPECIAL_TOKENS,
  charTokenizerJsonSchema,
  loadTokenizer,
  tokenizerFromModelFiles,
  type CharTokenizerJson,
  type ChatMessage,
  type ChatTemplateOptions,
  type DecodeOptions as TokenizerDecodeOptions,
  type EncodeOptions as TokenizerEncodeOptions,
  type SpecialToken,
  type Tokenizer,
  type TokenizerFiles,
} from './tokenizer';
export { openGgufModel, readGgufHeader, type GgufHeader } from './gguf';
// Hugging Face model folders and any local model (checkpoint, HF folder, GGUF file).
export * from './hf';
export * from './export';

// Devices and the runtime that owns compiled sessions, trainers and samplers per device.
export * from './device';
export * from './runtime';

// Sampling.
export * from './sampler';
