// A checkpoint of either family as a Hugging Face model folder that
// transformers.AutoModelForCausalLM.from_pretrained loads without missing or unexpected keys:
// model.safetensors (f32 or bf16), config.json, generation_config.json and the tokenizer files.
// The Llama family keeps its source's tensor names; the GPT becomes a GPT2LMHeadModel.

import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILES, type ModelCheckpoint } from '../checkpoint';
import { type GptConfig, type ModelConfig, type Params, checkParams, isLlamaConfig, paramSpecs } from '../model';
import { writeSafetensorsFile, float32ToBfloat16Bits, type SafetensorsTensor } from '../safetensors';
import { CharTokenizer } from '../tokenizer';
import { charTokenizerConfig, charTokenizerJson } from './char-tokenizer-hf';
import { type HfDtype, gpt2HfConfig, gpt2Tensors, llamaHfConfig } from './hf-config';

export type ExportDtype = 'f32' | 'bf16';

export interface HfExportResult {
  dir: string;
  architecture: string;
  files: string[];
  /** Tensor name → shape, as written. */
  tensors: Record<string, number[]>;
}

const GENERATION_CONFIG = 'generation_config.json';
const TOKENIZER_CONFIG = 'tokenizer_config.json';

function tensorOf(data: Float32Array, shape: number[], dtype: ExportDtype): SafetensorsTensor {
  if (dtype === 'f32')
    return { dtype: 'F32', shape, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = float32ToBfloat16Bits(data[i]);
  return { dtype: 'BF16', shape, data: new Uint8Array(bits.buffer) };
}

function writeJson(file: string, json: unknown): void {
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
}

function namedTensors(cfg: ModelConfig, params: Params) {
  if (!isLlamaConfig(cfg)) return gpt2Tensors(cfg, params);
  return paramSpecs(cfg).map((spec) => ({ name: spec.name, data: params[spec.name], shape: spec.shape }));
}

/** The character tokenizer, when the checkpoint's tokenizer.json is one (it then exports as HF's). */
function charTokenizerOf(files: Record<string, unknown>): CharTokenizer | undefined {
  const json = files[CHECKPOINT_FILES.tokenizer] as { type?: unknown } | undefined;
  return json?.type === 'char' ? CharTokenizer.fromJSON(json) : undefined;
}

/** Token ids of the built-in tokenizer that GPT2's config names. */
function gptTokens(tokenizer: CharTokenizer) {
  return { bos: tokenizer.bosId, eos: tokenizer.eosId, pad: tokenizer.padId };
}

/**
 * Writes the folder (created if needed; files of the same names are replaced). A bf16 export
 * converts one tensor at a time.
 */
export function exportHfDirectory(
  dir: string,
  checkpoint: Pick<ModelCheckpoint, 'config' | 'params' | 'tokenizerFiles'>,
  options: { dtype?: ExportDtype } = {},
): HfExportResult {
  const dtype = options.dtype ?? 'f32';
  if (dtype !== 'f32' && dtype !== 'bf16') throw new Error(`Export dtype must be f32 or bf16, got ${String(dtype)}.`);
  const hfDtype: HfDtype = dtype === 'f32' ? 'float32' : 'bfloat16';
  const { config, params, tokenizerFiles } = checkpoint;
  checkParams(config, params);
  fs.mkdirSync(dir, { recursive: true });
  const entries = new Map<string, SafetensorsTensor>();
  const shapes: Record<string, number[]> = {};
  for (const t of namedTensors(config, params)) {
    entries.set(t.name, tensorOf(t.data, t.shape, dtype));
    shapes[t.name] = t.shape;
  }
  writeSafetensorsFile(path.join(dir, 'model.safetensors'), entries, { format: 'pt' });

  const written = ['model.safetensors', 'config.json'];
  const char = charTokenizerOf(tokenizerFiles);
  if (!isLlamaConfig(config) && !char) throw new Error('A GPT checkpoint exports only with its character tokenizer.');
  const architecture = isLlamaConfig(config) ? config.architecture : 'GPT2LMHeadModel';
  const hfConfig = isLlamaConfig(config)
    ? llamaHfConfig(config, hfDtype)
    : gpt2HfConfig(config as GptConfig, gptTokens(char!), hfDtype);
  writeJson(path.join(dir, 'config.json'), hfConfig);
  const files: Record<string, unknown> = char
    ? {
        [CHECKPOINT_FILES.tokenizer]: charTokenizerJson(char),
        [TOKENIZER_CONFIG]: charTokenizerConfig(char),
        [GENERATION_CONFIG]: { bos_token_id: char.bosId, eos_token_id: char.eosId, pad_token_id: char.padId },
      }
    : { ...tokenizerFiles };
  if (!(GENERATION_CONFIG in files)) {
    const ids = ['bos_token_id', 'eos_token_id', 'pad_token_id'].filter(
      (k) => hfConfig[k as keyof typeof hfConfig] !== undefined,
    );
    files[GENERATION_CONFIG] = Object.fromEntries(ids.map((k) => [k, hfConfig[k as keyof typeof hfConfig]]));
  }
  for (const [name, json] of Object.entries(files)) {
    writeJson(path.join(dir, name), json);
    written.push(name);
  }
  return { dir, architecture, files: [...new Set(written)].sort(), tensors: shapes };
}
