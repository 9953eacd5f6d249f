// GPT configuration: the one type every graph, checkpoint and trainer is keyed by.

export interface GptConfig {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  /** Hidden width of the MLP (usually 4 * dModel). */
  dFF: number;
  /** Longest sequence (prompt + completion) the position table covers. */
  contextLength: number;
  /** Output head shares the token embedding table (GPT-2 style) when true. */
  tiedEmbeddings: boolean;
  /** 'gelu_tanh' works in every dtype; 'gelu' (erf) has no float64 kernel in onnxruntime. */
  activation: 'gelu_tanh' | 'gelu';
  layerNormEps: number;
}

export const DEFAULT_GPT_CONFIG: Omit<GptConfig, 'vocabSize'> = {
  dModel: 64,
  nLayers: 2,
  nHeads: 4,
  dFF: 256,
  contextLength: 128,
  tiedEmbeddings: true,
  activation: 'gelu_tanh',
  layerNormEps: 1e-5,
};

/** Fill defaults and check every field; throws one sentence naming the bad field. */
export function gptConfig(partial: Partial<GptConfig> & { vocabSize: number }): GptConfig {
  const cfg: GptConfig = { ...DEFAULT_GPT_CONFIG, ...partial };
  const positiveInts: (keyof GptConfig)[] = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'dFF', 'contextLength'];
  for (const k of positiveInts) {
    const v = cfg[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new Error(`GptConfig.${k} must be a positive integer, got ${String(v)}.`);
  }
  if (cfg.dModel % cfg.nHeads !== 0)
    throw new Error(`GptConfig.dModel (${cfg.dModel}) must be divisible by nHeads (${cfg.nHeads}).`);
  if (cfg.activation !== 'gelu_tanh' && cfg.activation !== 'gelu')
    throw new Error(`GptConfig.activation must be 'gelu_tanh' or 'gelu', got ${String(cfg.activation)}.`);
  if (!(cfg.layerNormEps > 0)) throw new Error(`GptConfig.layerNormEps must be > 0, got ${cfg.layerNormEps}.`);
  if (typeof cfg.tiedEmbeddings !== 'boolean') throw new Error(`GptConfig.tiedEmbeddings must be a boolean.`);
  return cfg;
}

/** Stable key for caching compiled sessions per configuration. */
export function configKey(cfg: GptConfig): string {
  return JSON.stringify([
    cfg.vocabSize,
    cfg.dModel,
    cfg.nLayers,
    cfg.nHeads,
    cfg.dFF,
    cfg.contextLength,
    cfg.tiedEmbeddings,
    cfg.activation,
    cfg.layerNormEps,
  ]);
}
