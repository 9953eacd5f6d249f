// The model configs the engine trains and samples: its own GPT or a Llama-family model. Every
// graph, trainer, sampler and checkpoint is keyed by one of these.

import { type GptConfig, configKey as gptConfigKey, gptConfig } from './config';
import { type LlamaConfig, llamaConfig, llamaConfigKey } from './llama-config';

/**
 * A GPT config has no `kind` (so its checkpoints keep the bytes they had before the Llama family
 * existed); a Llama-family config says `kind: 'llama'`.
 */
export type ModelConfig = GptConfig | LlamaConfig;

export function isLlamaConfig(cfg: ModelConfig): cfg is LlamaConfig {
  return (cfg as { kind?: unknown }).kind === 'llama';
}

/** 'gpt' or 'llama'. */
export function modelFamily(cfg: ModelConfig): 'gpt' | 'llama' {
  return isLlamaConfig(cfg) ? 'llama' : 'gpt';
}

/** Stable key for caching compiled sessions per configuration. */
export function modelConfigKey(cfg: ModelConfig): string {
  return isLlamaConfig(cfg) ? `llama:${llamaConfigKey(cfg)}` : gptConfigKey(cfg);
}

/** Validates a config read from JSON (a checkpoint's config.json) as whichever family it names. */
export function parseModelConfig(json: unknown, where: string): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${where}: the model config must be a JSON object.`);
  const kind = (json as { kind?: unknown }).kind;
  try {
    if (kind === 'llama') return llamaConfig(json as LlamaConfig);
    if (kind === undefined) return gptConfig(json as GptConfig);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
  throw new Error(
    `${where}: config field "kind" is ${JSON.stringify(kind)}; expected "llama", or no kind for the GPT.`,
  );
}
