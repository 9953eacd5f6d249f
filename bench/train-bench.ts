// What the engine benchmarks share: the in-process MatMul ceiling, the FLOP count of a train step,
// a random token batch, and timing train steps in rounds against the ceiling. The machine may be
// shared, so each round times the ceiling right before its steps and ratios are taken within a
// round (same load).
import * as ort from 'onnxruntime-node';
import { createSession } from '../engine/device';
import { gptConfig, llamaConfig, SeededRng, type GptConfig, type ModelConfig, type Params } from '../engine/model';
import { GraphBuilder, encodeModel } from '../engine/onnx';
import { DEFAULT_ADAMW, type AdamWState } from '../engine/optim';
import { packSequences, type TokenBatch, type Trainer } from '../engine/train';

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The ~1M-parameter GPT the engine benchmarks measure (V512 D256 L1 F1024, untied head). */
export const GPT_1M: GptConfig = gptConfig({
  vocabSize: 512,
  dModel: 256,
  nLayers: 1,
  nHeads: 4,
  dFF: 1024,
  contextLength: 64,
  tiedEmbeddings: false,
});

/** The ~10M and ~50M GPT-2 style configs the peer benchmark measures (tied head, biases everywhere). */
export const GPT_BENCH_CONFIGS = {
  '10M': gptConfig({ vocabSize: 4096, dModel: 256, nLayers: 12, nHeads: 4, dFF: 1024, contextLength: 256 }),
  '50M': gptConfig({ vocabSize: 8192, dModel: 512, nLayers: 14, nHeads: 8, dFF: 2048, contextLength: 256 }),
};

/** The ~10M and ~50M Llama configs the Llama and peer benchmarks measure (grouped-query, tied head). */
export const LLAMA_BENCH_CONFIGS = {
  '10M': llamaConfig({
    vocabSize: 4096,
    dModel: 256,
    nLayers: 12,
    nHeads: 4,
    nKvHeads: 2,
    dFF: 704,
    contextLength: 256,
  }),
  '50M': llamaConfig({
    vocabSize: 8192,
    dModel: 512,
    nLayers: 16,
    nHeads: 8,
    nKvHeads: 4,
    dFF: 1408,
    contextLength: 256,
  }),
};

/** GFLOP/s of a float32 N×N MatMul in this process, over `runs` runs (median). */
export async function matmulCeiling(threads: number, n = 1024): Promise<(runs: number) => Promise<number>> {
  const g = new GraphBuilder('ceiling');
  g.output(g.matmul(g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])), 'c');
  const session = await createSession(encodeModel(g), { device: 'cpu', intraOpThreads: threads });
  const rng = new SeededRng(7);
  const values = Float32Array.from({ length: n * n }, () => rng.normal());
  const feeds = { a: new ort.Tensor('float32', values, [n, n]), b: new ort.Tensor('float32', values, [n, n]) };
  await session.run(feeds);
  return async (runs) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      ms.push(performance.now() - t0);
    }
    return (2 * n ** 3) / (median(ms) / 1e3) / 1e9;
  };
}

/** MatMul FLOPs of the linear layers and the LM head for one token (embedding lookups excluded). */
export function linearFlopsPerToken(cfg: GptConfig): number {
  const { dModel: D, dFF: F, nLayers: L, vocabSize: V } = cfg;
  return 2 * (L * (4 * D * D + 2 * D * F) + V * D);
}

/** Forward+backward MatMul FLOPs of one train step (backward counted as 2× forward). */
export function trainStepFlops(cfg: GptConfig, rows: number, tokens: number): number {
  const attention = rows * cfg.nLayers * 4 * tokens * tokens * cfg.dModel;
  return 3 * (rows * tokens * linearFlopsPerToken(cfg) + attention);
}

/** B rows of T random tokens, trained on all but the first. */
export function randomBatch(
  cfg: Pick<ModelConfig, 'vocabSize'>,
  rows: number,
  tokens: number,
  seed: number,
): TokenBatch {
  const rng = new SeededRng(seed);
  return packSequences(
    Array.from({ length: rows }, () => ({
      tokens: Array.from({ length: tokens }, () => rng.nextUint32() % cfg.vocabSize),
      lossStart: 1,
    })),
    0,
  );
}

/** The benchmarks' optimizer: the defaults with a small learning rate, so random data stays finite. */
export const BENCH_OPTIMIZER = { optimizer: { ...DEFAULT_ADAMW, lr: 1e-4 } };

export interface TrainRound {
  ceiling: number;
  stepMs: number;
  gflops: number;
  ratio: number;
}

/** Fused train steps (forward + backward + AdamW in one session.run) timed in rounds against the ceiling. */
export async function timeTrainRounds(t: {
  trainer: Trainer;
  params: Params;
  state: AdamWState;
  batch: TokenBatch;
  flops: number;
  rounds: number;
  steps: number;
  ceiling: (runs: number) => Promise<number>;
}): Promise<TrainRound[]> {
  const rounds: TrainRound[] = [];
  for (let r = 0; r < t.rounds; r++) {
    const ceil = await t.ceiling(5);
    const ms: number[] = [];
    for (let i = 0; i < t.steps; i++) {
      const t0 = performance.now();
      await t.trainer.sftStep(t.params, t.state, t.batch, BENCH_OPTIMIZER);
      ms.push(performance.now() - t0);
    }
    const stepMs = median(ms);
    const gflops = t.flops / (stepMs / 1e3) / 1e9;
    rounds.push({ ceiling: ceil, stepMs, gflops, ratio: gflops / ceil });
  }
  return rounds;
}
