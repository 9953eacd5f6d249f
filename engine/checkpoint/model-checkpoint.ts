// Checkpoints of either model family in the engine's own types. One format and one loader: the
// config says which family it is (a Llama-family config carries `kind: 'llama'`), the tokenizer
// travels as the files that recreate it. The GPT's checkpoints keep exactly the bytes they had.

import {
  type GptConfig,
  type ModelConfig,
  type Params,
  checkParams,
  isLlamaConfig,
  paramSpecs,
  parseModelConfig,
} from '../model';
import { CharTokenizer, type TokenizerFiles } from '../tokenizer';
import {
  CHECKPOINT_FILES,
  checkpointHash,
  type CheckpointBundle,
  type CheckpointManifest,
  type TensorMap,
} from './bundle';
import { loadCheckpoint, saveCheckpoint } from './directory';

export interface ModelCheckpoint {
  config: ModelConfig;
  params: Params;
  /** Optimizer tensors as adamwStateToTensors returns them (absent for inference-only checkpoints). */
  optimizer?: Record<string, Float32Array>;
  /**
   * The tokenizer as files: the character tokenizer's `tokenizer.json`, or a Hugging Face
   * tokenizer's `tokenizer.json`, `tokenizer_config.json` and the model's `generation_config.json`.
   */
  tokenizerFiles: TokenizerFiles;
  metadata?: Record<string, string>;
}

/** A GPT checkpoint in the engine's own types (Params records, CharTokenizer). */
export interface GptCheckpoint {
  config: GptConfig;
  params: Params;
  optimizer?: Record<string, Float32Array>;
  tokenizer: CharTokenizer;
  metadata?: Record<string, string>;
}

/** Parameters keep their model shapes in the file, so other safetensors readers see real matrices. */
function paramTensors(cfg: ModelConfig, params: Params): TensorMap {
  checkParams(cfg, params);
  return new Map(paramSpecs(cfg).map((spec) => [spec.name, { data: params[spec.name], shape: spec.shape }]));
}

/** Optimizer moments named '<prefix>.<param>' take that parameter's shape; anything else stays 1-D. */
function optimizerTensors(cfg: ModelConfig, tensors: Record<string, Float32Array>): TensorMap {
  const shapes = new Map(paramSpecs(cfg).map((spec) => [spec.name, spec.shape]));
  const out: TensorMap = new Map();
  for (const [name, data] of Object.entries(tensors)) {
    let shape: readonly number[] = [data.length];
    for (const [param, paramShape] of shapes) {
      if (name.endsWith(`.${param}`) && paramShape.reduce((p, d) => p * d, 1) === data.length) shape = paramShape;
    }
    out.set(name, { data, shape });
  }
  return out;
}

function asFloat32(kind: string, map: TensorMap): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, tensor] of map) {
    if (!(tensor.data instanceof Float32Array)) throw new Error(`Checkpoint ${kind} tensor '${name}' is not float32.`);
    out[name] = tensor.data;
  }
  return out;
}

function bundleOf(checkpoint: ModelCheckpoint): CheckpointBundle {
  const { [CHECKPOINT_FILES.tokenizer]: tokenizer, ...extraJson } = checkpoint.tokenizerFiles;
  if (tokenizer === undefined)
    throw new Error(`A checkpoint's tokenizer files must include ${CHECKPOINT_FILES.tokenizer}.`);
  return {
    params: paramTensors(checkpoint.config, checkpoint.params),
    ...(checkpoint.optimizer ? { optimizer: optimizerTensors(checkpoint.config, checkpoint.optimizer) } : {}),
    config: checkpoint.config,
    tokenizer,
    ...(Object.keys(extraJson).length ? { extraJson } : {}),
    metadata: checkpoint.metadata ?? {},
  };
}

function fromGpt(checkpoint: GptCheckpoint): ModelCheckpoint {
  const { tokenizer, ...rest } = checkpoint;
  return { ...rest, tokenizerFiles: { [CHECKPOINT_FILES.tokenizer]: tokenizer.toJSON() } };
}

export function saveModelCheckpoint(dir: string, checkpoint: ModelCheckpoint): CheckpointManifest {
  return saveCheckpoint(dir, bundleOf(checkpoint));
}

export function modelCheckpointHash(checkpoint: ModelCheckpoint): string {
  return checkpointHash(bundleOf(checkpoint));
}

/** Loads and validates a checkpoint of either family: config fields, parameter set and sizes. */
export function loadModelCheckpoint(dir: string): ModelCheckpoint & { manifest: CheckpointManifest } {
  const { bundle, manifest } = loadCheckpoint(dir);
  const config = parseModelConfig(bundle.config, `Checkpoint ${dir}`);
  const params = asFloat32('params', bundle.params);
  checkParams(config, params);
  return {
    config,
    params,
    ...(bundle.optimizer ? { optimizer: asFloat32('optimizer', bundle.optimizer) } : {}),
    tokenizerFiles: { [CHECKPOINT_FILES.tokenizer]: bundle.tokenizer, ...(bundle.extraJson ?? {}) },
    metadata: bundle.metadata ?? {},
    manifest,
  };
}

export function saveGptCheckpoint(dir: string, checkpoint: GptCheckpoint): CheckpointManifest {
  return saveModelCheckpoint(dir, fromGpt(checkpoint));
}

export function gptCheckpointHash(checkpoint: GptCheckpoint): string {
  return modelCheckpointHash(fromGpt(checkpoint));
}

/** Loads a GPT checkpoint (the built-in task's): a Llama-family checkpoint is refused. */
export function loadGptCheckpoint(dir: string): GptCheckpoint & { manifest: CheckpointManifest } {
  const { config, tokenizerFiles, ...rest } = loadModelCheckpoint(dir);
  if (isLlamaConfig(config)) throw new Error(`Checkpoint ${dir} holds a ${config.architecture}, not the engine's GPT.`);
  const tokenizer = CharTokenizer.fromJSON(tokenizerFiles[CHECKPOINT_FILES.tokenizer]);
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(
      `Checkpoint ${dir}: tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}.`,
    );
  }
  return { config, tokenizer, ...rest };
}
