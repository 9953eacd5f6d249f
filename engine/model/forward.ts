// The GPT forward pass, written once for training (no cache) and decoding (KV cache in/out).
//
// Layout: the residual stream is kept 2-D as [batch*seq, d_model] so every linear layer is one
// Gemm (bias fused) and its backward pass is two Gemms; only attention goes 4-D.

import type { DType, GraphBuilder, Value } from '../onnx';
import type { GptConfig } from './config';
import type { ModelConfig } from './model-config';
import { type Params, numel, paramSpecs } from './params';

/** Graph values of every parameter, keyed by ParamSpec.name. */
export type GptWeights = Record<string, Value>;
/** The same for either model family. */
export type ModelWeights = GptWeights;

/** One layer's attention cache, [batch, heads, cached_len, head_dim]. */
export interface KvCache {
  key: Value;
  value: Value;
}

export interface ForwardOptions {
  /** Cache of earlier positions, one entry per layer; new keys/values are appended to it. */
  past?: readonly KvCache[];
  /**
   * Absolute positions of the new tokens, [batch, seq] int64/int32. Default: past_len + 0..seq-1
   * for every row. Pass them when rows are left-padded so real tokens start at position 0.
   */
  positions?: Value;
  /** [batch, past_len + seq] bool, true where a key may be attended (false for padding). */
  keyMask?: Value;
  /**
   * Llama family only: use opset-23's fused RMSNormalization, RotaryEmbedding and Attention.
   * They have no gradient rules, so only rollout graphs (encoded at opset 23) use them; needs
   * `positions` [batch, seq] and `keyMask`. The GPT ignores it.
   */
  fused?: boolean;
  /**
   * Logits of the last position only ([batch, 1, vocab]): a rollout's prefill samples from the
   * last prompt token alone, and the LM head over every prompt position would cost seq times more.
   */
  lastPositionOnly?: boolean;
}

export interface ForwardResult {
  /** [batch, seq, vocab], or [batch, 1, vocab] with lastPositionOnly */
  logits: Value;
  /** The same logits as [batch*seq, vocab] (what the loss heads use, no reshape needed). */
  logits2d: Value;
  /** Per layer, past + new keys/values: [batch, heads, past_len + seq, head_dim]. */
  present: KvCache[];
}

/** Declare every parameter as a graph input named like its ParamSpec. */
export function declareWeightInputs(g: GraphBuilder, cfg: ModelConfig, dtype: DType = 'float32'): GptWeights {
  const w: GptWeights = {};
  for (const s of paramSpecs(cfg)) w[s.name] = g.input(s.name, dtype, s.shape);
  return w;
}

