// Configuration of the Llama family (Llama 2/3, SmolLM2, Mistral, Qwen2/2.5, Qwen3): one decoder
// with switches for what the architectures differ in. Field names follow the GPT's where they
// mean the same thing (vocabSize, dModel, nLayers, nHeads, dFF, contextLength, tiedEmbeddings).

/** The Hugging Face architectures this config describes. */
export const LLAMA_ARCHITECTURES = [
  'LlamaForCausalLM',
  'MistralForCausalLM',
  'Qwen2ForCausalLM',
  'Qwen3ForCausalLM',
] as const;
export type LlamaArchitecture = (typeof LLAMA_ARCHITECTURES)[number];

/** How rotary frequencies are rescaled for long contexts (transformers' `rope_scaling`). */
export type RopeScaling =
  | { type: 'linear'; factor: number }
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositionEmbeddings: number;
    };

export interface LlamaConfig {
  /** Tells a Llama-family config from the GPT's (whose configs carry no `kind`). */
  kind: 'llama';
  architecture: LlamaArchitecture;
  vocabSize: number;
  /** hidden_size */
  dModel: number;
  nLayers: number;
  /** Query heads. */
  nHeads: number;
  /** Key/value heads (grouped-query attention); divides nHeads. */
  nKvHeads: number;
  /** Width of one head; nHeads * headDim need not equal dModel (Qwen3). */
  headDim: number;
  /** intermediate_size of the SwiGLU MLP. */
  dFF: number;
  /** Longest sequence the engine runs (max_position_embeddings unless set lower on import). */
  contextLength: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  tiedEmbeddings: boolean;
  /** Biases on q/k/v projections (Qwen2, Llama's attention_bias). */
  qkvBias: boolean;
  /** Bias on the attention output projection (Llama's attention_bias). */
  outputBias: boolean;
  /** Biases on gate/up/down projections (Llama's mlp_bias). */
  mlpBias: boolean;
  /** Per-head RMSNorm of queries and keys before the rotation (Qwen3). */
  qkNorm: boolean;
  /**
   * Fields of the source config.json that the engine does not read (token ids, dropout,
   * initializer range…), kept so an export writes them back. Not part of the model's identity.
   */
  hfExtra?: Record<string, unknown>;
}

/** Fill defaults and check every field; throws one sentence naming the bad field. */
export function llamaConfig(partial: Partial<LlamaConfig> & Pick<LlamaConfig, 'vocabSize'>): LlamaConfig {
  const dModel = partial.dModel ?? 64;
  const nHeads = partial.nHeads ?? 4;
  const cfg: LlamaConfig = {
    kind: 'llama',
    architecture: 'LlamaForCausalLM',
    dModel,
    nLayers: 2,
    nHeads,
    nKvHeads: nHeads,
    headDim: Math.floor(dModel / nHeads),
    dFF: 4 * dModel,
    contextLength: 128,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    ropeScaling: null,
    tiedEmbeddings: true,
    qkvBias: false,
    outputBias: false,
    mlpBias: false,
    qkNorm: false,
    ...partial,
  };
  if (cfg.kind !== 'llama') throw new Error(`LlamaConfig.kind must be 'llama', got ${String(cfg.kind)}.`);
  if (!LLAMA_ARCHITECTURES.includes(cfg.architecture))
    throw new Error(
      `LlamaConfig.architecture ${JSON.stringify(cfg.architecture)} is not one of ${LLAMA_ARCHITECTURES.join(', ')}.`,
    );
  const positiveInts = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'dFF', 'contextLength'];
  for (const k of positiveInts) {
    const v = (cfg as unknown as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new Error(`LlamaConfig.${k} must be a positive integer, got ${String(v)}.`);
  }
  if (cfg.nHeads % cfg.nKvHeads !== 0)
    throw new Error(`LlamaConfig.nHeads (${cfg.nHeads}) must be a multiple of nKvHeads (${cfg.nKvHeads}).`);
  if (cfg.headDim % 2 !== 0)
    throw new Error(`LlamaConfig.headDim must be even for rotary embeddings, got ${cfg.headDim}.`);
  if (!(cfg.rmsNormEps > 0)) throw new Error(`LlamaConfig.rmsNormEps must be > 0, got ${cfg.rmsNormEps}.`);
  if (!(cfg.ropeTheta > 0)) throw new Error(`LlamaConfig.ropeTheta must be > 0, got ${cfg.ropeTheta}.`);
  for (const k of ['tiedEmbeddings', 'qkvBias', 'outputBias', 'mlpBias', 'qkNorm'] as const)
    if (typeof cfg[k] !== 'boolean') throw new Error(`LlamaConfig.${k} must be a boolean.`);
  checkRopeScaling(cfg.ropeScaling);
  return cfg;
}

function checkRopeScaling(s: RopeScaling | null): void {
  if (s === null) return;
  if (typeof s !== 'object') throw new Error(`LlamaConfig.ropeScaling must be an object or null.`);
  const type = (s as { type?: unknown }).type;
  if (type !== 'linear' && type !== 'llama3')
    throw new Error(`LlamaConfig.ropeScaling.type must be 'linear' or 'llama3', got ${JSON.stringify(type)}.`);
  if (!(s.factor > 0)) throw new Error(`LlamaConfig.ropeScaling.factor must be > 0, got ${s.factor}.`);
  if (s.type === 'llama3') {
    if (!(s.lowFreqFactor > 0 && s.highFreqFactor > s.lowFreqFactor))
      throw new Error(
        `LlamaConfig.ropeScaling needs 0 < lowFreqFactor < highFreqFactor, got ${s.lowFreqFactor} and ${s.highFreqFactor}.`,
      );
    if (!(s.originalMaxPositionEmbeddings > 0))
      throw new Error(
        `LlamaConfig.ropeScaling.originalMaxPositionEmbeddings must be > 0, got ${s.originalMaxPositionEmbeddings}.`,
      );
  }
}

/** Stable key for caching compiled sessions per configuration (hfExtra does not change a graph). */
export function llamaConfigKey(cfg: LlamaConfig): string {
  const { hfExtra: _extra, ...model } = cfg;
  return JSON.stringify(Object.entries(model).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Rotary inverse frequencies, one per pair of head dimensions, computed as transformers does
 * (float32, `rope_theta ** (2i / head_dim)`) and then rescaled by `rope_scaling`.
 */
export function ropeInverseFrequencies(cfg: Pick<LlamaConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float32Array {
  const half = cfg.headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround((2 * i) / cfg.headDim);
    inv[i] = 1 / Math.fround(Math.pow(cfg.ropeTheta, exponent));
  }
  const s = cfg.ropeScaling;
  if (s?.type === 'linear') for (let i = 0; i < half; i++) inv[i] = inv[i] / s.factor;
  if (s?.type === 'llama3') {
    // Long wavelengths are slowed down by `factor`, short ones kept, those between interpolated.
    const lowWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] = inv[i] / s.factor;
      else if (wavelen >= highWavelen) {
        const smooth =
          (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  }
  return inv;
}
