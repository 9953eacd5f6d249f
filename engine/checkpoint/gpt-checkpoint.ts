import { type GptConfig, type Params, checkParams, gptConfig, paramSpecs } from '../model';
import { CharTokenizer } from '../tokenizer';
import { checkpointHash, type CheckpointManifest, type TensorMap } from './bundle';
import { loadCheckpoint, saveCheckpoint } from './directory';

/** A GPT checkpoint in the engine's own types (Params records, CharTokenizer). */
export interface GptCheckpoint {
  config: GptConfig;
  params: Params;
  /** Optimizer tensors as adamwStateToTensors returns them (absent for inference-only checkpoints). */
  optimizer?: Record<string, Float32Array>;
  tokenizer: CharTokenizer;
  metadata?: Record<string, string>;
}

/** Parameters keep their model shapes in the file, so other safetensors readers see real matrices. */
function paramTensors(cfg: GptConfig, params: Params): TensorMap {
  checkParams(cfg, params);
  return new Map(paramSpecs(cfg).map((spec) => [spec.name, { data: params[spec.name], shape: spec.shape }]));
}

/** Optimizer moments named '<prefix>.<param>' take that parameter's shape; anything else stays 1-D. */
function optimizerTensors(cfg: GptConfig, tensors: Record<string, Float32Array>): TensorMap {
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

function bundleOf(checkpoint: GptCheckpoint) {
  return {
    params: paramTensors(checkpoint.config, checkpoint.params),
    ...(checkpoint.optimizer ? { optimizer: optimizerTensors(checkpoint.config, checkpoint.optimizer) } : {}),
    config: checkpoint.config,
    tokenizer: checkpoint.tokenizer.toJSON(),
    metadata: checkpoint.metadata ?? {},
  };
}

export function saveGptCheckpoint(dir: string, checkpoint: GptCheckpoint): CheckpointManifest {
  return saveCheckpoint(dir, bundleOf(checkpoint));
}

export function gptCheckpointHash(checkpoint: GptCheckpoint): string {
  return checkpointHash(bundleOf(checkpoint));
}

/** Loads and validates a GPT checkpoint: config fields, parameter set and sizes, tokenizer. */
export function loadGptCheckpoint(dir: string): GptCheckpoint & { manifest: CheckpointManifest } {
  const { bundle, manifest } = loadCheckpoint(dir);
  const config = gptConfig(bundle.config as GptConfig);
  const params = asFloat32('params', bundle.params);
  checkParams(config, params);
  const tokenizer = CharTokenizer.fromJSON(bundle.tokenizer);
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(
      `Checkpoint ${dir}: tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}.`,
    );
  }
  return {
    config,
    params,
    ...(bundle.optimizer ? { optimizer: asFloat32('optimizer', bundle.optimizer) } : {}),
    tokenizer,
    metadata: bundle.metadata ?? {},
    manifest,
  };
}
