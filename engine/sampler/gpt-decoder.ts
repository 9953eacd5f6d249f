import type { Value } from '../onnx/graph-builder';
import { type GptConfig, type GptWeights, gptForward, paramSpecs } from '../model';
import type { CachedDecoder } from './decoder';

/** The engine's GPT as a sampler decoder: gptForward with positions, key mask and KV cache. */
export function gptDecoder(cfg: GptConfig): CachedDecoder {
  const specs = paramSpecs(cfg).map((s) => ({ name: s.name, shape: s.shape }));
  return {
    vocabSize: cfg.vocabSize,
    contextLength: cfg.contextLength,
    layers: cfg.nLayers,
    heads: cfg.nHeads,
    headDim: cfg.dModel / cfg.nHeads,
    paramSpecs: specs,
    emitForward(g, params, args) {
      const weights: GptWeights = {};
      for (const spec of specs) {
        const value = params.get(spec.name);
        if (!value) throw new Error(`gptDecoder: parameter input '${spec.name}' was not provided.`);
        weights[spec.name] = value;
      }
      const keyMask: Value = g.cast(args.keyMask, 'bool');
      const result = gptForward(g, cfg, weights, args.tokens, {
        positions: args.positions,
        keyMask,
        ...(args.past ? { past: args.past.map((layer) => ({ key: layer.key, value: layer.value })) } : {}),
      });
      return {
        logits: result.logits,
        present: result.present.map((layer) => ({ key: layer.key, value: layer.value })),
      };
    },
  };
}
