// What dropping stopped rows from a rollout batch saves: the same rollouts with the sampler's
// shrinkBatchAt at 1 (every row stays to the end of its batch) and at smaller shares, interleaved
// in one process so that every setting sees the same machine. Prints JSON.
// Usage: node --import tsx bench/rollout-shrink.ts [--stop-every 32] [--batch 32] [--new 128] [--repeats 7] [--shrink-at 1,0.5,0.25,0.125] [--models tiny,1M,10M]
// --stop-every N makes every N-th token id a stop token, so that completions end at different
// lengths, as RL completions do (about N tokens on average at random weights).
import { countParams, gptConfig, initParams, type GptConfig } from '../engine/model';
import { RolloutSampler, gptDecoder } from '../engine/sampler';
import { GPT_1M, GPT_BENCH_CONFIGS, median } from './train-bench';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const stopEvery = Number(option('stop-every', '32'));
const batch = Number(option('batch', '32'));
const maxNewTokens = Number(option('new', '128'));
const repeats = Number(option('repeats', '7'));
const shares = option('shrink-at', '1,0.5,0.25,0.125').split(',').map(Number);
// the 1M GPT with room for 128 new tokens; tiny: the tiny preset's size (as in bench/engine-rollout.ts)
const MODELS: Record<string, GptConfig> = {
  tiny: gptConfig({ vocabSize: 40, dModel: 64, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 256 }),
  '1M': { ...GPT_1M, contextLength: 256 },
  '10M': GPT_BENCH_CONFIGS['10M'],
};
const names = option('models', '1M,10M').split(',');

async function main(): Promise<void> {
  const results = [];
  for (const name of names) {
    const cfg = MODELS[name];
    if (!cfg) throw new Error(`--models: '${name}' is not one of ${Object.keys(MODELS).join(', ')}.`);
    const params = initParams(cfg, 1);
    const samplers = shares.map((share) => RolloutSampler.create(gptDecoder(cfg), params, { shrinkBatchAt: share }));
    const vocab = cfg.vocabSize;
    const prompts = Array.from({ length: batch }, (_, b) =>
      Array.from({ length: 8 + (b % 8) }, (_, t) => 1 + ((b * 7 + t * 3) % (vocab - 1))),
    );
    const stopTokens = Array.from({ length: Math.floor(vocab / stopEvery) }, (_, i) => (i + 1) * stopEvery - 1);
    const options = { maxNewTokens, temperature: 1, topP: 1, stopTokens, padToken: 0 };
    const ms = shares.map(() => [] as number[]);
    let tokens = 0;
    let longest = 0;
    // round 0 compiles the sessions and is not timed
    for (let round = 0; round <= repeats; round++) {
      const seeds = prompts.map((_, b) => `${round}:${b}`);
      for (let i = 0; i < samplers.length; i++) {
        const start = performance.now();
        const out = await samplers[i].sample({ prompts, seeds }, options);
        if (round === 0) continue;
        ms[i].push(performance.now() - start);
        if (i === 0) {
          tokens += out.reduce((sum, c) => sum + c.tokens.length, 0);
          longest = Math.max(longest, ...out.map((c) => c.tokens.length));
        }
      }
    }
    for (const sampler of samplers) await sampler.release();
    const whole = median(ms[0]);
    results.push({
      model: name,
      params: countParams(cfg),
      tokensPerRollout: Math.round(tokens / repeats),
      longestCompletion: longest,
      settings: shares.map((share, i) => ({
        shrinkBatchAt: share,
        medianMs: Number(median(ms[i]).toFixed(1)),
        timeVsFirst: Number((median(ms[i]) / whole).toFixed(2)),
      })),
    });
  }
  console.log(JSON.stringify({ bench: 'rollout-shrink', batch, maxNewTokens, stopEvery, repeats, results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
