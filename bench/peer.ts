// The same cells timed in r1flow and in PyTorch, printed as JSON with "r1flow time / peer time"
// per cell (below 1: r1flow is faster). r1flow runs in this process; the peer side runs
// bench/peer.py once per cell, each in a fresh Python process (transformers' GPT2LMHeadModel and
// LlamaForCausalLM built from the same shapes, TRL's GRPOTrainer for the GRPO step).
// Run: node --import tsx bench/peer.ts
//   env THREADS (default 2: intra-op threads on both sides), REPEATS (timed runs, default 3),
//   WARMUP (untimed runs first, default 1), CELLS (comma list of cell names; default all),
//   PEER_PYTHON (the python that has torch; default python3).
//
// Cells: one train step (forward + backward + clipping + AdamW, float32) of a GPT and a Llama at
// ~10M and ~50M parameters; a rollout (batch 32, 16-token prompts, 64 new tokens, temperature 1,
// top-p 1, no stop token, KV cache) at ~10M; and the tiny preset's GPT: train step, rollout and a
// whole GRPO step (sampling, a trivial reward, group advantages, loss, backward, AdamW).
//
// Setting up the peer (development only; r1flow itself never needs Python): create a virtual
// environment outside the repository, install the CPU build of torch (the default build works on
// CPU too, it is only larger), transformers and trl into it, and point PEER_PYTHON at that
// environment's python. Without a python that imports torch the r1flow side is printed alone,
// marked peer unavailable.
//
// PyTorch's OpenMP threads stall badly when another process holds a core (on a shared 2-core
// machine a tiny model's generate ran 5-50x slower, and very unevenly, with the default wait
// policy than with PASSIVE), so the peer runs with OMP_WAIT_POLICY=PASSIVE unless
// OMP_WAIT_POLICY is set (on an idle machine, compare with OMP_WAIT_POLICY=ACTIVE too: spinning
// may win there). The load average is printed so that a run on a busy machine can be told apart.
//
// Both sides run with the malloc tunables the training commands use (infra/allocator.ts), the
// Python child inheriting them; R1FLOW_ALLOCATOR=system runs both with the system defaults.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { type ModelConfig, SeededRng, countParams, gptConfig, initParams, isLlamaConfig } from '../engine/model';
import { createAdamWState } from '../engine/optim';
import { RolloutSampler, modelDecoder } from '../engine/sampler';
import { SessionCache, createTrainer, packSequences } from '../engine/train';
import { groupAdvantages } from '../recipe';
import { useTunedAllocator } from '../infra/allocator';
import { BENCH_OPTIMIZER, GPT_BENCH_CONFIGS, LLAMA_BENCH_CONFIGS, median, randomBatch } from './train-bench';

const THREADS = Number(process.env.THREADS ?? 2);
const REPEATS = Number(process.env.REPEATS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 1);
const PEER_PYTHON = process.env.PEER_PYTHON ?? 'python3';
const ONLY = process.env.CELLS ? process.env.CELLS.split(',').map((s) => s.trim()) : null;
const SEED = 1;
const PEER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peer.py');
const PEER_OMP_WAIT_POLICY = process.env.OMP_WAIT_POLICY ?? 'PASSIVE';

const r3 = (x: number) => +x.toFixed(3);
// The size of a page fault's page (4 KiB on x86-64; some arm64 kernels use 64 KiB).
const PAGE_BYTES = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout) || 4096;

// GPT-2 style (learned positions, biases everywhere) and Llama, both with the head tied to the
// embeddings (the engine's default, and GPT-2's); the Llama configs are
// train-bench's GPT_BENCH_CONFIGS and LLAMA_BENCH_CONFIGS (the Llamas as bench/llama.ts measures them).
const MODELS = {
  'gpt-tiny': gptConfig({ vocabSize: 48, dModel: 96, nLayers: 2, nHeads: 4, dFF: 384, contextLength: 128 }),
  'gpt-10M': GPT_BENCH_CONFIGS['10M'],
  'gpt-50M': GPT_BENCH_CONFIGS['50M'],
  'llama-10M': LLAMA_BENCH_CONFIGS['10M'],
  'llama-50M': LLAMA_BENCH_CONFIGS['50M'],
} satisfies Record<string, ModelConfig>;
type ModelName = keyof typeof MODELS;

