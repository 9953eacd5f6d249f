// Which problems each stage sees: the built-in task family under the run's task config, or the
// run's own datasets (data.reasoning, data.general) where it names them, drawn deterministically
// from (run seed, purpose, step) and rendered in the policy's prompt format.
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
import type { PromptFormat } from './prompting';

/** The built-in task's prompt template (the corpus uses it too, so the base model knows it). */
export const PROMPT_TEMPLATE = TINY_R1_ZERO_TEMPLATE;

/** A dataset split into the problems training draws from and the held-out ones evaluation uses. */
export interface DatasetSplit {
  train: readonly Problem[];
  eval: readonly Problem[];
}

/** The run's own datasets (loaded by the caller); a kind left out comes from the built-in task. */
export interface DatasetPools {
  reasoning?: DatasetSplit;
  general?: DatasetSplit;
}

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
    madeUpWordShare: cfg.task.madeUpWordShare,
  };
}

/** Problems with their prompts; without a format, the built-in task's template. */
export function withPrompts(problems: readonly Problem[], format?: PromptFormat): PromptedProblem[] {
  const render = format ? format.render : (q: string) => renderPrompt(PROMPT_TEMPLATE, q);
  return problems.map((problem, index) => ({ index, problem, prompt: render(problem.question) }));
}

/** `count` problems of a pool: shuffled by `seed`, without repeats until the pool is used up. */
function drawFromPool(pool: readonly Problem[], count: number, seed: number, what: string): Problem[] {
  if (pool.length === 0) throw new Error(`the ${what} dataset has no problems for this split.`);
  const rng = createRng(seed);
  const out: Problem[] = [];
  let order: number[] = [];
  while (out.length < count) {
    if (order.length === 0) {
      order = pool.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    out.push(pool[order.pop()!]);
  }
  return out;
}

function grpoStage(cfg: PipelineConfig, purpose: ProblemPurpose) {
  if (purpose === 'r1Zero' || purpose === 'reasoningRl' || purpose === 'finalRl') return cfg.stages[purpose].grpo;
  return null;
}

/**
 * The prompts of one step. GRPO stages draw `promptsPerStep` training problems (finalRl mixes in
 * general prompts by `generalFraction`); 'coldStart' and 'rejection' draw their stage's prompt
 * count of reasoning problems; 'eval' gives the fixed held-out set (reasoning problems, then
 * general prompts), the same for every stage of a run. Problems come from the run's datasets
 * where `pools` has them, else from the built-in task family.
 */
export function sampleProblems(
  cfg: PipelineConfig,
  split: Split,
  purpose: ProblemPurpose,
  step: number,
  format?: PromptFormat,
  pools: DatasetPools = {},
): PromptedProblem[] {
  const options = taskOptions(cfg);
  const seed = deriveSeed(cfg.seed, purpose, step);
  const reasoning = (count: number, unique: boolean) =>
    pools.reasoning
      ? drawFromPool(pools.reasoning[split], count, deriveSeed(seed, 'dataset'), 'reasoning')
      : generateProblems({ seed, split, count, kind: 'reasoning', unique }, options);
  const general = (count: number, unique: boolean) =>
    pools.general
      ? drawFromPool(pools.general[split], count, deriveSeed(seed, 'general-dataset'), 'general')
      : generateProblems({ seed, split, count, kind: 'general', unique }, options);
  if (purpose === 'eval') {
    const evalReasoning = pools.reasoning
      ? reasoning(Math.min(cfg.eval.problems, pools.reasoning.eval.length), true)
      : reasoning(cfg.eval.problems, true);
    const evalGeneral = pools.general
      ? general(Math.min(cfg.eval.generalPrompts, pools.general.eval.length), true)
      : general(cfg.eval.generalPrompts, true);
    return withPrompts([...evalReasoning, ...evalGeneral], format);
  }
  const grpo = grpoStage(cfg, purpose);
  if (grpo) {
    if (!pools.reasoning && !pools.general) {
      const kind = grpo.generalFraction > 0 ? 'mixed' : 'reasoning';
      return withPrompts(
        generateProblems(
          { seed, split, count: grpo.promptsPerStep, kind, generalFraction: grpo.generalFraction },
          options,
        ),
        format,
      );
    }
    // which slots are general prompts, then each kind from its own source
    const rng = createRng(deriveSeed(seed, 'mix'));
    const isGeneral = Array.from({ length: grpo.promptsPerStep }, () => rng.chance(grpo.generalFraction));
    const generalCount = isGeneral.filter(Boolean).length;
    const reasoningDraw = reasoning(grpo.promptsPerStep - generalCount, false);
    const generalDraw = general(generalCount, false);
    return withPrompts(
      isGeneral.map((g) => (g ? generalDraw.pop()! : reasoningDraw.pop()!)),
      format,
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
  return withPrompts(reasoning(count, false), format);
}

/** The prompts of GRPO step `step`, from the run's datasets where it names them. */
export function grpoProblems(
  cfg: PipelineConfig,
  stage: GrpoStageName,
  step: number,
  format?: PromptFormat,
  pools: DatasetPools = {},
): PromptedProblem[] {
  return sampleProblems(cfg, 'train', stage, step, format, pools);
}
