import type { GraphBuilder, Value } from '../onnx/graph-builder';

/** One layer's cache: keys and values, float32 [B, heads, cachedTokens, headDim]. */
export interface LayerCache {
  key: Value;
  value: Value;
}

export interface CachedForwardArgs {
  /** New tokens, int64 [B, S]. */
  tokens: Value;
  /** Their positions (for position embeddings), int64 [B, S]. Rows may differ (left padding). */
  positions: Value;
  /**
   * Which keys are real, int64 [B, P + S] over cached then new tokens: 1 = attend, 0 = padding.
   * The decoder combines it with the causal rule (a token sees itself and earlier columns).
   */
  keyMask: Value;
  /** Cache of the P earlier tokens, one entry per layer; null when there is none (prefill). */
  past: readonly LayerCache[] | null;
  /** Logits of the last position only, [B, 1, V] (the prefill samples from nothing else). */
  lastPositionOnly?: boolean;
}

export interface CachedForwardResult {
  /** float32 [B, S, V], or [B, 1, V] with lastPositionOnly. */
  logits: Value;
  /** Cache of P + S tokens, one entry per layer. */
  present: LayerCache[];
}

/**
 * What the sampler needs from a model: its sizes and a way to emit one cached forward pass into
 * any graph (a top-level graph or a Loop body, which reads the parameters from the outer scope).
 */
export interface CachedDecoder {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  /** Parameter inputs in a fixed order: name and static shape. */
  readonly paramSpecs: ReadonlyArray<{ name: string; shape: readonly number[] }>;
  emitForward(g: GraphBuilder, params: ReadonlyMap<string, Value>, args: CachedForwardArgs): CachedForwardResult;
  /** Default-domain opset the rollout graphs are encoded at (20 unless the decoder uses newer ops). */
  readonly opset?: 20 | 23;
}
