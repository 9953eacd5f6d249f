// What the pipeline hands a stage workflow, and which earlier checkpoints each stage builds on.
import type { CheckpointRef } from '../activities/types';
import type { PipelineConfig, StageName } from '../recipe/config/schema';

export interface StageWorkflowInput {
  runId: string;
  /** the pipeline's workflow id, to signal step progress back */
  parentWorkflowId: string;
  stage: StageName;
  config: PipelineConfig;
  /** the policy the stage starts from (for pretrain: a reused base model, which is then only evaluated) */
  init?: CheckpointRef;
  /** the policy that generates SFT data (cold start: R1-Zero; rejection sampling: reasoning RL) */
  source?: CheckpointRef;
  /** the frozen reference policy for the KL term */
  reference?: CheckpointRef;
  pretrainHash: string;
}

export interface StagePlan {
  init?: CheckpointRef;
  source?: CheckpointRef;
  reference?: CheckpointRef;
  /** set when a required earlier checkpoint is missing */
  missing?: string;
}

type Refs = Partial<Record<StageName, CheckpointRef>>;

function latest(refs: Refs, order: StageName[]): CheckpointRef | undefined {
  for (const s of order) if (refs[s]) return refs[s];
  return undefined;
}

/**
 * The recipe's data flow: cold start fine-tunes the *base* model on R1-Zero samples; reasoning RL
 * starts from the cold-start model; rejection sampling draws from reasoning RL and fine-tunes it;
 * final RL starts from that. When an earlier stage is not part of the run, the latest available
 * policy stands in for it.
 */
export function planStage(stage: StageName, refs: Refs): StagePlan {
  const base = refs.pretrain;
  switch (stage) {
    case 'pretrain':
      return {};
    case 'r1Zero':
      return base
        ? { init: base, reference: base }
        : { missing: 'r1Zero needs a base model: enable pretrain or set baseCheckpoint' };
    case 'coldStartSft':
      if (!base) return { missing: 'coldStartSft needs the base model: enable pretrain or set baseCheckpoint' };
      if (!refs.r1Zero)
        return {
          missing: 'coldStartSft samples from the R1-Zero model: enable r1Zero or resumeFrom a run that has it',
        };
      return { init: base, source: refs.r1Zero };
    case 'reasoningRl': {
      const init = latest(refs, ['coldStartSft', 'r1Zero', 'pretrain']);
      return init ? { init, reference: init } : { missing: 'reasoningRl needs a policy to start from' };
    }
    case 'rejectionSft': {
      const source = latest(refs, ['reasoningRl', 'coldStartSft', 'r1Zero']);
      return source
        ? { init: source, source }
        : {
            missing:
              'rejectionSft samples from the reasoning-RL model: enable reasoningRl or resumeFrom a run that has it',
          };
    }
    case 'finalRl': {
      const init = latest(refs, ['rejectionSft', 'reasoningRl', 'coldStartSft', 'r1Zero', 'pretrain']);
      return init ? { init, reference: init } : { missing: 'finalRl needs a policy to start from' };
    }
  }
}
