// One interface per model family: what the graphs, the trainer, the sampler and checkpoints ask
// of a model. The GPT and the Llama family each implement it once (ARCHITECTURES); everything
// else goes through `architectureOf(cfg)` (or the helpers below) and never asks which family it
// holds. Members call their implementations lazily, so the modules may import one another.

import type { GraphBuilder, Value } from '../onnx';
import type { GptConfig } from './config';
import { gptForward, type ForwardOptions, type ForwardResult, type ModelWeights } from './forward';
import type { LlamaConfig } from './llama-config';
import { llamaForward } from './llama-forward';
import { llamaParamSpecs } from './llama-params';
import { type ModelConfig, isLlamaConfig } from './model-config';
import { gptParamSpecs, type ParamSpec } from './params';

/** What a KV cache is shaped by: [batch, kvHeads, cached tokens, headDim] per layer. */
export interface AttentionShape {
  layers: number;
  kvHeads: number;
  headDim: number;
}

export interface ModelArchitecture<C extends ModelConfig> {
  readonly family: 'gpt' | 'llama';
  /** Parameters in the order every graph declares them: names, shapes, init, weight decay. */
  paramSpecs(cfg: C): ParamSpec[];
  /** The forward pass with or without a KV cache: logits and the grown cache. */
  forward(g: GraphBuilder, cfg: C, w: ModelWeights, tokens: Value, opts?: ForwardOptions): ForwardResult;
  attentionShape(cfg: C): AttentionShape;
}

export const GPT_ARCHITECTURE: ModelArchitecture<GptConfig> = {
  family: 'gpt',
  paramSpecs: (cfg) => gptParamSpecs(cfg),
  forward: (g, cfg, w, tokens, opts) => gptForward(g, cfg, w, tokens, opts),
  attentionShape: (cfg) => ({ layers: cfg.nLayers, kvHeads: cfg.nHeads, headDim: cfg.dModel / cfg.nHeads }),
};

export const LLAMA_ARCHITECTURE: ModelArchitecture<LlamaConfig> = {
  family: 'llama',
  paramSpecs: (cfg) => llamaParamSpecs(cfg),
  forward: (g, cfg, w, tokens, opts) => llamaForward(g, cfg, w, tokens, opts),
  attentionShape: (cfg) => ({ layers: cfg.nLayers, kvHeads: cfg.nKvHeads, headDim: cfg.headDim }),
};

/** The implementation of a config's family. */
export function architectureOf(cfg: ModelConfig): ModelArchitecture<ModelConfig> {
  return (isLlamaConfig(cfg) ? LLAMA_ARCHITECTURE : GPT_ARCHITECTURE) as ModelArchitecture<ModelConfig>;
}

/** The forward pass of either family: same inputs, options and outputs (logits + KV cache). */
export function modelForward(
  g: GraphBuilder,
  cfg: ModelConfig,
  w: ModelWeights,
  tokens: Value,
  opts: ForwardOptions = {},
): ForwardResult {
  return architectureOf(cfg).forward(g, cfg, w, tokens, opts);
}

export function attentionShape(cfg: ModelConfig): AttentionShape {
  return architectureOf(cfg).attentionShape(cfg);
}
