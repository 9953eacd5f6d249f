// Any model the engine can load from a local path, behind one function: an r1flow checkpoint
// folder, a Hugging Face model folder or a GGUF file. HF folders and GGUF files go through the
// same HfModelFiles importer.

import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES, loadModelCheckpoint } from '../checkpoint';
import { openGgufModel } from '../gguf';
import type { ModelConfig, Params } from '../model';
import { GENERATION_CONFIG_FILE, HF_TOKENIZER_CONFIG_FILE, HF_TOKENIZER_FILE, type TokenizerFiles } from '../tokenizer';
import { HF_FILES, openHfDirectory } from './hf-directory';
import { importLlama, type LlamaImportOptions } from './llama-import';
import type { HfModelFiles } from './model-files';

export type ModelFormat = 'r1flow-checkpoint' | 'huggingface' | 'gguf';

export interface LoadedModel {
  /** Where it was read from, for messages. */
  source: string;
  format: ModelFormat;
  config: ModelConfig;
  params: Params;
  /** The tokenizer as files (loadTokenizer turns them into a Tokenizer). */
  tokenizerFiles: TokenizerFiles;
  /** Parameter name → the dtype it was stored in (all computed in float32). */
  dtypes: Record<string, string>;
  /** Checkpoint metadata (stage, step…), for r1flow checkpoints. */
  metadata?: Record<string, string>;
  /** The checkpoint's sha256, for r1flow checkpoints. */
  sha256?: string;
}

/** The tokenizer files an importer found (tokenizer.json, tokenizer_config.json, generation_config.json). */
export function tokenizerFilesOf(files: HfModelFiles): TokenizerFiles {
  const out: Record<string, unknown> = {};
  if (files.tokenizerJson) out[HF_TOKENIZER_FILE] = files.tokenizerJson;
  if (files.tokenizerConfig) out[HF_TOKENIZER_CONFIG_FILE] = files.tokenizerConfig;
  if (files.generationConfig) out[GENERATION_CONFIG_FILE] = files.generationConfig;
  return out;
}

/** Imports HfModelFiles (from a folder, a prefix or a GGUF file) and closes its tensor source. */
export async function loadHfModelFiles(
  files: HfModelFiles,
  format: ModelFormat,
  options: LlamaImportOptions = {},
): Promise<LoadedModel> {
  try {
    const { config, params, dtypes } = await importLlama(files, options);
    return { source: files.source, format, config, params, tokenizerFiles: tokenizerFilesOf(files), dtypes };
  } finally {
    await files.tensors.close();
  }
}

/** What kind of model a local path holds, or undefined when it holds none. */
export function detectLocalModel(where: string): ModelFormat | undefined {
  if (!fs.existsSync(where)) return undefined;
  if (fs.statSync(where).isFile()) return where.toLowerCase().endsWith('.gguf') ? 'gguf' : undefined;
  if (fs.existsSync(path.join(where, CHECKPOINT_FILES.manifest))) return 'r1flow-checkpoint';
  if (fs.existsSync(path.join(where, HF_FILES.config))) return 'huggingface';
  return undefined;
}

/** Loads a model from a local r1flow checkpoint folder, Hugging Face folder or GGUF file. */
export async function loadLocalModel(where: string, options: LlamaImportOptions = {}): Promise<LoadedModel> {
  const format = detectLocalModel(where);
  if (format === 'r1flow-checkpoint') {
    const checkpoint = loadModelCheckpoint(where);
    const dtypes = Object.fromEntries(Object.keys(checkpoint.params).map((name) => [name, 'F32']));
    return {
      source: where,
      format,
      config: checkpoint.config,
      params: checkpoint.params,
      tokenizerFiles: checkpoint.tokenizerFiles,
      dtypes,
      metadata: checkpoint.metadata,
      sha256: checkpoint.manifest.sha256,
    };
  }
  if (format === 'huggingface') return loadHfModelFiles(openHfDirectory(where), format, options);
  if (format === 'gguf') return loadHfModelFiles(await openGgufModel(where), format, options);
  if (!fs.existsSync(where)) throw new Error(`${where} does not exist.`);
  throw new Error(
    `${where} is neither an r1flow checkpoint (no ${CHECKPOINT_FILES.manifest}), a Hugging Face model folder (no ${HF_FILES.config}) nor a .gguf file.`,
  );
}
