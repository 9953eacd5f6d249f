// The GRPO policy update: μ = innerEpochs optimizer steps on one batch of scored rollouts, with
// clip-higher, token- or sequence-mean aggregation and, only when β > 0, a KL to a reference.
// Rollouts one update stale (grpo.staleness 1) bring their sampler's log-probs as π_old.
import type { EngineRuntime, GrpoBatch, TokenBatch } from '../engine';
import type { GrpoConfig } from '../recipe/config';
import type { Policy } from './policy';
import type { ScoredBatch, ScoredRollout } from './score';
import { accumulatedStep, adamwConfig, chunkRows, completionRow, pack } from './training';

export interface GrpoUpdateMetrics {
  /** 0-based GRPO step. */
  step: number;
  /** True when no row carried a learning signal, so the parameters were left alone. */
  skipped: boolean;
  /** Completions trained on. */
  rows: number;
  /** Means over the inner epochs (null when skipped). */
  loss: number | null;
  clipFraction: number | null;
  kl: number | null;
  entropy: number | null;
  gradNorm: number | null;
  lr: number | null;
  epochs: number;
  /** Updates the sampling policy lagged behind this one: 0 on-policy, 1 one step off-policy. */
  staleness: number;
}

export interface GrpoUpdateOptions {
  /** the frozen reference policy; needed when beta > 0 */
  refPolicy?: Policy;
  /** rows per forward/backward pass (gradients accumulate over passes); default: the whole batch at once */
  batchRows?: number;
  /**
   * Updates made since the rollouts' policy (0 when it is `policy` itself). Above 0 the ratio is
   * taken to the log-probs the sampler recorded, which are the sampling policy's.
   */
  staleness?: number;
}

/**
 * The sampler's log-probs of each completion token, laid out as `Trainer.logprobs` returns them
 * (position t holds log π(token t | tokens before t)), 0 where nothing is trained on.
 */
export function sampledLogprobs(
  rows: readonly Pick<ScoredRollout, 'promptTokens' | 'tokens' | 'logprobs'>[],
  batch: TokenBatch,
): Float32Array {
  const { batchSize: B, seqLen: T } = batch;
  const out = new Float32Array(B * T);
  rows.forEach((r, b) => {
    if (r.logprobs.length !== r.tokens.length)
      throw new Error(`grpoUpdate: rollout ${b} has ${r.logprobs.length} log-probs for ${r.tokens.length} tokens.`);
    for (let t = 0; t < T; t++) {
      if (batch.lossMask[b * T + t] === 0) continue;
      const j = t - r.promptTokens.length;
      if (j < 0)
        throw new Error(`grpoUpdate: rollout ${b} trains on prompt position ${t}, which has no sampled log-prob.`);
      out[b * T + t] = r.logprobs[j];
    }
  });
  return out;
}

