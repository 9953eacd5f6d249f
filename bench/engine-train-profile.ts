// Where a fused train step spends its time: onnxruntime's own profiler, summed per graph scope
// (gpt = forward, grad = backward, adamw = optimizer) and per op type. Prints JSON.
// Run: node --import tsx bench/engine-train-profile.ts [tiny|1M|preset-gpt|preset-llama|gpt-10M|gpt-50M|llama-10M|llama-50M]
//   (env SEQ: sequence length, 64; THREADS: intra-op threads, default all cores)
// preset-gpt / preset-llama: the tiny preset's model in each family (same parameter count: the
// Llama's SwiGLU has three matrices, so its dFF is 2/3 of the GPT's), at the preset's batch of 32.

import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '../engine/device';
import { GPT_1M, GPT_BENCH_CONFIGS, LLAMA_BENCH_CONFIGS } from './train-bench';
import { type ModelConfig, buildSftGraph, gptConfig, initParams, llamaConfig, paramSpecs } from '../engine/model';
import { DEFAULT_ADAMW, adamwGraphScalars, flatLayout } from '../engine/optim';

const which = process.argv[2] ?? '1M';
const presetSize = { vocabSize: 48, dModel: 96, nLayers: 2, nHeads: 4, contextLength: 128 };
const configs: Record<string, ModelConfig> = {
  tiny: gptConfig({ vocabSize: 40, dModel: 64, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 64 }),
  '1M': GPT_1M,
  'preset-gpt': gptConfig({ ...presetSize, dFF: 384 }),
  'preset-llama': llamaConfig({ ...presetSize, dFF: 256 }),
  'gpt-10M': GPT_BENCH_CONFIGS['10M'],
  'gpt-50M': GPT_BENCH_CONFIGS['50M'],
  'llama-10M': LLAMA_BENCH_CONFIGS['10M'],
  'llama-50M': LLAMA_BENCH_CONFIGS['50M'],
};
const cfg = configs[which];
if (!cfg) throw new Error(`model must be one of ${Object.keys(configs).join(', ')}, got ${which}`);
// the 10M and 50M models: bench/peer.ts's train cells (batch 8 / 4, SEQ=128)
const B = which === 'tiny' ? 16 : which.startsWith('preset') ? 32 : which.endsWith('50M') ? 4 : 8,
  T = Number(process.env.SEQ ?? 64),
  RUNS = 15,
  WARMUP = 3;

const dir = mkdtempSync(join(tmpdir(), 'engine-profile-'));
const built = buildSftGraph(cfg, 'float32', { optimizer: 'adamw' });
const threads = process.env.THREADS ? Number(process.env.THREADS) : undefined;
const session = await createSession(built.bytes, {
  device: 'cpu',
  intraOpThreads: threads,
  profileFilePrefix: join(dir, 'p'),
});
const params = initParams(cfg, 1);
const layout = flatLayout(paramSpecs(cfg));
const feeds: Record<string, ort.Tensor> = {};
for (const s of paramSpecs(cfg)) feeds[s.name] = new ort.Tensor('float32', params[s.name], s.shape);
feeds.tokens = new ort.Tensor(
  'int32',
  Int32Array.from({ length: B * T }, (_, i) => (i * 7) % cfg.vocabSize),
  [B, T],
);
feeds.mask = new ort.Tensor('float32', new Float32Array(B * T).fill(1), [B, T]);
feeds['adamw.m'] = new ort.Tensor('float32', new Float32Array(layout.total), [layout.total]);
feeds['adamw.v'] = new ort.Tensor('float32', new Float32Array(layout.total), [layout.total]);
const { scalars } = adamwGraphScalars(DEFAULT_ADAMW, 1);
feeds['adamw.scalars'] = new ort.Tensor('float32', scalars, [scalars.length]);
for (let i = 0; i < RUNS; i++) await session.run(feeds);
session.endProfiling();
await session.release();

const file = readdirSync(dir).find((f) => f.endsWith('.json'));
const events = file
  ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      cat: string;
      name: string;
      ts: number;
      dur: number;
      args?: { op_name?: string };
    }[])
  : [];
rmSync(dir, { recursive: true, force: true });
// The first runs grow onnxruntime's arena and fault in fresh pages, which shows up in whichever
// kernels first touch them; only the runs after WARMUP are counted.
const modelRuns = events.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts);
const counted = modelRuns.slice(WARMUP);
const countFrom = counted[0]?.ts ?? Infinity;
const byScope: Record<string, number> = {},
  byOp: Record<string, number> = {};
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < countFrom) continue;
  const scope = e.name.includes('/') ? e.name.split('/')[0] : 'other';
  byScope[scope] = (byScope[scope] ?? 0) + e.dur / counted.length / 1000;
  const key = `${scope}:${e.args?.op_name ?? '?'}`;
  byOp[key] = (byOp[key] ?? 0) + e.dur / counted.length / 1000;
}
const runs = counted.map((e) => e.dur / 1000).sort((a, b) => a - b);
const round = (o: Record<string, number>, top: number) =>
  Object.fromEntries(
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, +v.toFixed(3)]),
  );
console.log(
  JSON.stringify(
    {
      model: which,
      nodes: built.graph.nodes.length,
      modelRunMs: { median: +runs[Math.floor(runs.length / 2)].toFixed(2), best: +runs[0].toFixed(2) },
      kernelMsByScope: round(byScope, 10),
      kernelMsByOp: round(byOp, 25),
    },
    null,
    2,
  ),
);