type Cell =
  | { name: string; kind: 'train'; model: ModelName; batch: number; seqLen: number }
  | { name: string; kind: 'rollout'; model: ModelName; batch: number; promptTokens: number; newTokens: number }
  | {
      name: string;
      kind: 'grpo';
      model: ModelName;
      prompts: number;
      groupSize: number;
      promptTokens: number;
      newTokens: number;
    };

const ROLLOUT = { batch: 32, promptTokens: 16, newTokens: 64 };
const CELLS: Cell[] = [
  { name: 'train-gpt-10M', kind: 'train', model: 'gpt-10M', batch: 8, seqLen: 128 },
  { name: 'train-llama-10M', kind: 'train', model: 'llama-10M', batch: 8, seqLen: 128 },
  { name: 'train-gpt-50M', kind: 'train', model: 'gpt-50M', batch: 4, seqLen: 128 },
  { name: 'train-llama-50M', kind: 'train', model: 'llama-50M', batch: 4, seqLen: 128 },
  { name: 'rollout-gpt-10M', kind: 'rollout', model: 'gpt-10M', ...ROLLOUT },
  { name: 'rollout-llama-10M', kind: 'rollout', model: 'llama-10M', ...ROLLOUT },
  { name: 'train-gpt-tiny', kind: 'train', model: 'gpt-tiny', batch: 32, seqLen: 64 },
  { name: 'rollout-gpt-tiny', kind: 'rollout', model: 'gpt-tiny', ...ROLLOUT },
  // the tiny preset's GRPO step: 16 prompts x 8 completions of 64 tokens
  {
    name: 'grpo-gpt-tiny',
    kind: 'grpo',
    model: 'gpt-tiny',
    prompts: 16,
    groupSize: 8,
    promptTokens: 16,
    newTokens: 64,
  },
];

// GRPO's clip range and loss average: the pipeline's defaults (recipe/config/schema.ts).
const GRPO = { epsLow: 0.2, epsHigh: 0.28, beta: 0, aggregation: 'token-mean' as const };
const SAMPLING = { temperature: 1, topP: 1, stopTokens: [], padToken: 0 };

/** The model's shapes as bench/peer.py reads them. */
function peerModel(cfg: ModelConfig) {
  const common = {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    nLayers: cfg.nLayers,
    nHeads: cfg.nHeads,
    dFF: cfg.dFF,
    contextLength: cfg.contextLength,
    tiedEmbeddings: cfg.tiedEmbeddings,
  };
  if (isLlamaConfig(cfg)) {
    if (cfg.qkvBias || cfg.outputBias || cfg.mlpBias || cfg.qkNorm || cfg.ropeScaling)
      throw new Error('peer: only plain Llama configs are mirrored in bench/peer.py.');
    return {
      family: 'llama',
      ...common,
      nKvHeads: cfg.nKvHeads,
      headDim: cfg.headDim,
      normEps: cfg.rmsNormEps,
      ropeTheta: cfg.ropeTheta,
    };
  }
  if (cfg.activation !== 'gelu_tanh') throw new Error('peer: bench/peer.py builds GPT-2 with the tanh GELU.');
  return {
    family: 'gpt',
    ...common,
    nKvHeads: cfg.nHeads,
    headDim: cfg.dModel / cfg.nHeads,
    normEps: cfg.layerNormEps,
    ropeTheta: 0,
  };
}

function randomPrompts(rng: SeededRng, rows: number, tokens: number, vocab: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: tokens }, () => rng.nextUint32() % vocab));
}

/** `WARMUP` untimed calls, then `REPEATS` timed ones; the first call's time (graph compile) is kept. */
async function timeRuns(run: (i: number) => Promise<unknown>) {
  const ms: number[] = [];
  const faultMiB: number[] = [];
  let firstRunMs = 0;
  for (let i = 0; i < WARMUP + REPEATS; i++) {
    const f0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    await run(i);
    const dt = performance.now() - t0;
    if (i === 0) firstRunMs = dt;
    if (i >= WARMUP) {
      ms.push(dt);
      faultMiB.push(((process.resourceUsage().minorPageFault - f0) * PAGE_BYTES) / 2 ** 20);
    }
  }
  return { ms: median(ms), firstRunMs, allMs: ms.map(r3), pageFaultMiBPerRun: Math.round(median(faultMiB)) };
}

