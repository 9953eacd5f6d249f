// Stage 0: next-token cross-entropy on the recipe's pretraining corpus. The corpus is generated
// from the run seed; the documents of step s are drawn from (seed, s) alone, so any chunk of
// steps can run on its own.
import { createRng, deriveSeed, generateCorpus, type CorpusMix } from '../recipe';
import type { PipelineConfig } from '../recipe/config';
import { checkStep, type Policy } from './policy';
import { PROMPT_TEMPLATE, taskOptions } from './problems';
import { adamwConfig, pack, trainerFor, type TrainStepMetrics } from './training';

const corpusCache = new Map<string, number[][]>();

/** The tokenized corpus of a run (bos + document + eos), memoised per corpus settings. */
export function pretrainCorpus(policy: Policy, cfg: PipelineConfig): number[][] {
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
    ...(corpus.refusalRate !== undefined ? { refusalRate: corpus.refusalRate } : {}),
    ...(corpus.overRefusalRate !== undefined ? { overRefusalRate: corpus.overRefusalRate } : {}),
  };
  const key = JSON.stringify([request, policy.tokenizer.characters.join(''), policy.config.contextLength]);
  let docs = corpusCache.get(key);
  if (!docs) {
    docs = generateCorpus(request).documents.map((text) =>
      policy.tokenizer.encode(text, { bos: true, eos: true }).slice(0, policy.config.contextLength),
    );
    corpusCache.set(key, docs);
  }
  return docs;
}

export function pretrainTotalSteps(cfg: PipelineConfig): number {
  return cfg.stages.pretrain.steps;
}

/** Runs pretraining steps fromStep..toStep-1 on the policy (updated in place). */
export async function pretrainSteps(
  policy: Policy,
  cfg: PipelineConfig,
  fromStep: number,
  toStep: number,
  onStep?: (metrics: TrainStepMetrics) => void,
): Promise<TrainStepMetrics[]> {
  const optState = checkStep('pretrainSteps', policy, fromStep, toStep);
  const stage = cfg.stages.pretrain;
  if (toStep > stage.steps)
    throw new Error(`pretrainSteps: toStep ${toStep} is past stages.pretrain.steps (${stage.steps}).`);
  const docs = pretrainCorpus(policy, cfg);
  const optimizer = adamwConfig(stage.optimizer, stage.steps);
  const trainer = trainerFor(policy);
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
