// Sampling completions from the policy: G samples per prompt through the engine's Loop sampler,
// each seeded from its place in the run (run seed, stage, step, prompt, sample).
import { deriveSampleSeed, type EngineRuntime, type SamplingOptions } from '../engine';
import type { Problem } from '../recipe';
import type { SamplingConfig } from '../recipe/config';
import type { Policy } from './policy';
import type { PromptedProblem } from './problems';
import type { PromptFormat } from './prompting';

export interface RolloutSeed {
  runSeed: number;
  /** Stage or purpose name ('r1Zero', 'eval', 'coldStart', …). */
  stage: string;
  step: number;
}

/** One of the `count` parts a GRPO step's rollouts are sampled in (`index` is 0-based). */
export interface RolloutShard {
  index: number;
  count: number;
}

export interface Rollout {
  /** Index of the prompt in its step (the GRPO group). */
  group: number;
  /** Index of the sample within its group. */
  sample: number;
  problem: Problem;
  prompt: string;
  /** Generated text, tags kept, control tokens dropped. */
  completion: string;
  /** The prompt's ids as its format encodes it (the built-in task: `<bos>` + prompt). */
  promptTokens: number[];
  /** Generated ids, ending with the stop token when finishReason is 'stop'. */
  tokens: number[];
  /** log π_old of each generated token (temperature 1, no top-p). */
  logprobs: number[];
  finishReason: 'stop' | 'length';
}

/**
 * The prompt groups [start, end) that shard `index` of `count` samples: contiguous blocks whose
 * sizes differ by at most one, earlier shards taking the larger ones.
 */
export function shardGroups(groups: number, shard: RolloutShard): { start: number; end: number } {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.count > groups)
    throw new Error(`rollout: ${shard.count} shards cannot split ${groups} prompt groups.`);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count)
    throw new Error(`rollout: shard index ${shard.index} is outside 0..${shard.count - 1}.`);
  const startOf = (i: number) => i * Math.floor(groups / shard.count) + Math.min(i, groups % shard.count);
  return { start: startOf(shard.index), end: startOf(shard.index + 1) };
}

/**
 * Rollouts ordered group by group: [prompt 0 sample 0..G-1, prompt 1 sample 0..G-1, …]; with a
 * shard, only that shard's groups, still numbered by their place in the whole step. Seeds come
 * from each sample's place in the step and the token budget from the whole step's longest
 * prompt, so a sample's seed and length cap are the same however the step is sharded.
 */
export async function rollout(
  engine: EngineRuntime,
  policy: Policy,
  problems: readonly PromptedProblem[],
  groupSize: number,
  sampling: SamplingConfig,
  seed: RolloutSeed,
  format: PromptFormat,
  shard: RolloutShard = { index: 0, count: 1 },
): Promise<Rollout[]> {
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new Error(`rollout: groupSize must be a positive integer, got ${groupSize}.`);
  if (problems.length === 0) return [];
  const tokenizer = policy.tokenizer;
  const prompts: number[][] = [];
  const seeds: string[] = [];
  const encoded = problems.map((p) => format.encode(p.prompt));
  const { start, end } = shardGroups(problems.length, shard);
  problems.slice(start, end).forEach((p, k) => {
    const i = start + k;
    for (let s = 0; s < groupSize; s++) {
      prompts.push(encoded[i]);
      seeds.push(
        deriveSampleSeed({
          runSeed: seed.runSeed,
          stage: seed.stage,
          step: seed.step,
          promptIndex: p.index,
          sampleIndex: s,
        }),
      );
    }
  });
  const options: SamplingOptions = {
    maxNewTokens: Math.min(
      sampling.maxNewTokens,
      policy.config.contextLength - Math.max(...encoded.map((e) => e.length)),
    ),
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    stopTokens: format.stopIds,
    padToken: format.padId,
  };
  if (options.maxNewTokens < 1)
    throw new Error(`rollout: a prompt fills the model's context of ${policy.config.contextLength} tokens.`);
  const completions = await engine.sampler(policy.config, policy.params).sample({ prompts, seeds }, options, 'loop');
  return completions.map((c, row) => {
    const group = start + Math.floor(row / groupSize);
    return {
      group,
      sample: row % groupSize,
      problem: problems[group].problem,
      prompt: problems[group].prompt,
      completion: tokenizer.decode(c.tokens, { skipSpecialTokens: true }),
      promptTokens: encoded[group],
      tokens: c.tokens,
      logprobs: c.logprobs,
      finishReason: c.finishReason,
    };
  });
}
