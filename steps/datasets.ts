// The SFT datasets of stages 2 and 4, built by rejection sampling from a policy:
// cold start keeps correct, well-formed, single-language R1-Zero samples (rewritten in one clean
// shape); rejection SFT does the same on the reasoning-RL policy and mixes in general prompts
// with their correct helpful reply or refusal.
import {
  coldStartCompletion,
  deriveSeed,
  generalCompletion,
  generateProblems,
  referenceCompletion,
  rejectionFilter,
  type DropReason,
  type Problem,
  type SftExample,
} from '../recipe';
import type { EngineRuntime } from '../engine';
import type { PipelineConfig, SamplingConfig } from '../recipe/config';
import type { Policy } from './policy';
import { sampleProblems, taskOptions, type DatasetPools } from './problems';
import { promptFormat, type PromptFormat } from './prompting';
import { rollout, type Rollout } from './rollout';
import { accuracyOptions } from './score';

// a type, not an interface: stored as is in JSON records that are typed as string-keyed objects
export type DatasetReport = {
  prompts: number;
  samples: number;
  /** Sampled completions that passed the filter (before the maxExamples cap). */
  kept: number;
  dropped: Record<DropReason, number>;
  /** General examples mixed in (rejection SFT only). */
  general: number;
  /** Examples in the final set. */
  examples: number;
};

export interface SftDataset {
  examples: SftExample[];
  report: DatasetReport;
}

/**
 * The rejection filter over sampled rollouts: keeps correct, well-formed, single-language
 * completions no longer than `maxTokens` (in the policy's tokens), rewritten in the clean
 * cold-start shape after the prompt they were sampled for.
 */
export function filterRollouts(
  rollouts: readonly Rollout[],
  maxTokens: number,
  verifier?: PipelineConfig['verifier'],
): { examples: SftExample[]; kept: number; dropped: Record<DropReason, number> } {
  const candidates = rollouts.map((r, index) => ({
    index,
    problem: r.problem,
    completion: r.completion,
    completionTokens: r.tokens.length,
  }));
  const filtered = rejectionFilter(candidates, {
    minLanguageConsistency: 1,
    maxTokens,
    accuracy: accuracyOptions(verifier),
  });
  const report = filtered.report;
  const kept = filtered.kept.map((c) => c.index);
  const examples: SftExample[] = [];
  for (const i of kept) {
    const completion = coldStartCompletion(rollouts[i].completion);
    if (completion !== null) examples.push({ prompt: rollouts[i].prompt, completion });
  }
  return { examples, kept: report.kept, dropped: report.dropped };
}

async function filteredSamples(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  purpose: 'coldStart' | 'rejection',
  samplesPerPrompt: number,
  sampling: SamplingConfig,
  pools: DatasetPools,
): Promise<{ examples: SftExample[]; report: Omit<DatasetReport, 'general' | 'examples'> }> {
  const format = promptFormat(cfg, policy.tokenizer);
  const problems = sampleProblems(cfg, 'train', purpose, 0, format, pools);
  const rollouts = await rollout(
    engine,
    policy,
    problems,
    samplesPerPrompt,
    sampling,
    { runSeed: cfg.seed, stage: purpose, step: 0 },
    format,
  );
  const { examples, kept, dropped } = filterRollouts(rollouts, sampling.maxNewTokens, cfg.verifier);
  return { examples, report: { prompts: problems.length, samples: rollouts.length, kept, dropped } };
}

/** `count` general prompts of a dataset, in a seeded order, cycling when it has fewer. */
function generalDraw(pool: readonly Problem[], count: number, seed: number): Problem[] {
  if (pool.length === 0) throw new Error('data.general has no prompts in its training split.');
  const offset = Math.floor(seed % pool.length);
  return Array.from({ length: count }, (_, i) => pool[(offset + i) % pool.length]);
}

const withSeed = (cfg: PipelineConfig, seed: number | undefined): PipelineConfig =>
  seed === undefined ? cfg : { ...cfg, seed };

/** Curated worked solutions: the reasoning problems' own (the built-in task's, or a dataset's that carry one). */
function curatedExamples(cfg: PipelineConfig, count: number, format: PromptFormat, pools: DatasetPools): SftExample[] {
  if (count === 0) return [];
  const seed = deriveSeed(cfg.seed, 'coldStart', 'reference');
  const problems: Problem[] = pools.reasoning
    ? pools.reasoning.train.filter((p) => p.reasoning !== undefined).slice(0, count)
    : generateProblems({ seed, split: 'train', count, kind: 'reasoning' }, taskOptions(cfg));
  return problems.map((p) => ({ prompt: format.render(p.question), completion: referenceCompletion(p) }));
}

export async function buildColdStartSet(
  engine: EngineRuntime,
  r1ZeroPolicy: Policy,
  cfg: PipelineConfig,
  seed?: number,
  pools: DatasetPools = {},
): Promise<SftDataset> {
  const stage = cfg.stages.coldStartSft;
  const run = withSeed(cfg, seed);
  const { examples, report } = await filteredSamples(
    engine,
    r1ZeroPolicy,
    run,
    'coldStart',
    stage.samplesPerPrompt,
    stage.sampling,
    pools,
  );
  const capped = examples.slice(0, stage.maxExamples);
  // curated worked solutions (training split), as the paper's cold-start set also holds curated examples
  const curated = curatedExamples(run, stage.referenceExamples, promptFormat(cfg, r1ZeroPolicy.tokenizer), pools);
  const all = [...capped, ...curated];
  return { examples: all, report: { ...report, general: 0, examples: all.length } };
}

export async function buildRejectionSet(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  seed?: number,
  pools: DatasetPools = {},
): Promise<SftDataset> {
  const run = withSeed(cfg, seed);
  const stage = run.stages.rejectionSft;
  const format = promptFormat(run, policy.tokenizer);
  const sampled = await filteredSamples(
    engine,
    policy,
    run,
    'rejection',
    stage.samplesPerPrompt,
    stage.sampling,
    pools,
  );
  const generalSeed = deriveSeed(run.seed, 'rejection-general');
  const generalProblems = pools.general
    ? generalDraw(pools.general.train, stage.generalExamples, generalSeed)
    : generateProblems(
        { seed: generalSeed, split: 'train', count: stage.generalExamples, kind: 'general' },
        taskOptions(run),
      );
  const general = generalProblems.map((problem) => ({
    prompt: format.render(problem.question),
    completion: generalCompletion(problem),
  }));
  const reasoning = sampled.examples.slice(0, Math.max(0, stage.maxExamples - general.length));
  // The SFT loop shuffles every epoch, so the two kinds mix in every batch.
  const examples = [...reasoning, ...general];
  return { examples, report: { ...sampled.report, general: general.length, examples: examples.length } };
}