/** Embed parameters as initializers (standalone models). */
export function declareWeightInitializers(g: GraphBuilder, cfg: ModelConfig, params: Params): GptWeights {
  const w: GptWeights = {};
  for (const s of paramSpecs(cfg)) {
    const a = params[s.name];
    if (!a || a.length !== numel(s.shape)) throw new Error(`Parameter '${s.name}' is missing or has the wrong size.`);
    w[s.name] = g.initializer(s.name, 'float32', s.shape, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return w;
}

const MASKED_SCORE = -1e9;

export interface AttentionMask {
  /** Runtime shape of the tokens, [2] int64. */
  tokShape: Value;
  /** Cache slot of each new token, [T] int64 (past_len + 0..T-1): the default positions. */
  qSlots: Value;
  /** Additive score mask, 0 where allowed and -1e9 elsewhere: [T, Tk], or [B, 1, T, Tk] with a key mask. */
  maskBias: Value;
}

/**
 * The causal mask by cache slot: query i sits at slot past_len + i and sees slots <= its own (and,
 * with a key mask, only real keys). Additive (0 or -1e9) and built once: adding it needs no extra
 * pass in the backward pass, unlike a Where per layer.
 */
export function attentionMask(g: GraphBuilder, tokens: Value, opts: ForwardOptions, dt: DType): AttentionMask {
  const T = tokens.shape[1];
  const past = opts.past;
  const P = past ? past[0].key.shape[2] : 0;
  const Tk = past ? `${P}+${T}` : T;
  const tokShape = g.shapeOf(tokens);
  const seqLen = g.gather(tokShape, g.constant([1], 'int64', []), 0);
  const pastLen = past ? g.gather(g.shapeOf(past[0].key), g.constant([2], 'int64', []), 0) : g.scalar(0, 'int64');
  const totalLen = past ? g.add(pastLen, seqLen) : seqLen;
  const one = g.scalar(1, 'int64');
  const qSlots = g.range(pastLen, totalLen, one, T);
  const kSlots = past ? g.range(g.scalar(0, 'int64'), totalLen, one, Tk) : qSlots;
  let allowed = g.lessOrEqual(g.unsqueeze(kSlots, [0]), g.unsqueeze(qSlots, [1])); // [T, Tk]
  if (opts.keyMask) allowed = g.and(allowed, g.unsqueeze(opts.keyMask, [1, 2])); // [B, 1, T, Tk]
  const maskBias = g.where(allowed, g.scalar(0, dt), g.scalar(MASKED_SCORE, dt));
  return { tokShape, qSlots, maskBias };
}

/**
 * The final norm and the LM head over the residual stream x [B*T, D]: logits of every position,
 * or of the last one only. Both are per row, so the last row's logits are those of the full head.
 */
export function emitLmHead(
  g: GraphBuilder,
  x: Value,
  head: Value,
  finalNorm: (x: Value) => Value,
  dims: { tokShape: Value; B: number | string; T: number | string; D: number; V: number },
  lastPositionOnly: boolean | undefined,
): { logits: Value; logits2d: Value } {
  const { tokShape, B, T, D, V } = dims;
  if (lastPositionOnly) {
    const x3 = g.reshapeTo(x, g.concat([tokShape, g.constant([D], 'int64')], 0), [B, T, D]);
    const last = g.reshape(g.slice(x3, [-1], [Number.MAX_SAFE_INTEGER], [1], [B, 1, D]), [-1, D], [B, D]);
    const logits2d = g.gemm(finalNorm(last), head, null, { transB: true }); // [B, V]
    return { logits: g.unsqueeze(logits2d, [1]), logits2d };
  }
  const logits2d = g.gemm(finalNorm(x), head, null, { transB: true }); // [B*T, V]
  const logits = g.reshapeTo(logits2d, g.concat([tokShape, g.constant([V], 'int64')], 0), [B, T, V]);
  return { logits, logits2d };
}

export function gptForward(
  g: GraphBuilder,
  cfg: GptConfig,
  w: GptWeights,
  tokens: Value,
  opts: ForwardOptions = {},
): ForwardResult {
  const D = cfg.dModel,
    H = cfg.nHeads,
    hd = D / H,
    V = cfg.vocabSize;
  const dt = w.wte.dtype;
  if (tokens.shape.length !== 2)
    throw new Error(`gptForward: tokens must be [batch, seq], got rank ${tokens.shape.length}.`);
  if (opts.past && opts.past.length !== cfg.nLayers)
    throw new Error(`gptForward: past has ${opts.past.length} layers, config has ${cfg.nLayers}.`);
  const [B, T] = tokens.shape;
  const past = opts.past;

  return g.scope('gpt', () => {
    const { tokShape, qSlots, maskBias } = attentionMask(g, tokens, opts, dt);

    const tokEmb = g.gather(w.wte, tokens, 0); // [B, T, D]
    const posEmb = g.gather(w.wpe, opts.positions ?? qSlots, 0); // [T, D] or [B, T, D]
    let x = g.reshape(g.add(tokEmb, posEmb), [-1, D]); // [B*T, D]
    const heads4 = g.concat([tokShape, g.constant([H, hd], 'int64')], 0);
    const toHeads = (t: Value) => g.transpose(g.reshapeTo(t, heads4, [B, T, H, hd]), [0, 2, 1, 3]); // [B, H, T, hd]
    const scale = g.scalar(1 / Math.sqrt(hd), dt);

    const present: KvCache[] = [];
    for (let l = 0; l < cfg.nLayers; l++) {
      const p = `h.${l}.`;
      x = g.scope(`h.${l}`, () => {
        const h = g.layerNorm(x, w[p + 'ln1.weight'], w[p + 'ln1.bias'], cfg.layerNormEps);
        const qkv = g.gemm(h, w[p + 'attn.qkv.weight'], w[p + 'attn.qkv.bias']);
        const [q, k, v] = g.split(qkv, [D, D, D], 1);
        const q4 = g.mul(toHeads(q), scale);
        let k4 = toHeads(k),
          v4 = toHeads(v);
        if (past) {
          k4 = g.concat([past[l].key, k4], 2);
          v4 = g.concat([past[l].value, v4], 2);
        }
        present.push({ key: k4, value: v4 });
        const scores = g.matmul(q4, g.transpose(k4, [0, 1, 3, 2])); // [B, H, T, Tk]
        const probs = g.softmax(g.add(scores, maskBias), -1);
        const att = g.reshape(g.transpose(g.matmul(probs, v4), [0, 2, 1, 3]), [-1, D]); // [B*T, D]
        const x1 = g.add(x, g.gemm(att, w[p + 'attn.proj.weight'], w[p + 'attn.proj.bias']));
        const h2 = g.layerNorm(x1, w[p + 'ln2.weight'], w[p + 'ln2.bias'], cfg.layerNormEps);
        const f = g.gelu(
          g.gemm(h2, w[p + 'mlp.fc.weight'], w[p + 'mlp.fc.bias']),
          cfg.activation === 'gelu' ? 'none' : 'tanh',
        );
        return g.add(x1, g.gemm(f, w[p + 'mlp.proj.weight'], w[p + 'mlp.proj.bias']));
      });
    }
    const head = cfg.tiedEmbeddings ? w.wte : w['lm_head.weight'];
    const finalNorm = (h: Value) => g.layerNorm(h, w['ln_f.weight'], w['ln_f.bias'], cfg.layerNormEps);
    const lm = emitLmHead(g, x, head, finalNorm, { tokShape, B, T, D, V }, opts.lastPositionOnly);
    return { ...lm, present };
  });
}