async function r1flowTrain(cfg: ModelConfig, batchSize: number, seqLen: number) {
  const sessions = new SessionCache('cpu', { intraOpThreads: THREADS });
  const trainer = createTrainer(cfg, sessions);
  const params = initParams(cfg, SEED);
  const state = createAdamWState(params);
  const batch = randomBatch(cfg, batchSize, seqLen, 2);
  try {
    return await timeRuns(() => trainer.sftStep(params, state, batch, BENCH_OPTIMIZER));
  } finally {
    await sessions.release();
  }
}

async function r1flowRollout(cfg: ModelConfig, batch: number, promptTokens: number, newTokens: number) {
  const sampler = RolloutSampler.create(modelDecoder(cfg), initParams(cfg, SEED), {
    device: 'cpu',
    intraOpThreads: THREADS,
  });
  const prompts = randomPrompts(new SeededRng(4), batch, promptTokens, cfg.vocabSize);
  const options = { ...SAMPLING, maxNewTokens: newTokens };
  try {
    return await timeRuns((i) => sampler.sample({ prompts, seeds: prompts.map((_, b) => `${i}:${b}`) }, options));
  } finally {
    await sampler.release();
  }
}

/** One GRPO step as the pipeline takes it: sample groups, score, advantages, update, new weights to the sampler. */
async function r1flowGrpo(cfg: ModelConfig, c: Extract<Cell, { kind: 'grpo' }>) {
  const sessions = new SessionCache('cpu', { intraOpThreads: THREADS });
  const trainer = createTrainer(cfg, sessions);
  const params = initParams(cfg, SEED);
  const state = createAdamWState(params);
  const sampler = RolloutSampler.create(modelDecoder(cfg), params, { device: 'cpu', intraOpThreads: THREADS });
  const rng = new SeededRng(4);
  const options = { ...SAMPLING, maxNewTokens: c.newTokens };
  const hp = { ...GRPO, optimizer: BENCH_OPTIMIZER.optimizer };
  const step = async (i: number) => {
    const groups = randomPrompts(rng, c.prompts, c.promptTokens, cfg.vocabSize);
    const rows = groups.flatMap((p) => Array.from({ length: c.groupSize }, () => p));
    const completions = await sampler.sample({ prompts: rows, seeds: rows.map((_, r) => `${i}:${r}`) }, options);
    // The same trivial reward as the peer's: how often token 1 was sampled.
    const rewards = groups.map((_, g) =>
      completions.slice(g * c.groupSize, (g + 1) * c.groupSize).map((x) => x.tokens.filter((t) => t === 1).length),
    );
    const { advantages } = groupAdvantages(rewards);
    const packed = packSequences(
      rows.map((p, r) => ({ tokens: [...p, ...completions[r].tokens], lossStart: p.length })),
      SAMPLING.padToken,
    );
    await trainer.grpoStep(params, state, { ...packed, advantages: Float32Array.from(advantages.flat()) }, hp);
    sampler.setParams(params);
  };
  try {
    return await timeRuns(step);
  } finally {
    await sampler.release();
    await sessions.release();
  }
}

function r1flowCell(c: Cell) {
  const cfg = MODELS[c.model];
  if (c.kind === 'train') return r1flowTrain(cfg, c.batch, c.seqLen);
  if (c.kind === 'rollout') return r1flowRollout(cfg, c.batch, c.promptTokens, c.newTokens);
  return r1flowGrpo(cfg, c);
}

/** What a peer cell prints (bench/peer.py), plus whatever else it reports. */
interface PeerResult {
  peerMs: number;
  allMs: number[];
  params: number;
  versions: Record<string, string | null>;
  [key: string]: unknown;
}

