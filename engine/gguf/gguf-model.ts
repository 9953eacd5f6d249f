import fs from 'node:fs';
import type { HfModelFiles, TensorSource } from '../hf/model-files';
import { readGgufHeader, type GgufHeader } from './gguf-file';
import { tokenizerFromGguf } from './gguf-tokenizer';
import { checkArchitecture, llamaConfigFromGguf } from './llama-config';
import { mapLlamaTensors, unpermuteRows, type MappedTensor } from './llama-tensors';
import { loadGgufTensor } from './tensor-data';

/**
 * Opens a `llama` GGUF file as the files of a Hugging Face model directory: config.json,
 * generation_config.json, tokenizer.json and tokenizer_config.json built from its metadata, and its
 * tensors under transformers' names and layout, read and dequantised one at a time from the file.
 * Everything that cannot be imported (architecture, tokenizer, tensor type, shape) fails here,
 * before any weight is read.
 */
export async function openGgufModel(file: string): Promise<HfModelFiles> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const header = readGgufHeader(handle.fd, file);
    checkArchitecture(header);
    const tokenizer = tokenizerFromGguf(header);
    const { config, shape } = llamaConfigFromGguf(header, tokenizer);
    if (shape.headDim % 2 !== 0)
      throw new Error(`GGUF file ${file}: the head size ${shape.headDim} is odd, so rotary embeddings cannot apply.`);
    const tensors = mapLlamaTensors(header, shape);
    const generationConfig: Record<string, unknown> = {
      bos_token_id: tokenizer.bosId ?? null,
      eos_token_id: tokenizer.eosIds.length === 1 ? tokenizer.eosIds[0] : tokenizer.eosIds,
    };
    return {
      source: file,
      config,
      generationConfig,
      tokenizerJson: tokenizer.tokenizerJson,
      tokenizerConfig: tokenizer.tokenizerConfig,
      tensors: new GgufTensorSource(handle, header, tensors),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

class GgufTensorSource implements TensorSource {
  constructor(
    private readonly handle: fs.promises.FileHandle,
    private readonly header: GgufHeader,
    private readonly tensors: ReadonlyMap<string, MappedTensor>,
  ) {}

  list() {
    return [...this.tensors.values()].map((tensor) => tensor.info);
  }

  async load(name: string): Promise<Float32Array> {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new Error(`GGUF file ${this.header.file} has no tensor that maps to ${name}.`);
    const values = await loadGgufTensor(this.handle, this.header.file, tensor.gguf);
    if (tensor.unpermuteHeads === undefined) return values;
    return unpermuteRows(values, tensor.info.shape[0], tensor.unpermuteHeads);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
