// A Llama-family model from HfModelFiles (an HF folder, an s3:// prefix or a GGUF file, all
// through the same code): config.json → LlamaConfig, then every parameter loaded tensor by tensor
// in transformers' names and layout, which are the engine's own for this family.

import {
  LLAMA_ARCHITECTURES,
  LLAMA_LM_HEAD,
  type LlamaArchitecture,
  type LlamaConfig,
  type Params,
  type RopeScaling,
  llamaConfig,
  llamaParamSpecs,
  numel,
} from '../model';
import type { HfModelFiles, SourceDType } from './model-files';

export interface LlamaImportOptions {
  /**
   * Longest sequence the engine will run (default: max_position_embeddings). Set it lower to
   * load, e.g., a Mistral whose sliding window is shorter than its position table.
   */
  contextLength?: number;
}

/** Fields of config.json the engine reads; the rest are kept in `hfExtra` for the export. */
const READ_FIELDS = new Set([
  'architectures',
  'vocab_size',
  'hidden_size',
  'intermediate_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'head_dim',
  'max_position_embeddings',
  'rms_norm_eps',
  'rope_theta',
  'rope_scaling',
  'rope_parameters',
  'tie_word_embeddings',
  'attention_bias',
  'mlp_bias',
  'hidden_act',
]);

type Json = Record<string, unknown>;

/** Reads a HF config field as a positive integer (or the default when absent). */
function intField(config: Json, field: string, where: string, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new Error(`${where} field "${field}" must be a positive integer, got ${JSON.stringify(config[field])}.`);
  return v;
}

function numberField(config: Json, field: string, where: string, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new Error(`${where} field "${field}" must be a positive number, got ${JSON.stringify(config[field])}.`);
  return v;
}

function boolField(config: Json, field: string, where: string, fallback: boolean): boolean {
  const v = config[field] ?? fallback;
  if (typeof v !== 'boolean')
    throw new Error(`${where} field "${field}" must be true or false, got ${JSON.stringify(v)}.`);
  return v;
}

/**
 * Rotary settings from either spelling: transformers 4 writes `rope_theta` + `rope_scaling`,
 * transformers 5 writes `rope_parameters` (with `rope_theta` inside).
 */
function ropeSettings(config: Json, where: string): { theta: number; scaling: RopeScaling | null } {
  const params = config.rope_parameters;
  const field = params !== undefined && params !== null ? 'rope_parameters' : 'rope_scaling';
  const raw = (field === 'rope_parameters' ? params : config.rope_scaling) as Json | null | undefined;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
    throw new Error(`${where} field "${field}" must be an object or null.`);
  const theta =
    field === 'rope_parameters' && raw?.rope_theta !== undefined
      ? numberField(raw, 'rope_theta', `${where} "${field}"`)
      : numberField(config, 'rope_theta', where, 10000);
  if (!raw) return { theta, scaling: null };
  const type = raw.rope_type ?? raw.type ?? 'default';
  const inner = `${where} "${field}"`;
  if (type === 'default') return { theta, scaling: null };
  if (type === 'linear') return { theta, scaling: { type: 'linear', factor: numberField(raw, 'factor', inner) } };
  if (type === 'llama3')
    return {
      theta,
      scaling: {
        type: 'llama3',
        factor: numberField(raw, 'factor', inner),
        lowFreqFactor: numberField(raw, 'low_freq_factor', inner),
        highFreqFactor: numberField(raw, 'high_freq_factor', inner),
        originalMaxPositionEmbeddings: intField(raw, 'original_max_position_embeddings', inner),
      },
    };
  throw new Error(
    `${where} field "${field}.rope_type" is ${JSON.stringify(type)}; r1flow supports no scaling ("default"), "linear" and "llama3".`,
  );
}

/** Refuses a sliding window shorter than the context (the engine attends to the whole context). */
function checkSlidingWindow(arch: LlamaArchitecture, config: Json, contextLength: number, where: string): void {
  const window = config.sliding_window;
  if (window === undefined || window === null) return;
  const used =
    arch === 'MistralForCausalLM' ||
    config.use_sliding_window === true ||
    (Array.isArray(config.layer_types) && config.layer_types.includes('sliding_attention'));
  if (!used) return;
  if (typeof window !== 'number' || window < contextLength)
    throw new Error(
      `${where} field "sliding_window" is ${JSON.stringify(window)}, shorter than the context length ${contextLength}; r1flow has no sliding-window attention, so import with a context length of at most ${JSON.stringify(window)}.`,
    );
}

