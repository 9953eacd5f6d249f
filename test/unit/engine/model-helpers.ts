// Helpers for whole-model tests: random (non-tiny) parameters in float64 and feeds for built graphs.

import * as ort from 'onnxruntime-node';
import { type LlamaConfig, type ModelConfig, SeededRng, llamaConfig, paramSpecs } from '../../../engine/model';

/** Parameters with unit-scale noise so every nonlinearity is exercised (init's 0.02 is too flat). */
export function randomParams64(cfg: ModelConfig, seed: number): Record<string, Float64Array> {
  const rng = new SeededRng(seed);
  const out: Record<string, Float64Array> = {};
  for (const s of paramSpecs(cfg)) {
    const n = s.shape.reduce((p, d) => p * d, 1);
    const base = s.init === 'ones' ? 1 : 0;
    const scale = s.init === 'normal' ? 0.4 : 0.1;
    out[s.name] = Float64Array.from({ length: n }, () => base + scale * rng.normal());
  }
  return out;
}

export function paramFeeds(
  cfg: ModelConfig,
  params: Record<string, Float64Array>,
  dtype: 'float32' | 'float64',
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of paramSpecs(cfg)) {
    const a = params[s.name];
    feeds[s.name] =
      dtype === 'float64'
        ? new ort.Tensor('float64', a, s.shape)
        : new ort.Tensor('float32', Float32Array.from(a), s.shape);
  }
  return feeds;
}

export function floatTensor(dtype: 'float32' | 'float64', data: ArrayLike<number>, dims: number[]): ort.Tensor {
  return dtype === 'float64'
    ? new ort.Tensor('float64', Float64Array.from(data), dims)
    : new ort.Tensor('float32', Float32Array.from(data), dims);
}

/** A small Qwen3-shaped Llama: grouped-query attention (2 query heads per kv head), q/k norm, head_dim ≠ d/heads. */
export function smallQwen3(vocabSize: number, contextLength: number): LlamaConfig {
  return llamaConfig({
    architecture: 'Qwen3ForCausalLM',
    vocabSize,
    dModel: 32,
    nLayers: 2,
    nHeads: 4,
    nKvHeads: 2,
    headDim: 16,
    dFF: 64,
    contextLength,
    qkNorm: true,
  });
}
