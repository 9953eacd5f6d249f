// The SFT datasets of stages 2 and 4, built by rejection sampling from a policy:
// cold start keeps correct, well-formed, single-language R1-Zero samples (rewritten in one clean
// shape); rejection SFT does the same on the reasoning-RL policy and mixes in general prompts
// with their correct helpful reply or refusal.
import {
  coldStartExample,
  deriveSeed,
  generateProblems,
  problemToText,
  referenceCompletion,
  rejectionFilter,
  renderPrompt,
  type DropReason,
  type SftExample,
} from '../recipe';
import type { EngineRuntime } from '../engine';
import type { PipelineConfig, SamplingConfig } from '../recipe/config';
import type { Policy } from './policy';
import { PROMPT_TEMPLATE, sampleProblems, taskOptions } from './problems';
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
 * completions no longer than `maxTokens`, rewritten in the clean cold-start shape.
 */
export function filterRollouts(
  rollouts: readonly Rollout[],
  maxTokens: number,
  verifier?: PipelineConfig['verifier'],
): { examples: SftExample[]; kept: number; dropped: Record<DropReason, number> } {
  const candidates = rollouts.map((r) => ({
    problem: r.problem,
    completion: r.completion,
    completionTokens: r.tokens.length,
  }));
  const { kept, report } = rejectionFilter(candidates, {
    minLanguageConsistency: 1,
    maxTokens,
    accuracy: accuracyOptions(verifier),
  });
  const examples: SftExample[] = [];
  for (const candidate of kept) {
    const example = coldStartExample(PROMPT_TEMPLATE, candidate.problem.question, candidate.completion);
    if (example) examples.push(example);
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
): Promise<{ examples: SftExample[]; report: Omit<DatasetReport, 'general' | 'examples'> }> {
  const problems = sampleProblems(cfg, 'train', purpose, 0);
  const rollouts = await rollout(engine, policy, problems, samplesPerPrompt, sampling, {
    runSeed: cfg.seed,
    stage: purpose,
    step: 0,
  });
  const { examples, kept, dropped } = filterRollouts(rollouts, sampling.maxNewTokens, cfg.verifier);
  return { examples, report: { prompts: problems.length, samples: rollouts.length, kept, dropped } };
}

const withSeed = (cfg: PipelineConfig, seed: number | undefined): PipelineConfig =>
  seed === undefined ? cfg : { ...cfg, seed };

export async function buildColdStartSet(
  engine: EngineRuntime,
  r1ZeroPolicy: Policy,
  cfg: PipelineConfig,
  seed?: number,
): Promise<SftDataset> {
  const stage = cfg.stages.coldStartSft;
  const { examples, report } = await filteredSamples(
    engine,
    r1ZeroPolicy,
    withSeed(cfg, seed),
    'coldStart',
    stage.samplesPerPrompt,
    stage.sampling,
  );
  const capped = examples.slice(0, stage.maxExamples);
  // curated worked solutions (training split), as the paper's cold-start set also holds curated examples
  const curated =
    stage.referenceExamples === 0
      ? []
      : generateProblems(
          {
            seed: deriveSeed(withSeed(cfg, seed).seed, 'coldStart', 'reference'),
            split: 'train',
            count: stage.referenceExamples,
            kind: 'reasoning',
          },
          taskOptions(cfg),
        ).map((p) => problemToText(p, PROMPT_TEMPLATE));
  const all = [...capped, ...curated];
  return { examples: all, report: { ...report, general: 0, examples: all.length } };
}

export async function buildRejectionSet(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  seed?: number,
): Promise<SftDataset> {
  const run = withSeed(cfg, seed);
  const stage = run.stages.rejectionSft;
  const sampled = await filteredSamples(engine, policy, run, 'rejection', stage.samplesPerPrompt, stage.sampling);
  const general = generateProblems(
    { seed: deriveSeed(run.seed, 'rejection-general'), split: 'train', count: stage.generalExamples, kind: 'general' },
    taskOptions(run),
  ).map((problem) => ({
    prompt: renderPrompt(PROMPT_TEMPLATE, problem.question),
    completion: referenceCompletion(problem),
  }));
  const reasoning = sampled.examples.slice(0, Math.max(0, stage.maxExamples - general.length));
  // The SFT loop shuffles every epoch, so the two kinds mix in every batch.
  const examples = [...reasoning, ...general];
  return { examples, report: { ...sampled.report, general: general.length, examples: examples.length } };
}
