export type { HfModelFiles, SourceDType, TensorInfo, TensorSource } from './model-files';
export { HF_FILES, openHfDirectory, weightFiles } from './hf-directory';
export { openSafetensorsSource } from './safetensors-source';
export { importLlama, llamaConfigFromHf, type ImportedLlama, type LlamaImportOptions } from './llama-import';
export {
  detectLocalModel,
  loadHfModelFiles,
  loadLocalModel,
  tokenizerFilesOf,
  type LoadedModel,
  type ModelFormat,
} from './local-model';
