// Which earlier checkpoints each stage builds on, and the input a stage workflow gets.
import type { InitRunResult } from '../contracts/activities';
import type { StageResult, StageWorkflowInput } from '../contracts/stages';
import { isBaseModel, type PipelineConfig, type StageName } from '../recipe/config/schema';
import type { CheckpointRef } from '../storage/manifest';

export interface StagePlan {
  init?: CheckpointRef;
  source?: CheckpointRef;
  reference?: CheckpointRef;
  /** set when a required earlier checkpoint is missing */
  missing?: string;
}

type Results = Partial<Record<StageName, StageResult>>;

function latest(results: Results, order: StageName[]): CheckpointRef | undefined {
  for (const s of order) if (results[s]) return results[s].checkpoint;
  return undefined;
}

/**
 * The recipe's data flow: cold start fine-tunes the *base* model on R1-Zero samples; reasoning RL
 * starts from the cold-start model; rejection sampling draws from reasoning RL and fine-tunes it;
 * final RL starts from that. When an earlier stage is not part of the run, the latest available
 * policy stands in for it. Pretraining starts from a reused base model when there is one.
 */
export function planStage(stage: StageName, results: Results, reusedBase?: CheckpointRef): StagePlan {
  const base = results.pretrain?.checkpoint;
  switch (stage) {
    case 'pretrain':
      return { init: reusedBase };
    case 'r1Zero':
      return base
        ? { init: base, reference: base }
        : { missing: 'r1Zero needs a base model: enable pretrain or set baseCheckpoint' };
    case 'coldStartSft':
      if (!base) return { missing: 'coldStartSft needs the base model: enable pretrain or set baseCheckpoint' };
      if (!results.r1Zero)
        return {
          missing: 'coldStartSft samples from the R1-Zero model: enable r1Zero or resumeFrom a run that has it',
        };
      return { init: base, source: results.r1Zero.checkpoint };
    case 'reasoningRl': {
      const init = latest(results, ['coldStartSft', 'r1Zero', 'pretrain']);
      return init ? { init, reference: init } : { missing: 'reasoningRl needs a policy to start from' };
    }
    case 'rejectionSft': {
      const source = latest(results, ['reasoningRl', 'coldStartSft', 'r1Zero']);
      return source
        ? { init: source, source }
        : {
            missing:
              'rejectionSft samples from the reasoning-RL model: enable reasoningRl or resumeFrom a run that has it',
          };
    }
    case 'finalRl': {
      const init = latest(results, ['rejectionSft', 'reasoningRl', 'coldStartSft', 'r1Zero', 'pretrain']);
      return init ? { init, reference: init } : { missing: 'finalRl needs a policy to start from' };
    }
  }
}

/** A required earlier checkpoint is missing: a config problem, not something a retry fixes. */
export class MissingStageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The input of a stage's workflow (or, in the plain loop, of its body) under the current config. */
export function stageInput(
  stage: StageName,
  run: { runId: string; config: PipelineConfig; init: InitRunResult },
  results: Results,
): StageWorkflowInput {
  const plan = planStage(stage, results, run.init.base?.ref);
  if (plan.missing) throw new MissingStageInputError(plan.missing);
  return {
    runId: run.runId,
    stage,
    config: run.config,
    pretrainHash: run.init.pretrainHash,
    init: plan.init,
    source: plan.source,
    reference: plan.reference,
  };
}

/**
 * Steps of a stage known before it runs (SFT stages learn theirs once their data is built). A
 * base model is imported, not pretrained: its pretrain stage has no steps.
 */
export function totalStepsOf(stage: StageName, config: PipelineConfig): number {
  if (stage === 'pretrain') return isBaseModel(config.model) ? 0 : config.stages.pretrain.steps;
  if (stage === 'r1Zero' || stage === 'reasoningRl' || stage === 'finalRl') return config.stages[stage].grpo.steps;
  return 0;
}
