import type { EngineRuntime } from '../../../engine';
import { resolveConfig, type GrpoStageName, type PipelineConfig } from '../../../recipe/config';
import type { Problem } from '../../../recipe';
import { grpoProblems, grpoUpdate, promptFormat, rollout, score, type Policy, type Rollout } from '../../../steps';

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

/**
 * One GRPO step in process, from the same pieces the rollouts, score and update activities run
 * (there they are three activities with S3 in between): prompts → rollouts → score → update.
 */
export async function grpoStepInProcess(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  stage: GrpoStageName,
  step: number,
  reference?: Policy,
) {
  const grpo = cfg.stages[stage].grpo;
  const format = promptFormat(cfg, policy.tokenizer);
  const problems = grpoProblems(cfg, stage, step, format);
  const rollouts = await rollout(
    engine,
    policy,
    problems,
    grpo.groupSize,
    grpo.sampling,
    { runSeed: cfg.seed, stage, step },
    format,
  );
  const scored = score(rollouts, grpo, cfg.verifier);
  const update = await grpoUpdate(engine, policy, scored, grpo, step, grpo.steps, { refPolicy: reference });
  return { score: scored.metrics, update };
}