function peerAvailable(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(PEER_PYTHON, ['-c', 'import torch, transformers'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `${PEER_PYTHON} could not be started (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `${PEER_PYTHON} cannot import torch and transformers` };
  return { ok: true };
}

function runPeer(c: Cell): PeerResult | { error: string } {
  const { name, kind, model, ...shape } = c;
  const spec = {
    cell: name,
    kind,
    threads: THREADS,
    warmup: WARMUP,
    repeats: REPEATS,
    seed: SEED,
    model: peerModel(MODELS[model]),
    optimizer: BENCH_OPTIMIZER.optimizer,
    epsLow: GRPO.epsLow,
    epsHigh: GRPO.epsHigh,
    ...shape,
  };
  const r = spawnSync(PEER_PYTHON, [PEER_SCRIPT, JSON.stringify(spec)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: PEER_OMP_WAIT_POLICY },
    maxBuffer: 64 * 2 ** 20,
    timeout: 30 * 60_000,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{'))
    return { error: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-2000)}` };
  return JSON.parse(last) as PeerResult;
}

function cellShape(c: Cell) {
  const { name: _name, kind: _kind, model: _model, ...shape } = c;
  return shape;
}

/** Tokens a cell generates per run (rollout and GRPO cells). */
function generatedTokens(c: Cell): number | null {
  if (c.kind === 'rollout') return c.batch * c.newTokens;
  if (c.kind === 'grpo') return c.prompts * c.groupSize * c.newTokens;
  return null;
}

async function main() {
  const cells = CELLS.filter((c) => !ONLY || ONLY.includes(c.name));
  if (ONLY) {
    const unknown = ONLY.filter((n) => !CELLS.some((c) => c.name === n));
    if (unknown.length > 0)
      throw new Error(`CELLS: unknown ${unknown.join(', ')}; cells are ${CELLS.map((c) => c.name).join(', ')}.`);
  }
  const peer = peerAvailable();
  const loadAtStart = os.loadavg().map((x) => +x.toFixed(2));
  let peerVersions: Record<string, string | null> = {};
  const results = [];
  for (const c of cells) {
    const cfg = MODELS[c.model];
    const mine = await r1flowCell(c);
    const theirs = peer.ok ? runPeer(c) : null;
    const peerOk = theirs !== null && !('error' in theirs);
    if (peerOk) peerVersions = theirs.versions;
    const params = countParams(cfg);
    const tokens = generatedTokens(c);
    results.push({
      cell: c.name,
      r1flowMs: r3(mine.ms),
      peerMs: peerOk ? r3(theirs.peerMs) : null,
      ratio: peerOk ? r3(mine.ms / theirs.peerMs) : null,
      kind: c.kind,
      model: c.model,
      params,
      shape: cellShape(c),
      ...(tokens === null
        ? {}
        : {
            generatedTokensPerRun: tokens,
            r1flowTokensPerSec: Math.round(tokens / (mine.ms / 1e3)),
            peerTokensPerSec: peerOk ? Math.round(tokens / (theirs.peerMs / 1e3)) : null,
          }),
      r1flow: {
        firstRunMsWithCompile: Math.round(mine.firstRunMs),
        allMs: mine.allMs,
        // memory touched for the first time per timed run (median): what malloc handed back and took again
        pageFaultMiBPerRun: mine.pageFaultMiBPerRun,
      },
      peer: peerOk
        ? (() => {
            const { cell: _cell, peerMs: _ms, versions: _v, ...rest } = theirs;
            return { ...rest, paramsMatch: theirs.params === params };
          })()
        : theirs,
    });
  }
  const cpus = os.cpus();
  console.log(
    JSON.stringify(
      {
        bench: 'peer',
        ratio: 'r1flow ms / peer ms (below 1: r1flow is faster)',
        peer: peer.ok ? `PyTorch via ${PEER_PYTHON}, one fresh process per cell` : `unavailable: ${peer.reason}`,
        peerOmpWaitPolicy: peer.ok ? PEER_OMP_WAIT_POLICY : null,
        machine: {
          cpu: cpus[0]?.model ?? 'unknown',
          cores: cpus.length,
          os: `${os.platform()} ${os.release()}`,
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: os.loadavg().map((x) => +x.toFixed(2)),
        },
        threads: THREADS,
        mallocTunables: process.env.GLIBC_TUNABLES ?? null,
        warmup: WARMUP,
        repeats: REPEATS,
        versions: { node: process.version, onnxruntimeNode: ort.env.versions.node ?? null, ...peerVersions },
        cells: results,
      },
      null,
      2,
    ),
  );
}

await useTunedAllocator();
await main();
