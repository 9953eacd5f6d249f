// The Llama-family forward pass (Llama, Mistral, Qwen2, Qwen3), written once for training (no
// cache) and decoding (KV cache in/out), in the same conventions as gptForward: the residual
// stream is [batch*seq, d_model], every projection is one Gemm (transB: weights are [out, in] as
// transformers stores them), and only attention goes 4-D.
//
// Blocks: x += o_proj(attn(rope(q), rope(k), v)) on RMSNorm(x); x += down(silu(gate(h)) * up(h))
// on RMSNorm(x). Grouped-query attention never copies keys/values: the G query heads that share a
// key/value head are stacked along the sequence axis of one matmul.

import type { DType, GraphBuilder, Value } from '../onnx';
import {
  type ForwardOptions,
  type ForwardResult,
  type KvCache,
  type ModelWeights,
  attentionMask,
  emitLmHead,
} from './forward';
import { type LlamaConfig, ropeInverseFrequencies } from './llama-config';
import { LLAMA_EMBEDDINGS, LLAMA_FINAL_NORM, LLAMA_LM_HEAD, llamaLayer } from './llama-params';

/** RMSNorm over the last axis: x / sqrt(mean(x²) + eps) * weight, in primitive (differentiable) ops. */
export function rmsNorm(g: GraphBuilder, x: Value, weight: Value, eps: number): Value {
  return g.scope('rms_norm', () => {
    const meanSquare = g.reduceMean(g.mul(x, x), [-1], true);
    const inverse = g.reciprocal(g.sqrt(g.add(meanSquare, g.scalar(eps, x.dtype))));
    return g.mul(g.mul(x, inverse), weight);
  });
}

/** x · sigmoid(x). */
function silu(g: GraphBuilder, x: Value): Value {
  return g.mul(x, g.sigmoid(x));
}

export interface RotaryTables {
  /** cos of each (position, frequency), [.., T, headDim], both halves equal. */
  cos: Value;
  /** sin with the first half negated, so rotate_half(x)·sin = swap_halves(x)·signedSin. */
  signedSin: Value;
  /** cos and sin of each (position, frequency) as computed, [.., T, headDim / 2] (RotaryEmbedding's caches). */
  cosHalf: Value;
  sinHalf: Value;
}

/**
 * Rotary tables for the given positions ([T] or [B, T] int64), shaped to broadcast over
 * [B, heads, T, headDim]. Computed in the graph (position × inverse frequency, then Cos/Sin), as
 * transformers does, so no table of the whole context is stored.
 */
