// Whole graphs the trainer compiles: per-token log-probs, SFT loss + grads, GRPO loss + grads.
// Parameters are graph inputs, so one compiled session serves every checkpoint of a config.

import { gradients } from '../autodiff';
import { type DType, GraphBuilder, type Value, encodeModel } from '../onnx';
import type { ModelConfig } from './model-config';
import { declareWeightInputs } from './forward';
import { alignToTargets, grpoLoss, maskedMean, scoreTargets, shiftTokens, tokenEntropy } from './heads';
import { paramSpecs } from './params';
import { appendAdamW, flatLayout } from '../optim/adamw-graph';

export interface BuiltGraph {
  /** ONNX ModelProto bytes. */
  bytes: Uint8Array;
  /** The builder, kept for inspection (node names, shapes). */
  graph: GraphBuilder;
  paramNames: string[];
  inputNames: string[];
  outputNames: string[];
}

/** Name of the gradient output for a parameter. */
export const gradName = (param: string) => `grad.${param}`;

function finish(g: GraphBuilder, cfg: ModelConfig): BuiltGraph {
  return {
    bytes: encodeModel(g),
    graph: g,
    paramNames: paramSpecs(cfg).map((s) => s.name),
    inputNames: g.inputs.map((v) => v.name),
    outputNames: g.outputs.map((v) => v.name),
  };
}

export interface TrainGraphOptions {
  /**
   * 'none': output grad.<param> for every parameter. 'adamw': append the fused AdamW update
   * (engine/optim/adamw-graph) instead: inputs adamw.m/v/scalars, outputs params_out,
   * adamw.m_out/v_out, grad_norm; the whole train step is then one session.run.
   */
  optimizer?: 'none' | 'adamw';
}

function outputGradsOrUpdate(
  g: GraphBuilder,
  cfg: ModelConfig,
  w: Record<string, Value>,
  loss: Value,
  opts: TrainGraphOptions,
): void {
  const specs = paramSpecs(cfg);
  const names = specs.map((s) => s.name);
  const grads = gradients(
    g,
    loss,
    names.map((n) => w[n]),
  );
  if ((opts.optimizer ?? 'none') === 'none') {
    grads.forEach((gr, i) => g.output(gr, gradName(names[i])));
    return;
  }
  appendAdamW(g, flatLayout(specs), w, Object.fromEntries(names.map((n, i) => [n, grads[i]])));
}

function batchInputs(g: GraphBuilder, dtype: DType): { tokens: Value; mask: Value } {
  return {
    tokens: g.input('tokens', 'int32', ['batch', 'seq']),
    mask: g.input('mask', dtype, ['batch', 'seq']),
  };
}

/**
 * Inputs: params, tokens [B,T] int32. Outputs: logprobs [B,T] (entry t = log p(token t | tokens < t),
 * entry 0 = 0) and entropy [B,T] (entry t = entropy of the distribution token t was drawn from).
 */
export function buildLogprobsGraph(cfg: ModelConfig, dtype: DType = 'float32'): BuiltGraph {
  const g = new GraphBuilder('logprobs');
  const w = declareWeightInputs(g, cfg, dtype);
  const tokens = g.input('tokens', 'int32', ['batch', 'seq']);
  const shifted = shiftTokens(g, tokens);
  const { logprobs, logp2d } = scoreTargets(g, cfg, w, shifted);
  const ent = tokenEntropy(g, logp2d, shifted.targets);
  g.output(g.pad(logprobs, [0, 1, 0, 0], 0, ['batch', 'seq']), 'logprobs');
  g.output(g.pad(ent, [0, 1, 0, 0], 0, ['batch', 'seq']), 'entropy');
  return finish(g, cfg);
}

/**
 * Inputs: params, tokens [B,T] int32, mask [B,T] (1 where token t is trained on; t = 0 is ignored).
 * Outputs: loss (masked mean token cross-entropy), token_count, grad.<param> for every parameter.
 */
export function buildSftGraph(cfg: ModelConfig, dtype: DType = 'float32', opts: TrainGraphOptions = {}): BuiltGraph {
  const g = new GraphBuilder('sft');
  const w = declareWeightInputs(g, cfg, dtype);
  const { tokens, mask } = batchInputs(g, dtype);
  const shifted = shiftTokens(g, tokens);
  const m = alignToTargets(g, mask);
  const { logprobs } = scoreTargets(g, cfg, w, shifted);
  const loss = g.scope('sft', () => g.neg(maskedMean(g, logprobs, m)));
  g.output(loss, 'loss');
  g.output(g.reduceAll(m), 'token_count');
  outputGradsOrUpdate(g, cfg, w, loss, opts);
  return finish(g, cfg);
}

export interface GrpoVariant {
  /** Sequence-mean (GRPO) or token-mean (DAPO) loss aggregation. */
  aggregation: 'token-mean' | 'sequence-mean';
  /** With a reference model: inputs ref_logprobs and beta, output kl. Without: neither exists. */
  useReference: boolean;
  /**
   * 'input': old_logprobs is a graph input. 'current': the old policy is the current one
   * (single inner epoch), so the graph uses its own detached log-probs and skips that input.
   */
  oldLogprobs: 'input' | 'current';
}

/**
 * Inputs: params, tokens [B,T] int32, mask [B,T] (completion tokens), advantages [B],
 * old_logprobs [B,T] (variant), ref_logprobs [B,T] + beta [] (variant), eps_low [], eps_high [].
 * Per-token inputs are aligned with tokens (entry 0 unused), as the logprobs graph returns them.
 * Outputs: loss, grad.<param>..., clip_fraction, entropy, kl (variant).
 */
export function buildGrpoGraph(
  cfg: ModelConfig,
  variant: GrpoVariant,
  dtype: DType = 'float32',
  opts: TrainGraphOptions = {},
): BuiltGraph {
  const g = new GraphBuilder('grpo');
  const w = declareWeightInputs(g, cfg, dtype);
  const { tokens, mask } = batchInputs(g, dtype);
  const advantages = g.input('advantages', dtype, ['batch']);
  const oldIn = variant.oldLogprobs === 'input' ? g.input('old_logprobs', dtype, ['batch', 'seq']) : null;
  const refIn = variant.useReference ? g.input('ref_logprobs', dtype, ['batch', 'seq']) : null;
  const beta = variant.useReference ? g.input('beta', dtype, []) : null;
  const epsLow = g.input('eps_low', dtype, []);
  const epsHigh = g.input('eps_high', dtype, []);

  const shifted = shiftTokens(g, tokens);
  const m = alignToTargets(g, mask);
  const { logprobs, logp2d } = scoreTargets(g, cfg, w, shifted);
  const entropy = tokenEntropy(g, logp2d, shifted.targets);
  const old = oldIn ? alignToTargets(g, oldIn) : g.stopGradient(logprobs);
  const ref = refIn && beta ? { logprobs: alignToTargets(g, refIn), beta } : null;
  const terms = grpoLoss(g, logprobs, old, advantages, m, epsLow, epsHigh, ref, entropy, {
    aggregation: variant.aggregation,
  });

  g.output(terms.loss, 'loss');
  outputGradsOrUpdate(g, cfg, w, terms.loss, opts);
  g.output(terms.clipFraction, 'clip_fraction');
  g.output(terms.entropy, 'entropy');
  if (terms.kl) g.output(terms.kl, 'kl');
  return finish(g, cfg);
}
