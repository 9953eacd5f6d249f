// Rollout throughput of the sampler: prefill and Loop segments (one run each) vs. one run per token.
// Prints JSON. Usage: node --import tsx bench/engine-rollout.ts [--batch 32] [--new 64] [--repeats 3] [--top-p 0.95] [--top-k 0] [--stop-every 0] [--models tiny,1M,10M,vocab49k]
// --stop-every N makes every N-th token id a stop token, so that completions end at different
// lengths (about N tokens on average at random weights), as RL completions do; 0 (the default)
// has no stop token, so every row generates exactly --new tokens (bench/rollout-shrink.ts measures
// what dropping stopped rows saves).
// The models: the tiny preset's size, a 1M GPT, the peer benchmark's 10M GPT, and a small GPT with SmolLM2's vocabulary (49152),
// where the LM head and the sampling over the vocabulary dominate.
import { countParams, gptConfig, initParams, type GptConfig } from '../engine/model';
import { RolloutSampler, deriveSampleSeed, gptDecoder, type RolloutPath } from '../engine/sampler';
import { GPT_BENCH_CONFIGS } from './train-bench';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const batch = flag('batch', 32);
const maxNewTokens = flag('new', 64);
const repeats = flag('repeats', 3);
const topP = flag('top-p', 0.95);
const topK = flag('top-k', 0);
const stopEvery = flag('stop-every', 0);

const models: Array<{ name: string; cfg: GptConfig }> = [
  { name: 'tiny', cfg: gptConfig({ vocabSize: 40, dModel: 64, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 256 }) },
  { name: '1M', cfg: gptConfig({ vocabSize: 512, dModel: 256, nLayers: 1, nHeads: 4, dFF: 1024, contextLength: 256 }) },
  { name: '10M', cfg: GPT_BENCH_CONFIGS['10M'] },
  {
    name: 'vocab49k',
    cfg: gptConfig({ vocabSize: 49152, dModel: 128, nLayers: 2, nHeads: 4, dFF: 512, contextLength: 256 }),
  },
];

async function measure(sampler: RolloutSampler, path: RolloutPath, vocab: number) {
  // Prompts of 8–15 tokens so left padding and masks are exercised.
  const prompts = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: 8 + (b % 8) }, (_, t) => 1 + ((b * 7 + t * 3) % (vocab - 1))),
  );
  const seeds = prompts.map((_, b) =>
    deriveSampleSeed({ runSeed: 1, stage: 'bench', step: 0, promptIndex: b, sampleIndex: 0 }),
  );
  const stopTokens =
    stopEvery > 0 ? Array.from({ length: Math.floor(vocab / stopEvery) }, (_, i) => (i + 1) * stopEvery - 1) : [];
  const options = { maxNewTokens, temperature: 1, topP, topK, stopTokens, padToken: 0 };
  const warmStart = performance.now();
  await sampler.sample({ prompts, seeds }, options, path); // compiles the session
  const firstRunSeconds = (performance.now() - warmStart) / 1000;
  const times: number[] = [];
  let generated = 0;
  let longest = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const out = await sampler.sample({ prompts, seeds }, options, path);
    times.push((performance.now() - start) / 1000);
    generated = out.reduce((s, c) => s + c.tokens.length, 0);
    longest = Math.max(...out.map((c) => c.tokens.length));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return {
    tokensPerSecond: Math.round(generated / median),
    secondsPerRollout: Number(median.toFixed(4)),
    firstRunSeconds: Number(firstRunSeconds.toFixed(3)),
    generatedTokens: generated,
    longestCompletion: longest,
  };
}

async function main(): Promise<void> {
  const results = [];
  const only = process.argv.includes('--models') ? process.argv[process.argv.indexOf('--models') + 1].split(',') : null;
  for (const { name, cfg } of models.filter((m) => !only || only.includes(m.name))) {
    const sampler = RolloutSampler.create(gptDecoder(cfg), initParams(cfg, 1));
    const loop = await measure(sampler, 'loop', cfg.vocabSize);
    const step = await measure(sampler, 'step', cfg.vocabSize);
    await sampler.release();
    results.push({
      model: name,
      params: countParams(cfg),
      config: { V: cfg.vocabSize, D: cfg.dModel, L: cfg.nLayers, H: cfg.nHeads, F: cfg.dFF },
      batch,
      maxNewTokens,
      loop,
      step,
      loopSpeedup: Number((loop.tokensPerSecond / step.tokensPerSecond).toFixed(2)),
    });
  }
  console.log(JSON.stringify({ bench: 'engine-rollout', repeats, topP, topK, stopEvery, results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