/** LlamaConfig from a Hugging Face config.json; every unsupported field fails naming it. */
export function llamaConfigFromHf(config: Json, source: string, options: LlamaImportOptions = {}): LlamaConfig {
  const where = `${source}/config.json`;
  const archs = config.architectures;
  const arch = Array.isArray(archs) ? archs[0] : undefined;
  if (typeof arch !== 'string')
    throw new Error(`${where} field "architectures" must list the model class, e.g. ["LlamaForCausalLM"].`);
  if (!(LLAMA_ARCHITECTURES as readonly string[]).includes(arch))
    throw new Error(
      `${where} names architecture ${arch}, which r1flow cannot load; it loads ${LLAMA_ARCHITECTURES.join(', ')}.`,
    );
  const architecture = arch as LlamaArchitecture;
  const act = config.hidden_act ?? 'silu';
  if (act !== 'silu')
    throw new Error(`${where} field "hidden_act" is ${JSON.stringify(act)}; the Llama family here uses "silu".`);
  const dModel = intField(config, 'hidden_size', where);
  const nHeads = intField(config, 'num_attention_heads', where);
  const maxPositions = intField(config, 'max_position_embeddings', where);
  const contextLength = options.contextLength ?? maxPositions;
  if (contextLength > maxPositions)
    throw new Error(
      `Context length ${contextLength} exceeds ${where} field "max_position_embeddings" (${maxPositions}).`,
    );
  checkSlidingWindow(architecture, config, contextLength, where);
  const rope = ropeSettings(config, where);
  const attentionBias = boolField(config, 'attention_bias', where, false);
  const hfExtra: Json = {};
  for (const [k, v] of Object.entries(config)) if (!READ_FIELDS.has(k)) hfExtra[k] = v;
  // Kept as well: a model loaded with a shorter context still exports its own position table size.
  hfExtra.max_position_embeddings = maxPositions;
  try {
    return llamaConfig({
      architecture,
      vocabSize: intField(config, 'vocab_size', where),
      dModel,
      nLayers: intField(config, 'num_hidden_layers', where),
      nHeads,
      nKvHeads: intField(config, 'num_key_value_heads', where, nHeads),
      headDim: intField(config, 'head_dim', where, Math.floor(dModel / nHeads)),
      dFF: intField(config, 'intermediate_size', where),
      contextLength,
      rmsNormEps: numberField(config, 'rms_norm_eps', where, 1e-6),
      ropeTheta: rope.theta,
      ropeScaling: rope.scaling,
      tiedEmbeddings: boolField(config, 'tie_word_embeddings', where, false),
      qkvBias: architecture === 'Qwen2ForCausalLM' || (architecture !== 'MistralForCausalLM' && attentionBias),
      outputBias: (architecture === 'LlamaForCausalLM' || architecture === 'Qwen3ForCausalLM') && attentionBias,
      mlpBias: architecture === 'LlamaForCausalLM' && boolField(config, 'mlp_bias', where, false),
      qkNorm: architecture === 'Qwen3ForCausalLM',
      hfExtra,
    });
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Source tensors a Llama checkpoint may hold that the engine does not need. */
function ignorable(name: string, cfg: LlamaConfig): boolean {
  return (cfg.tiedEmbeddings && name === LLAMA_LM_HEAD) || name.endsWith('.rotary_emb.inv_freq');
}

export interface ImportedLlama {
  config: LlamaConfig;
  params: Params;
  /** The dtype each parameter was stored in (computed in float32 whatever it was). */
  dtypes: Record<string, SourceDType>;
}

/**
 * Loads every parameter, one tensor at a time, checking names and shapes against the config.
 * Peak memory is the float32 parameters plus one tensor's source bytes.
 */
export async function importLlama(files: HfModelFiles, options: LlamaImportOptions = {}): Promise<ImportedLlama> {
  const config = llamaConfigFromHf(files.config, files.source, options);
  const specs = llamaParamSpecs(config);
  const available = new Map(files.tensors.list().map((t) => [t.name, t]));
  const wanted = new Set(specs.map((s) => s.name));
  for (const name of available.keys()) {
    if (!wanted.has(name) && !ignorable(name, config))
      throw new Error(
        `${files.source} holds tensor "${name}", which a ${config.architecture} with this config.json does not have.`,
      );
  }
  const params: Params = {};
  const dtypes: Record<string, SourceDType> = {};
  for (const spec of specs) {
    const info = available.get(spec.name);
    if (!info) throw new Error(`${files.source} has no tensor "${spec.name}", which this config.json needs.`);
    if (info.shape.length !== spec.shape.length || info.shape.some((d, i) => d !== spec.shape[i]))
      throw new Error(
        `${files.source}: tensor "${spec.name}" has shape [${info.shape.join(', ')}]; config.json implies [${spec.shape.join(', ')}].`,
      );
    const data = await files.tensors.load(spec.name);
    if (data.length !== numel(spec.shape))
      throw new Error(
        `${files.source}: tensor "${spec.name}" loaded ${data.length} values, expected ${numel(spec.shape)}.`,
      );
    params[spec.name] = data;
    dtypes[spec.name] = info.dtype;
  }
  return { config, params, dtypes };
}
