// The CUDA path on a machine with an NVIDIA GPU, in one JSON object on stdout:
// - the CUDA provider loads and runs a one-op model (probeDevice), else exit 1 with the reason;
// - next-token logits of a ~10M GPT and a ~10M Llama-family model (64 rows of 128 tokens) on CUDA
//   against the CPU path: the largest absolute difference must be <= 1e-3;
// - rollout tokens/s (one whole-rollout Loop run, batch 32, 16-token prompts, 64 new tokens) and
//   SFT train-step tokens/s (forward + backward + AdamW in one run, 16 x 256 tokens), CUDA and CPU.
// Exit status 0 only when every comparison passed. bench/device-check.sh installs the provider
// libraries first and calls this. Env: ROUNDS (default 3).

import * as ort from 'onnxruntime-node';
import { type Device, createSession, probeDevice } from '../engine/device';
import {
  type ModelConfig,
  SeededRng,
  countParams,
  declareWeightInputs,
  gptConfig,
  initParams,
  llamaConfig,
  modelForward,
  paramSpecs,
} from '../engine/model';
import { GraphBuilder, encodeModel } from '../engine/onnx';
import { createAdamWState } from '../engine/optim';
import { RolloutSampler, modelDecoder } from '../engine/sampler';
import { SessionCache, createTrainer } from '../engine/train';
import { BENCH_OPTIMIZER, median, randomBatch } from './train-bench';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TOLERANCE = 1e-3;
const r3 = (x: number) => Number(x.toFixed(3));

const MODELS: Array<[string, ModelConfig]> = [
  ['gpt-10m', gptConfig({ vocabSize: 256, dModel: 384, nLayers: 6, nHeads: 6, dFF: 1536, contextLength: 256 })],
  [
    'llama-10m',
    llamaConfig({
      vocabSize: 256,
      dModel: 384,
      nLayers: 6,
      nHeads: 6,
      nKvHeads: 2,
      headDim: 64,
      dFF: 1152,
      contextLength: 256,
    }),
  ],
];

function paramFeeds(cfg: ModelConfig, seed: number): Record<string, ort.Tensor> {
  const params = initParams(cfg, seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of paramSpecs(cfg)) feeds[s.name] = new ort.Tensor('float32', params[s.name], [...s.shape]);
  return feeds;
}

async function logitsOn(device: Device, bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await createSession(bytes, { device });
  try {
    return (await session.run(feeds)).logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function compareLogits(cfg: ModelConfig) {
  const g = new GraphBuilder('device-check');
  const w = declareWeightInputs(g, cfg);
  const tokens = g.input('tokens', 'int64', ['batch', 'seq']);
  g.output(modelForward(g, cfg, w, tokens).logits, 'logits');
  const bytes = encodeModel(g);
  const rng = new SeededRng(7);
  const [rows, length] = [64, 128];
  const feeds = {
    ...paramFeeds(cfg, 1),
    tokens: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: rows * length }, () => BigInt(rng.nextUint32() % cfg.vocabSize)),
      [rows, length],
    ),
  };
  const cpu = await logitsOn('cpu', bytes, feeds);
  const cuda = await logitsOn('cuda', bytes, feeds);
  let maxAbsDiff = 0;
  for (let i = 0; i < cpu.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(cpu[i] - cuda[i]));
  return { maxAbsDiff, pass: maxAbsDiff <= TOLERANCE };
}

async function rolloutTokensPerSecond(cfg: ModelConfig, device: Device) {
  const sampler = RolloutSampler.create(modelDecoder(cfg), initParams(cfg, 2), { device });
  try {
    const rng = new SeededRng(4);
    const prompts = Array.from({ length: 32 }, () =>
      Array.from({ length: 16 }, () => rng.nextUint32() % cfg.vocabSize),
    );
    const request = { prompts, seeds: prompts.map((_, i) => i) };
    const options = { maxNewTokens: 64, temperature: 1, stopTokens: [], padToken: 0 };
    await sampler.sample(request, options);
    const seconds: number[] = [];
    let generated = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const completions = await sampler.sample(request, options);
      seconds.push((performance.now() - t0) / 1000);
      generated = completions.reduce((s, c) => s + c.tokens.length, 0);
    }
    return { tokensPerSecond: Math.round(generated / median(seconds)), seconds: seconds.map(r3) };
  } finally {
    await sampler.release();
  }
}

async function trainTokensPerSecond(cfg: ModelConfig, device: Device) {
  const sessions = new SessionCache(device);
  try {
    const trainer = createTrainer(cfg, sessions);
    const params = initParams(cfg, 3);
    const state = createAdamWState(params);
    const [rows, length] = [16, 256];
    const batch = randomBatch(cfg, rows, length, 5);
    await trainer.sftStep(params, state, batch, BENCH_OPTIMIZER);
    const seconds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      await trainer.sftStep(params, state, batch, BENCH_OPTIMIZER);
      seconds.push((performance.now() - t0) / 1000);
    }
    return { tokensPerSecond: Math.round((rows * (length - 1)) / median(seconds)), seconds: seconds.map(r3) };
  } finally {
    await sessions.release();
  }
}

async function main(): Promise<void> {
  const probe = await probeDevice('cuda');
  if (!probe.available) {
    console.log(JSON.stringify({ bench: 'device-check', ok: false, error: `CUDA is not usable: ${probe.reason}` }));
    process.exit(1);
  }
  const models: Record<string, unknown> = {};
  let ok = true;
  for (const [label, cfg] of MODELS) {
    const logits = await compareLogits(cfg);
    ok &&= logits.pass;
    models[label] = {
      params: countParams(cfg),
      logits: { ...logits, tolerance: TOLERANCE },
      rollout: { cuda: await rolloutTokensPerSecond(cfg, 'cuda'), cpu: await rolloutTokensPerSecond(cfg, 'cpu') },
      train: { cuda: await trainTokensPerSecond(cfg, 'cuda'), cpu: await trainTokensPerSecond(cfg, 'cpu') },
    };
    process.stderr.write(`[device-check] ${label} done\n`);
  }
  console.log(JSON.stringify({ bench: 'device-check', ok, onnxruntime: ort.env.versions.common, models }, null, 2));
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.log(JSON.stringify({ bench: 'device-check', ok: false, error: (error as Error).message }));
  process.exit(1);
});
