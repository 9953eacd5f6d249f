// Which problems each stage sees: the built-in task family under the run's task config, drawn
// deterministically from (run seed, purpose, step) and rendered with the tiny R1-Zero template.
import {
  createRng,
  deriveSeed,
  generateProblems,
  renderPrompt,
  TINY_R1_ZERO_TEMPLATE,
  type ArithmeticOp,
  type Problem,
  type Split,
  type TaskFamilyOptions,
  type TaskLanguage,
} from '../recipe';
import type { GrpoStageName, PipelineConfig, StageName } from '../recipe/config';

/** The prompt template every stage uses (the corpus uses it too, so the base model knows it). */
export const PROMPT_TEMPLATE = TINY_R1_ZERO_TEMPLATE;

export type ProblemPurpose = StageName | 'eval' | 'coldStart' | 'rejection';

export interface PromptedProblem {
  /** Position of the prompt within its step; part of every sample's seed. */
  index: number;
  problem: Problem;
  prompt: string;
}

const OPS: Record<PipelineConfig['task']['operations'][number], ArithmeticOp> = {
  add: 'add',
  sub: 'subtract',
  mul: 'multiply',
};

/** The recipe's task-family options for a pipeline config. */
export function taskOptions(cfg: Pick<PipelineConfig, 'task'>): Partial<TaskFamilyOptions> {
  return {
    digits: cfg.task.digits,
    operations: cfg.task.operations.map((op) => OPS[op]),
    languages: cfg.task.languages as TaskLanguage[],
    evalFraction: cfg.task.evalShare,
  };
}

export function withPrompts(problems: readonly Problem[]): PromptedProblem[] {
  return problems.map((problem, index) => ({
    index,
    problem,
    prompt: renderPrompt(PROMPT_TEMPLATE, problem.question),
  }));
}

function grpoStage(cfg: PipelineConfig, purpose: ProblemPurpose) {
  if (purpose === 'r1Zero' || purpose === 'reasoningRl' || purpose === 'finalRl') return cfg.stages[purpose].grpo;
  return null;
}

/**
 * The prompts of one step. GRPO stages draw `promptsPerStep` training problems (finalRl mixes in
 * general prompts by `generalFraction`); 'coldStart' and 'rejection' draw their stage's prompt
 * count of reasoning problems; 'eval' gives the fixed held-out set (reasoning problems, then
 * general prompts), the same for every stage of a run.
 */
export function sampleProblems(
  cfg: PipelineConfig,
  split: Split,
  purpose: ProblemPurpose,
  step: number,
): PromptedProblem[] {
  const options = taskOptions(cfg);
  const seed = deriveSeed(cfg.seed, purpose, step);
  if (purpose === 'eval') {
    const reasoning = generateProblems(
      { seed, split, count: cfg.eval.problems, kind: 'reasoning', unique: true },
      options,
    );
    const general = generateProblems(
      { seed, split, count: cfg.eval.generalPrompts, kind: 'general', unique: true },
      options,
    );
    return withPrompts([...reasoning, ...general]);
  }
  const grpo = grpoStage(cfg, purpose);
  if (grpo) {
    const kind = grpo.generalFraction > 0 ? 'mixed' : 'reasoning';
    return withPrompts(
      generateProblems(
        { seed, split, count: grpo.promptsPerStep, kind, generalFraction: grpo.generalFraction },
        options,
      ),
    );
  }
  const count =
    purpose === 'coldStart'
      ? cfg.stages.coldStartSft.prompts
      : purpose === 'rejection'
        ? cfg.stages.rejectionSft.prompts
        : null;
  if (count === null)
    throw new Error(
      `sampleProblems: purpose "${purpose}" does not sample prompts (use a GRPO stage, coldStart, rejection or eval).`,
    );
  return withPrompts(generateProblems({ seed, split, count, kind: 'reasoning' }, options));
}

/**
 * The prompts of GRPO step `step`: drawn from the run's reasoning dataset when it names one
 * (`pool`, loaded by the caller), else from the built-in task family. Every caller of a GRPO step
 * goes through here, so a configured dataset is never silently ignored.
 */
export function grpoProblems(
  cfg: PipelineConfig,
  stage: GrpoStageName,
  step: number,
  pool: readonly Problem[] | undefined,
): PromptedProblem[] {
  if (!pool) return sampleProblems(cfg, 'train', stage, step);
  if (pool.length === 0) throw new Error(`grpoProblems: the ${stage} dataset has no problems.`);
  const rng = createRng(deriveSeed(cfg.seed, stage, step, 'dataset'));
  const count = cfg.stages[stage].grpo.promptsPerStep;
  return withPrompts(Array.from({ length: count }, () => pool[Math.floor(rng.next() * pool.length)]));
}
