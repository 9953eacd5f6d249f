import { resolveConfig, type PipelineConfig } from '../../../recipe/config';
import type { Problem } from '../../../recipe';
import type { Rollout } from '../../../steps';

export function microConfig(overrides: Record<string, unknown> = {}): PipelineConfig {
  return resolveConfig({ preset: 'micro', ...overrides });
}

export const addProblem: Problem = {
  key: 'add:3:4',
  category: 'reasoning',
  task: 'add',
  language: 'en',
  question: 'What is 3+4?',
  answer: '7',
};

/** A hand-made rollout: only the fields scoring and filtering read are meaningful. */
export function fakeRollout(
  group: number,
  sample: number,
  completion: string,
  problem: Problem = addProblem,
  finishReason: Rollout['finishReason'] = 'stop',
): Rollout {
  return {
    group,
    sample,
    problem,
    prompt: `Q: ${problem.question}\nA: `,
    completion,
    promptTokens: [1],
    tokens: Array.from({ length: 5 }, (_, i) => i + 10),
    logprobs: [0, 0, 0, 0, 0],
    finishReason,
  };
}
