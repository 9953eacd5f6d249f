// Llama-family throughput and loading, printed as JSON:
// - train tokens/s of the fused SFT step (forward + backward + AdamW in one session.run) for a
//   ~10M and a ~50M Llama config, with its ratio to onnxruntime's in-process MatMul ceiling
//   (measured in the same round, as bench/engine-train.ts does);
// - decode tokens/s of one whole-rollout Loop run (batch 32, 64 new tokens);
// - load time and peak RSS of importing a random-init ~135M model (SmolLM2-135M's shape) from
//   a Hugging Face folder written to a temp folder, each in a fresh process.
// Run: node --import tsx bench/llama.ts   (env STEPS, ROUNDS, THREADS; SKIP_LOAD=1, SKIP_50M=1)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportHfDirectory } from '../engine/export';
import { loadLocalModel } from '../engine/hf';
import { type LlamaConfig, SeededRng, countParams, initParams, llamaConfig, paramSpecs } from '../engine/model';
import { RolloutSampler, llamaDecoder } from '../engine/sampler';
import { CharTokenizer } from '../engine/tokenizer';
import {
  BENCH_OPTIMIZER,
  LLAMA_BENCH_CONFIGS,
  matmulCeiling,
  median,
  randomBatch,
  timeTrainRounds,
} from './train-bench';
import { SessionCache, createTrainer } from '../engine/train';
import { createAdamWState } from '../engine/optim';

const CEILING_N = 1024;

const STEPS = Number(process.env.STEPS ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const THREADS = Number(process.env.THREADS ?? 2);

const r3 = (x: number) => +x.toFixed(3);

/** Matmul FLOPs of one forward+backward pass (3x forward): projections, attention and the head. */
function trainFlops(cfg: LlamaConfig, B: number, Tm: number): number {
  const { dModel: D, dFF: F, nLayers: L, vocabSize: V, nHeads: H, nKvHeads: K, headDim: hd } = cfg;
  const perTokenMatmul = L * (D * H * hd + 2 * D * K * hd + H * hd * D + 3 * D * F) + V * D;
  return 3 * (2 * B * Tm * perTokenMatmul + L * 4 * B * Tm * Tm * H * hd);
}

async function benchTrain(cfg: LlamaConfig, B: number, T: number, ceiling: (runs: number) => Promise<number>) {
  const trainer = createTrainer(cfg, new SessionCache('cpu', { intraOpThreads: THREADS }));
  const params = initParams(cfg, 1);
  const state = createAdamWState(params);
  const batch = randomBatch(cfg, B, T, 2);
  const c0 = performance.now();
  await trainer.sftStep(params, state, batch, BENCH_OPTIMIZER);
  const firstStepMs = performance.now() - c0;
  await trainer.sftStep(params, state, batch, BENCH_OPTIMIZER);
  const flops = trainFlops(cfg, B, T - 1);
  const rounds = await timeTrainRounds({ trainer, params, state, batch, flops, rounds: ROUNDS, steps: STEPS, ceiling });
  const med = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  return {
    batch: B,
    seqLen: T,
    firstStepMsWithCompile: Math.round(firstStepMs),
    stepMs: r3(med.stepMs),
    tokensPerSec: Math.round((B * (T - 1)) / (med.stepMs / 1e3)),
    gflops: +med.gflops.toFixed(2),
    ceilingGflops: +med.ceiling.toFixed(2),
    ratioToCeiling: r3(med.ratio),
    allRounds: rounds.map((x) => ({ stepMs: r3(x.stepMs), ratio: r3(x.ratio) })),
  };
}

/**
 * Whole-rollout Loop runs: batch 32, prompts of 16 tokens, 64 new tokens (no stop token), with
 * primitive ops (the default) and with opset-23's fused RMSNormalization/RotaryEmbedding/Attention,
 * their rounds interleaved so both see the same load.
 */
async function benchDecode(cfg: LlamaConfig) {
  const params = initParams(cfg, 3);
  const variants = [false, true].map((fused) => ({
    fused,
    sampler: RolloutSampler.create(llamaDecoder(cfg, { fused }), params, { device: 'cpu', intraOpThreads: THREADS }),
    firstRunMs: 0,
    times: [] as number[],
    generated: 0,
  }));
  const rng = new SeededRng(4);
  const prompts = Array.from({ length: 32 }, () => Array.from({ length: 16 }, () => rng.nextUint32() % cfg.vocabSize));
  const request = { prompts, seeds: prompts.map((_, i) => i) };
  const options = { maxNewTokens: 64, temperature: 1, stopTokens: [], padToken: 0 };
  for (const v of variants) {
    const c0 = performance.now();
    await v.sampler.sample(request, options, 'loop');
    v.firstRunMs = performance.now() - c0;
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      const out = await v.sampler.sample(request, options, 'loop');
      v.times.push(performance.now() - t0);
      v.generated = out.reduce((n, c) => n + c.tokens.length, 0);
    }
  }
  const view = (v: (typeof variants)[number]) => ({
    firstRunMsWithCompile: Math.round(v.firstRunMs),
    runMs: Math.round(median(v.times)),
    tokensPerSec: Math.round(v.generated / (median(v.times) / 1e3)),
    allRunsMs: v.times.map(Math.round),
  });
  for (const v of variants) await v.sampler.release();
  return {
    batch: 32,
    promptTokens: 16,
    newTokens: 64,
    generatedPerRun: variants[0].generated,
    primitiveOps: view(variants[0]),
    fusedOps: view(variants[1]),
  };
}

