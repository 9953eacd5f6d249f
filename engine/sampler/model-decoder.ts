import type { Value } from '../onnx/graph-builder';
import {
  type GptConfig,
  type LlamaConfig,
  type ModelConfig,
  type ModelWeights,
  attentionShape,
  isLlamaConfig,
  modelForward,
  paramSpecs,
} from '../model';
import type { CachedDecoder } from './decoder';

/**
 * A model of either family as a sampler decoder: its forward pass with positions, key mask and KV
 * cache. The cache holds the key/value heads (fewer than the query heads under grouped-query
 * attention).
 */
export interface DecoderOptions {
  /**
   * Llama family: emit opset-23 fused RMSNormalization, RotaryEmbedding and Attention instead of
   * primitive ops (the rollout graphs are then encoded at opset 23). The GPT has no fused path.
   */
  fused?: boolean;
}

export function modelDecoder(cfg: ModelConfig, options: DecoderOptions = {}): CachedDecoder {
  const fused = isLlamaConfig(cfg) && options.fused === true;
  const specs = paramSpecs(cfg).map((s) => ({ name: s.name, shape: s.shape }));
  const { layers, kvHeads, headDim } = attentionShape(cfg);
  return {
    vocabSize: cfg.vocabSize,
    contextLength: cfg.contextLength,
    layers,
    heads: kvHeads,
    headDim,
    paramSpecs: specs,
    ...(fused ? { opset: 23 as const } : {}),
    emitForward(g, params, args) {
      const weights: ModelWeights = {};
      for (const spec of specs) {
        const value = params.get(spec.name);
        if (!value) throw new Error(`modelDecoder: parameter input '${spec.name}' was not provided.`);
        weights[spec.name] = value;
      }
      const keyMask: Value = g.cast(args.keyMask, 'bool');
      const result = modelForward(g, cfg, weights, args.tokens, {
        positions: args.positions,
        keyMask,
        ...(fused ? { fused } : {}),
        ...(args.lastPositionOnly ? { lastPositionOnly: true } : {}),
        ...(args.past ? { past: args.past.map((layer) => ({ key: layer.key, value: layer.value })) } : {}),
      });
      return {
        logits: result.logits,
        present: result.present.map((layer) => ({ key: layer.key, value: layer.value })),
      };
    },
  };
}

/** The engine's GPT as a sampler decoder. */
export const gptDecoder = (cfg: GptConfig): CachedDecoder => modelDecoder(cfg);

/** A Llama-family model as a sampler decoder. */
export const llamaDecoder = (cfg: LlamaConfig, options: DecoderOptions = {}): CachedDecoder =>
  modelDecoder(cfg, options);