export function rotaryTables(g: GraphBuilder, cfg: LlamaConfig, positions: Value, dt: DType): RotaryTables {
  return g.scope('rope', () => {
    const inv = ropeInverseFrequencies(cfg);
    const half = cfg.headDim / 2;
    const pos = g.unsqueeze(g.cast(positions, 'float32'), [-1]); // [.., T, 1]
    const freqs = g.mul(pos, g.constant(Array.from(inv), 'float32', [half])); // [.., T, half]
    const unary = (op: string, x: Value) => g.node(op, [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0];
    const cosHalf = g.cast(unary('Cos', freqs), dt);
    const sinHalf = g.cast(unary('Sin', freqs), dt);
    let cos = g.concat([cosHalf, cosHalf], -1);
    let signedSin = g.concat([g.neg(sinHalf), sinHalf], -1);
    if (positions.shape.length === 2) {
      // [B, T, hd] → [B, 1, T, hd]: one table per row, shared by every head.
      cos = g.unsqueeze(cos, [1]);
      signedSin = g.unsqueeze(signedSin, [1]);
    }
    return { cos, signedSin, cosHalf, sinHalf };
  });
}

/** opset-23 RMSNormalization over the last axis (rollout graphs only: no gradient rule). */
function fusedRmsNorm(g: GraphBuilder, x: Value, weight: Value, eps: number): Value {
  return g.node('RMSNormalization', [x, weight], { axis: -1, epsilon: { float: eps } }, [
    { dtype: x.dtype, shape: x.shape },
  ])[0];
}

/** opset-23 RotaryEmbedding of a [B, heads, T, hd] tensor with per-row caches [B, T, hd/2]. */
function fusedRotary(g: GraphBuilder, x: Value, rope: RotaryTables): Value {
  return g.node('RotaryEmbedding', [x, rope.cosHalf, rope.sinHalf], { interleaved: 0 }, [
    { dtype: x.dtype, shape: x.shape },
  ])[0];
}

/** q·cos + rotate_half(q)·sin over the last axis of a [B, heads, T, hd] tensor. */
export function applyRotary(g: GraphBuilder, x: Value, rope: RotaryTables): Value {
  const hd = x.shape[x.shape.length - 1] as number;
  const [first, second] = g.split(x, [hd / 2, hd / 2], -1);
  const swapped = g.concat([second, first], -1);
  return g.add(g.mul(x, rope.cos), g.mul(swapped, rope.signedSin));
}

export function llamaForward(
  g: GraphBuilder,
  cfg: LlamaConfig,
  w: ModelWeights,
  tokens: Value,
  opts: ForwardOptions = {},
): ForwardResult {
  const { dModel: D, nHeads: H, nKvHeads: K, headDim: hd, vocabSize: V } = cfg;
  const G = H / K;
  const dt = w[LLAMA_EMBEDDINGS].dtype;
  if (tokens.shape.length !== 2)
    throw new Error(`llamaForward: tokens must be [batch, seq], got rank ${tokens.shape.length}.`);
  if (opts.past && opts.past.length !== cfg.nLayers)
    throw new Error(`llamaForward: past has ${opts.past.length} layers, config has ${cfg.nLayers}.`);
  const [B, T] = tokens.shape;
  const past = opts.past;

  return g.scope('llama', () => {
    const { tokShape, qSlots, maskBias } = attentionMask(g, tokens, opts, dt);
    // Scores are [B, K, G*T, Tk] when G query heads share a key head: the mask repeats G times.
    const mask = G > 1 ? g.concat(new Array<Value>(G).fill(maskBias), -2) : maskBias;
    const rope = rotaryTables(g, cfg, opts.positions ?? qSlots, dt);
    const scale = g.scalar(1 / Math.sqrt(hd), dt);
    const linear = (x: Value, name: string, bias: boolean) =>
      g.gemm(x, w[name + '.weight'], bias ? w[name + '.bias'] : null, { transB: true });
    const toHeads = (t: Value, heads: number) => {
      const shape = g.concat([tokShape, g.constant([heads, hd], 'int64')], 0);
      return g.reshapeTo(t, shape, [B, T, heads, hd]);
    };
    const headsFirst = (t: Value) => g.transpose(t, [0, 2, 1, 3]); // [B, heads, T, hd]

    const fused = opts.fused === true;
    if (fused && (!opts.keyMask || opts.positions?.shape.length !== 2))
      throw new Error('llamaForward: fused ops need positions [batch, seq] and a key mask.');
    const norm = (v: Value, weight: Value) =>
      fused ? fusedRmsNorm(g, v, weight, cfg.rmsNormEps) : rmsNorm(g, v, weight, cfg.rmsNormEps);

    /** x + down(silu(gate(h)) · up(h)) with h = RMSNorm(x): the second half of a block. */
    const mlpBlock = (x1: Value, p: string): Value => {
      const h2 = norm(x1, w[p + 'post_attention_layernorm.weight']);
      const gate = silu(g, linear(h2, p + 'mlp.gate_proj', cfg.mlpBias));
      const up = linear(h2, p + 'mlp.up_proj', cfg.mlpBias);
      return g.add(x1, linear(g.mul(gate, up), p + 'mlp.down_proj', cfg.mlpBias));
    };

    let x = g.reshape(g.gather(w[LLAMA_EMBEDDINGS], tokens, 0), [-1, D]); // [B*T, D]
    const present: KvCache[] = [];
    for (let l = 0; l < cfg.nLayers; l++) {
      const p = llamaLayer(l);
      x = g.scope(`layers.${l}`, () => {
        const h = norm(x, w[p + 'input_layernorm.weight']);
        let q = toHeads(linear(h, p + 'self_attn.q_proj', cfg.qkvBias), H); // [B, T, H, hd]
        let k = toHeads(linear(h, p + 'self_attn.k_proj', cfg.qkvBias), K);
        const v = toHeads(linear(h, p + 'self_attn.v_proj', cfg.qkvBias), K);
        if (cfg.qkNorm) {
          q = norm(q, w[p + 'self_attn.q_norm.weight']);
          k = norm(k, w[p + 'self_attn.k_norm.weight']);
        }
        if (fused) {
          const q4 = fusedRotary(g, headsFirst(q), rope);
          const k4 = fusedRotary(g, headsFirst(k), rope);
          const Tk = past ? `${past[l].key.shape[2]}+${T}` : T;
          const [att, presentKey, presentValue] = g.node(
            'Attention',
            [q4, k4, headsFirst(v), maskBias, past?.[l].key ?? null, past?.[l].value ?? null],
            { scale: { float: 1 / Math.sqrt(hd) } },
            [
              { dtype: dt, shape: [B, H, T, hd] },
              { dtype: dt, shape: [B, K, Tk, hd] },
              { dtype: dt, shape: [B, K, Tk, hd] },
            ],
          );
          present.push({ key: presentKey, value: presentValue });
          const merged = g.reshape(g.transpose(att, [0, 2, 1, 3]), [-1, H * hd]);
          return mlpBlock(g.add(x, linear(merged, p + 'self_attn.o_proj', cfg.outputBias)), p);
        }
        const q4 = g.mul(applyRotary(g, headsFirst(q), rope), scale); // [B, H, T, hd]
        let k4 = applyRotary(g, headsFirst(k), rope); // [B, K, T, hd]
        let v4 = headsFirst(v);
        if (past) {
          k4 = g.concat([past[l].key, k4], 2);
          v4 = g.concat([past[l].value, v4], 2);
        }
        present.push({ key: k4, value: v4 });
        // Query head h uses key head h / G: stack each group's G heads along the query axis.
        const qGrouped = G > 1 ? g.reshape(q4, [0, K, -1, hd], [B, K, `${G}*${T}`, hd]) : q4;
        const scores = g.matmul(qGrouped, g.transpose(k4, [0, 1, 3, 2])); // [B, K, G*T, Tk]
        const probs = g.softmax(g.add(scores, mask), -1);
        let att = g.matmul(probs, v4); // [B, K, G*T, hd]
        if (G > 1) att = g.reshape(att, [0, H, -1, hd], [B, H, T, hd]);
        const merged = g.reshape(g.transpose(att, [0, 2, 1, 3]), [-1, H * hd]); // [B*T, H*hd]
        return mlpBlock(g.add(x, linear(merged, p + 'self_attn.o_proj', cfg.outputBias)), p);
      });
    }
    const head = cfg.tiedEmbeddings ? w[LLAMA_EMBEDDINGS] : w[LLAMA_LM_HEAD];
    const finalNorm = (h: Value) => norm(h, w[LLAMA_FINAL_NORM]);
    const lm = emitLmHead(g, x, head, finalNorm, { tokShape, B, T, D, V }, opts.lastPositionOnly);
    return { ...lm, present };
  });
}
