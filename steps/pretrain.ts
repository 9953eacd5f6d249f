// Stage 0: next-token cross-entropy on the recipe's pretraining corpus. The corpus is generated
// from the run seed; the documents of step s are drawn from (seed, s) alone, so any chunk of
// steps can run on its own.
import { createRng, deriveSeed, generateCorpus, type CorpusMix } from '../recipe';
import type { PipelineConfig } from '../recipe/config';
import { charTokenizerOf, checkStep, type Policy } from './policy';
import { PROMPT_TEMPLATE, taskOptions } from './problems';
import type { EngineRuntime } from '../engine';
import { adamwConfig, pack, type TrainStepMetrics } from './training';

/** What the corpus of a run depends on: equal keys, equal tokenized corpus (callers cache by it). */
export function pretrainCorpusKey(policy: Policy, cfg: PipelineConfig): string {
  return JSON.stringify([
    corpusRequest(cfg),
    charTokenizerOf(policy, 'pretraining').characters.join(''),
    policy.config.contextLength,
  ]);
}

function corpusRequest(cfg: PipelineConfig) {
  const stage = cfg.stages.pretrain;
  const corpus = stage.corpus;
  const mix = Object.fromEntries(Object.entries(corpus.mix).filter(([, v]) => v !== undefined)) as Partial<CorpusMix>;
  const request = {
    seed: deriveSeed(cfg.seed, 'corpus'),
    documents: stage.corpusSize,
    template: PROMPT_TEMPLATE,
    task: taskOptions(cfg),
    mix: mix as CorpusMix,
    ...(corpus.mistakeRate !== undefined ? { mistakeRate: corpus.mistakeRate } : {}),
    ...(corpus.harmlessMistakeRate !== undefined ? { harmlessMistakeRate: corpus.harmlessMistakeRate } : {}),
    ...(corpus.refusalRate !== undefined ? { refusalRate: corpus.refusalRate } : {}),
    ...(corpus.overRefusalRate !== undefined ? { overRefusalRate: corpus.overRefusalRate } : {}),
  };
  return request;
}

/** The tokenized corpus of a run: bos + document + eos, cut to the context length. */
export function pretrainCorpus(policy: Policy, cfg: PipelineConfig): number[][] {
  return generateCorpus(corpusRequest(cfg)).documents.map((text) =>
    policy.tokenizer.encode(text, { bos: true, eos: true }).slice(0, policy.config.contextLength),
  );
}

export function pretrainTotalSteps(cfg: PipelineConfig): number {
  return cfg.stages.pretrain.steps;
}

/** Runs pretraining steps fromStep..toStep-1 on the policy (updated in place). */
export async function pretrainSteps(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  /** `pretrainCorpus(policy, cfg)`, which the caller may keep between calls */
  docs: readonly (readonly number[])[],
  fromStep: number,
  toStep: number,
  onStep?: (metrics: TrainStepMetrics) => void,
): Promise<TrainStepMetrics[]> {
  const optState = checkStep('pretrainSteps', policy, fromStep, toStep);
  const stage = cfg.stages.pretrain;
  if (toStep > stage.steps)
    throw new Error(`pretrainSteps: toStep ${toStep} is past stages.pretrain.steps (${stage.steps}).`);
  const optimizer = adamwConfig(stage.optimizer, stage.steps);
  const trainer = engine.trainer(policy.config);
  const out: TrainStepMetrics[] = [];
  for (let step = fromStep; step < toStep; step++) {
    const rng = createRng(deriveSeed(cfg.seed, 'pretrain-batch', step));
    const rows = Array.from({ length: stage.batchSize }, () => ({
      tokens: docs[rng.int(0, docs.length - 1)],
      lossStart: 1,
    }));
    const { metrics } = await trainer.sftStep(policy.params, optState, pack(rows, policy.tokenizer), { optimizer });
    policy.step = step + 1;
    const m = { step, ...metrics };
    out.push(m);
    onStep?.(m);
  }
  return out;
}
