export { exportPolicyOnnx, writePolicyOnnx } from './policy-onnx';
export { exportHfDirectory, type ExportDtype, type HfExportResult } from './hf-export';
export { charTokenizerJson, charTokenizerConfig } from './char-tokenizer-hf';
export { gpt2HfConfig, gpt2Tensors, llamaHfConfig } from './hf-config';
