// Loss heads on top of the forward pass: token log-probs, entropy, SFT and GRPO objectives.
// Conventions: `tokens`/`mask` are [batch, seq] aligned by token; the model reads tokens[:, :-1]
// and predicts tokens[:, 1:], so per-token tensors inside the graphs are [batch, seq-1].

import type { GraphBuilder, Value } from '../onnx';
import { modelForward } from './architecture';
import type { ModelWeights } from './forward';
import type { ModelConfig } from './model-config';

const TO_END = 2 ** 31 - 1;

export interface ShiftedBatch {
  inputs: Value; // [B, T-1]
  targets: Value; // [B, T-1]
}

/** Split [B, T] tokens into model inputs and next-token targets. */
export function shiftTokens(g: GraphBuilder, tokens: Value): ShiftedBatch {
  const [B, T] = tokens.shape;
  const Tm = typeof T === 'number' ? T - 1 : `${T}-1`;
  return {
    inputs: g.slice(tokens, [0], [-1], [1], [B, Tm]),
    targets: g.slice(tokens, [1], [TO_END], [1], [B, Tm]),
  };
}

/** Drop the first column of a [B, T] tensor so it aligns with the targets. */
export function alignToTargets(g: GraphBuilder, x: Value): Value {
  const [B, T] = x.shape;
  return g.slice(x, [1], [TO_END], [1], [B, typeof T === 'number' ? T - 1 : `${T}-1`]);
}

export interface TokenScores {
  /** log p(target) per position, [B, T-1] */
  logprobs: Value;
  /** log-softmax of all logits, [B*(T-1), V] */
  logp2d: Value;
}

/** Run the model on shifted tokens and pick out each target's log-probability. */
export function scoreTargets(g: GraphBuilder, cfg: ModelConfig, w: ModelWeights, batch: ShiftedBatch): TokenScores {
  const { logits2d } = modelForward(g, cfg, w, batch.inputs);
  return g.scope('head', () => {
    const logp2d = g.logSoftmax(logits2d, 1);
    const idx = g.reshape(batch.targets, [-1, 1]);
    const picked = g.gatherElements(logp2d, idx, 1); // [B*(T-1), 1]
    const logprobs = g.reshapeTo(picked, g.shapeOf(batch.targets), batch.targets.shape);
    return { logprobs, logp2d };
  });
}

/** Entropy of the predictive distribution per position, [B, T-1] (no gradient). */
export function tokenEntropy(g: GraphBuilder, logp2d: Value, like: Value): Value {
  return g.scope('entropy', () => {
    const lp = g.stopGradient(logp2d);
    const ent = g.neg(g.reduceSum(g.mul(g.exp(lp), lp), [1]));
    return g.reshapeTo(ent, g.shapeOf(like), like.shape);
  });
}

/** Sum of x * mask divided by max(sum(mask), 1): a masked mean over all tokens. */
export function maskedMean(g: GraphBuilder, x: Value, mask: Value): Value {
  const denom = g.max(g.reduceAll(mask), g.scalar(1, mask.dtype));
  return g.div(g.reduceAll(g.mul(x, mask)), denom);
}

/** Per-row masked mean, then mean over rows (each sequence weighs the same). */
export function sequenceMean(g: GraphBuilder, x: Value, mask: Value): Value {
  const rowDen = g.max(g.reduceSum(mask, [1]), g.scalar(1, mask.dtype));
  const rowMean = g.div(g.reduceSum(g.mul(x, mask), [1]), rowDen);
  return g.reduceMean(rowMean, [0]);
}

export interface GrpoTerms {
  loss: Value;
  clipFraction: Value;
  kl: Value | null;
  entropy: Value;
}

export interface GrpoGraphOptions {
  aggregation: 'token-mean' | 'sequence-mean';
}

/**
 * GRPO objective: per token -min(rho A, clip(rho, 1-eps_low, 1+eps_high) A) + beta KL_k3, masked and
 * aggregated. `ref`/`beta` null means beta = 0 (no reference model at all).
 */
export function grpoLoss(
  g: GraphBuilder,
  logprobs: Value,
  old: Value,
  advantages: Value,
  mask: Value,
  epsLow: Value,
  epsHigh: Value,
  ref: { logprobs: Value; beta: Value } | null,
  entropy: Value,
  opts: GrpoGraphOptions,
): GrpoTerms {
  return g.scope('grpo', () => {
    const dt = logprobs.dtype;
    const one = g.scalar(1, dt);
    const ratio = g.exp(g.sub(logprobs, old));
    const adv = g.unsqueeze(advantages, [1]); // [B, 1]
    const surr1 = g.mul(ratio, adv);
    const surr2 = g.mul(g.clip(ratio, g.sub(one, epsLow), g.add(one, epsHigh)), adv);
    let perToken = g.neg(g.min(surr1, surr2));
    let kl: Value | null = null;
    if (ref) {
      const d = g.sub(ref.logprobs, logprobs);
      const k3 = g.sub(g.sub(g.exp(d), d), one);
      perToken = g.add(perToken, g.mul(ref.beta, k3));
      kl = maskedMean(g, g.stopGradient(k3), mask);
    }
    const loss = opts.aggregation === 'token-mean' ? maskedMean(g, perToken, mask) : sequenceMean(g, perToken, mask);
    // A token is "clipped" when the clipped branch wins the min, i.e. its gradient is cut.
    const clipped = g.cast(g.less(g.stopGradient(surr2), g.stopGradient(surr1)), dt);
    return { loss, clipFraction: maskedMean(g, clipped, mask), kl, entropy: maskedMean(g, entropy, mask) };
  });
}