/** SmolLM2-135M's shape. */
const SMOLLM2_135M = llamaConfig({
  vocabSize: 49152,
  dModel: 576,
  nLayers: 30,
  nHeads: 9,
  nKvHeads: 3,
  headDim: 64,
  dFF: 1536,
  contextLength: 2048,
  ropeTheta: 100000,
  tiedEmbeddings: true,
});

/** Child process: write a random-init model folder. */
function writeModel(dir: string) {
  const tokenizer = new CharTokenizer('abc');
  exportHfDirectory(dir, {
    config: SMOLLM2_135M,
    params: initParams(SMOLLM2_135M, 5),
    tokenizerFiles: { 'tokenizer.json': tokenizer.toJSON() },
  });
}

/** Child process: import the folder, report time and peak RSS. */
async function loadModel(dir: string) {
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const model = await loadLocalModel(dir);
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ms, peak, rssBefore, params: countParams(model.config) }));
}

function child(mode: string, dir: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1], mode, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return r.stdout;
}

async function benchLoad() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-135m-'));
  try {
    child('--write', dir);
    const bytes = fs.statSync(path.join(dir, 'model.safetensors')).size;
    const r = JSON.parse(child('--load', dir)) as { ms: number; peak: number; rssBefore: number; params: number };
    const f32 = r.params * 4;
    return {
      params: r.params,
      safetensorsMiB: Math.round(bytes / 2 ** 20),
      loadMs: Math.round(r.ms),
      peakRssMiB: Math.round(r.peak / 2 ** 20),
      rssBeforeLoadMiB: Math.round(r.rssBefore / 2 ** 20),
      peakRssOverF32Weights: r3(r.peak / f32),
      goal: 'peak RSS <= 2.5x the f32 weights',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const CONFIGS = LLAMA_BENCH_CONFIGS;

async function main() {
  const [mode, dir] = process.argv.slice(2);
  if (mode === '--write') return writeModel(dir);
  if (mode === '--load') return loadModel(dir);
  const ceiling = await matmulCeiling(THREADS, CEILING_N);
  const models = [];
  for (const [label, cfg] of Object.entries(CONFIGS)) {
    if (label === '50M' && process.env.SKIP_50M) continue;
    models.push({
      label,
      params: countParams(cfg),
      config: { V: cfg.vocabSize, D: cfg.dModel, L: cfg.nLayers, H: cfg.nHeads, KV: cfg.nKvHeads, F: cfg.dFF },
      train: await benchTrain(cfg, label === '10M' ? 8 : 4, 128, ceiling),
      decode: await benchDecode(cfg),
    });
  }
  const load = process.env.SKIP_LOAD ? null : await benchLoad();
  const result = {
    threads: THREADS,
    ceiling: `MatMul ${CEILING_N}x${CEILING_N} float32, in process`,
    tensors: paramSpecs(CONFIGS['10M']).length,
    models,
    load135M: load,
  };
  console.log(JSON.stringify(result, null, 2));
}

await main();
