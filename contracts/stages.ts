// The stage workflows' inputs and results, and the pipeline's result.
import type { PipelineConfig } from '../recipe/config/schema';
import { STAGE_NAMES, type StageName } from '../recipe/config/stage-names';
import type { EvalSummary } from '../recipe/eval/metrics';
import type { DatasetReport } from '../steps/datasets';
import type { CheckpointRef } from '../storage/manifest';

export interface StageWorkflowInput {
  runId: string;
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

/** What a finished stage hands on: its checkpoint, its held-out eval and, for SFT stages, its data report. */
export interface StageResult {
  checkpoint: CheckpointRef;
  eval?: EvalSummary;
  data?: DatasetReport;
}

/** Where a GRPO stage's loop stands when it continues as new. */
export interface GrpoLoopState {
  /** iterations done so far */
  iteration: number;
  /** the policy after them */
  policy: CheckpointRef;
  /** repairs after a stored object failed to verify, over every run of the loop (bounded) */
  repairs?: number;
  /**
   * One step off-policy (grpo.staleness 1): the policy that samples iteration `iteration`, one
   * update before `policy` (`policy` itself at iteration 0).
   */
  behavior?: CheckpointRef;
  /** True when the rollouts of iteration `iteration` are already in storage, sampled by `behavior`. */
  sampled?: boolean;
}

export interface PipelineResult {
  runId: string;
  stages: Partial<Record<StageName, StageResult>>;
  reportUri?: string;
  reportHtmlUri?: string;
}

/** The final stage result of a run: the last stage in pipeline order that finished. */
export function finalResultOf(stages: Partial<Record<StageName, StageResult>>): StageResult | undefined {
  return [...STAGE_NAMES]
    .reverse()
    .map((s) => stages[s])
    .find(Boolean);
}
