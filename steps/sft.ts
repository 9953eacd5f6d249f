// Supervised fine-tuning on prompt/completion pairs (cold start and rejection SFT): loss on the
// completion tokens (and the closing <eos>) only. Each epoch visits the examples in an order
// drawn from (seed, epoch), so step s's batch is known without running steps 0..s-1.
import { createRng, deriveSeed, type SftExample } from '../recipe';
import type { SftConfig } from '../recipe/config';
import { checkStep, type Policy } from './policy';
import type { EngineRuntime } from '../engine';
import type { PromptFormat } from './prompting';
import {
  accumulatedStep,
  adamwConfig,
  chunkRows,
  completionRow,
  pack,
  targetTokens,
  type TrainStepMetrics,
} from './training';

export function sftTotalSteps(examples: number, sft: SftConfig): number {
  if (examples === 0) return 0;
  const total = sft.epochs * Math.ceil(examples / sft.batchSize);
  return sft.maxSteps > 0 ? Math.min(total, sft.maxSteps) : total;
}

function epochOrder(seed: number, epoch: number, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = createRng(deriveSeed(seed, 'sft-epoch', epoch));
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Example indices of SFT step `step` (the last batch of an epoch may be shorter). */
export function sftBatchIndices(examples: number, sft: SftConfig, seed: number, step: number): number[] {
  const perEpoch = Math.ceil(examples / sft.batchSize);
  const epoch = Math.floor(step / perEpoch);
  const offset = (step % perEpoch) * sft.batchSize;
  return epochOrder(seed, epoch, examples).slice(offset, offset + sft.batchSize);
}

export async function sftSteps(
  engine: EngineRuntime,
  policy: Policy,
  examples: readonly SftExample[],
  sft: SftConfig,
  seed: number,
  fromStep: number,
  toStep: number,
  format: PromptFormat,
  onStep?: (metrics: TrainStepMetrics) => void,
  /** rows per forward/backward pass (gradients accumulate over passes); default: the whole batch at once */
  batchRows?: number,
): Promise<TrainStepMetrics[]> {
  const optState = checkStep('sftSteps', policy, fromStep, toStep);
  const total = sftTotalSteps(examples.length, sft);
  if (toStep > total)
    throw new Error(
      `sftSteps: toStep ${toStep} is past the ${total} steps of ${examples.length} examples under this sft config.`,
    );
  const tokenizer = policy.tokenizer;
  const encoded = examples.map((example, i) => {
    try {
      return completionRow(
        format.encode(example.prompt),
        tokenizer.encode(example.completion, { eos: true }),
        policy.config.contextLength,
      );
    } catch (error) {
      throw new Error(`SFT example ${i}: ${(error as Error).message}`, { cause: error });
    }
  });
  const optimizer = adamwConfig(sft.optimizer, total);
  const trainer = engine.trainer(policy.config);
  const out: TrainStepMetrics[] = [];
  for (let step = fromStep; step < toStep; step++) {
    const rows = sftBatchIndices(examples.length, sft, seed, step).map((i) => encoded[i]);
    let metrics: Omit<TrainStepMetrics, 'step'>;
    if (batchRows !== undefined && rows.length > batchRows) {
      const chunks = chunkRows(rows, batchRows).map((chunk) => pack(chunk, tokenizer));
      const r = await accumulatedStep(policy.config, policy.params, optState, chunks, 'tokens', optimizer, (chunk) =>
        trainer.sftLossAndGrads(policy.params, chunk),
      );
      metrics = {
        loss: r.loss,
        gradNorm: r.gradNorm,
        lr: r.lr,
        tokens: chunks.reduce((n, c) => n + targetTokens(c), 0),
      };
    } else {
      ({ metrics } = await trainer.sftStep(policy.params, optState, pack(rows, tokenizer), { optimizer }));
    }
    policy.step = step + 1;
    const m = { step, ...metrics };
    out.push(m);
    onStep?.(m);
  }
  return out;
}
