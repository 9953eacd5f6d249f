// One interface per model family: what the graphs, the trainer and the sampler ask of a model.
// The GPT and the Llama family each implement it once; everything else dispatches through
// `modelForward` / `paramSpecs` and never asks which family it holds.

import type { GraphBuilder, Value } from '../onnx';
import { gptForward, type ForwardOptions, type ForwardResult, type ModelWeights } from './forward';
import { llamaForward } from './llama-forward';
import { type ModelConfig, isLlamaConfig } from './model-config';

/** The forward pass of either family: same inputs, options and outputs (logits + KV cache). */
export function modelForward(
  g: GraphBuilder,
  cfg: ModelConfig,
  w: ModelWeights,
  tokens: Value,
  opts: ForwardOptions = {},
): ForwardResult {
  return isLlamaConfig(cfg) ? llamaForward(g, cfg, w, tokens, opts) : gptForward(g, cfg, w, tokens, opts);
}
