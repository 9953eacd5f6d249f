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

/** Rollouts ordered group by group: [prompt 0 sample 0..G-1, prompt 1 sample 0..G-1, …]. */
export async function rollout(
  engine: EngineRuntime,
  policy: Policy,
  problems: readonly PromptedProblem[],
  groupSize: number,
  sampling: SamplingConfig,
  seed: RolloutSeed,
  format: PromptFormat,
): Promise<Rollout[]> {
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new Error(`rollout: groupSize must be a positive integer, got ${groupSize}.`);
  if (problems.length === 0) return [];
  const tokenizer = policy.tokenizer;
  const prompts: number[][] = [];
  const seeds: string[] = [];
  const encoded = problems.map((p) => format.encode(p.prompt));
  problems.forEach((p, i) => {
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
    stopTokens: format.stopIds,
    padToken: format.padId,
  };
  if (options.maxNewTokens < 1)
    throw new Error(`rollout: a prompt fills the model's context of ${policy.config.contextLength} tokens.`);
  const completions = await engine.sampler(policy.config, policy.params).sample({ prompts, seeds }, options, 'loop');
  return completions.map((c, row) => {
    const group = Math.floor(row / groupSize);
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