export async function grpoUpdate(
  engine: EngineRuntime,
  policy: Policy,
  scored: ScoredBatch,
  grpo: GrpoConfig,
  step: number,
  totalSteps: number,
  { refPolicy, batchRows, staleness = 0 }: GrpoUpdateOptions = {},
): Promise<GrpoUpdateMetrics> {
  if (step !== policy.step)
    throw new Error(
      `grpoUpdate: step ${step} does not match policy.step ${policy.step}; resume from the policy's own step.`,
    );
  if (!(step < totalSteps)) throw new Error(`grpoUpdate: step ${step} is past totalSteps ${totalSteps}.`);
  const optState = policy.optimizer;
  if (!optState)
    throw new Error('grpoUpdate: the policy has no optimizer state; start the stage with freshOptimizer(policy).');
  if (grpo.beta > 0 && !refPolicy) throw new Error('grpoUpdate: grpo.beta > 0 needs a reference policy (refPolicy).');

  const rows = scored.rollouts.filter((r) => r.used && r.tokens.length > 0);
  const signal = rows.some((r) => r.advantage !== 0) || grpo.beta > 0;
  const empty: GrpoUpdateMetrics = {
    step,
    skipped: true,
    rows: 0,
    loss: null,
    clipFraction: null,
    kl: null,
    entropy: null,
    gradNorm: null,
    lr: null,
    epochs: 0,
    staleness,
  };
  if (rows.length === 0 || !signal) {
    policy.step = step + 1;
    return empty;
  }

  const trainer = engine.trainer(policy.config);
  const optimizer = adamwConfig(grpo.optimizer, totalSteps * grpo.innerEpochs);
  if (batchRows !== undefined && rows.length > batchRows) {
    if (grpo.innerEpochs > 1 || grpo.beta > 0)
      throw new Error('grpoUpdate: training in several passes supports one inner epoch and beta 0 only.');
    const chunks = chunkRows(rows, batchRows).map((chunk): GrpoBatch => {
      const base = packRows(chunk, policy);
      const batch: GrpoBatch = { ...base, advantages: Float32Array.from(chunk.map((r) => r.advantage)) };
      if (staleness > 0) batch.oldLogprobs = sampledLogprobs(chunk, base);
      return batch;
    });
    const hp = { epsLow: grpo.clipLow, epsHigh: grpo.clipHigh, beta: 0, aggregation: grpo.aggregation };
    const r = await accumulatedStep(
      policy.config,
      policy.params,
      optState,
      chunks,
      grpo.aggregation === 'token-mean' ? 'tokens' : 'rows',
      optimizer,
      (chunk, i) => trainer.grpoLossAndGrads(policy.params, chunks[i], hp),
    );
    const mean = (name: string) => r.outputs.reduce((s, { w, out }) => s + w * (out[name].data as Float32Array)[0], 0);
    policy.step = step + 1;
    return {
      step,
      skipped: false,
      rows: rows.length,
      loss: r.loss,
      clipFraction: mean('clip_fraction'),
      kl: null,
      entropy: mean('entropy'),
      gradNorm: r.gradNorm,
      lr: r.lr,
      epochs: 1,
      staleness,
    };
  }
  const base = packRows(rows, policy);
  const batch: GrpoBatch = { ...base, advantages: Float32Array.from(rows.map((r) => r.advantage)) };
  // One epoch on fresh samples: the graph's own detached log-probs are π_old exactly. More epochs
  // need π_old frozen before the first update; stale samples bring π_old's with them.
  if (staleness > 0) batch.oldLogprobs = sampledLogprobs(rows, base);
  else if (grpo.innerEpochs > 1) batch.oldLogprobs = (await trainer.logprobs(policy.params, base)).logprobs.slice();
  if (grpo.beta > 0) batch.refLogprobs = (await trainer.logprobs(refPolicy!.params, base)).logprobs.slice();

  const hp = {
    optimizer,
    epsLow: grpo.clipLow,
    epsHigh: grpo.clipHigh,
    beta: grpo.beta,
    aggregation: grpo.aggregation,
  };
  const sums = { loss: 0, clipFraction: 0, kl: 0, entropy: 0, gradNorm: 0, lr: 0 };
  for (let epoch = 0; epoch < grpo.innerEpochs; epoch++) {
    const { metrics } = await trainer.grpoStep(policy.params, optState, batch, hp);
    sums.loss += metrics.loss;
    sums.clipFraction += metrics.clipFraction;
    sums.kl += metrics.kl ?? 0;
    sums.entropy += metrics.entropy;
    sums.gradNorm += metrics.gradNorm;
    sums.lr += metrics.lr;
  }
  policy.step = step + 1;
  const n = grpo.innerEpochs;
  return {
    step,
    skipped: false,
    rows: rows.length,
    loss: sums.loss / n,
    clipFraction: sums.clipFraction / n,
    kl: grpo.beta > 0 ? sums.kl / n : null,
    entropy: sums.entropy / n,
    gradNorm: sums.gradNorm / n,
    lr: sums.lr / n,
    epochs: n,
    staleness,
  };
}

function packRows(rows: readonly ScoredRollout[], policy: Policy): TokenBatch {
  return pack(
    rows.map((r) => completionRow(r.promptTokens, r.tokens, policy.config.contextLength)),
    policy.tokenizer,
  );
}
