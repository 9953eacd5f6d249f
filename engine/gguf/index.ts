export { DEQUANTIZABLE_TYPES, dequantize, isDequantizable, type DequantizableType } from './dequantize';
export { GGML_TYPES, GGUF_VALUE_TYPES, type GgmlType, type GgufValueType } from './ggml-types';
export {
  readGgufHeader,
  type GgufHeader,
  type GgufMetadataEntry,
  type GgufScalar,
  type GgufTensorInfo,
  type GgufValue,
} from './gguf-file';
export { openGgufModel } from './gguf-model';
export { loadGgufTensor, loadableType, readTensorBytes } from './tensor-data';
export {
  SUPPORTED_GGUF_PRE_TOKENIZERS,
  SUPPORTED_GGUF_TOKENIZER_MODELS,
  tokenizerFromGguf,
  type GgufTokenizerFiles,
} from './gguf-tokenizer';
export { checkArchitecture, llamaConfigFromGguf, type LlamaShape } from './llama-config';
export { mapLlamaTensors, unpermuteRows, type MappedTensor } from './llama-tensors';
