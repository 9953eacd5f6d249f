// The stage workflows: each runs its stage body (workflows/stage-bodies) over activity stubs on
// the control queue and returns the stage's result. The GRPO loop continues as new every few
// iterations, so its history stays small however long the stage runs; it publishes each
// iteration in its own query and details (workflows/stage-progress), which add no events.
// Pretraining and SFT are one long activity each, whose heartbeats carry the live steps.
import { continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import type { GrpoLoopState, StageResult, StageWorkflowInput } from '../contracts/stages';
import type { StageName } from '../recipe/config/stage-names';
import { stageActivities } from './activity-proxies';
import { stepRangeText } from './run-metadata';
import { grpoStage, pretrainStage, sftStage } from './stage-bodies';
import { StageLive } from './stage-progress';

const HEARTBEAT_NOTE =
  "The training runs as one activity: its live step and loss are in the pending activity's heartbeat details below (updated about once a second), and in `r1flow status`.";

/** Runs a pretraining or SFT body and shows its final step when it ends. */
async function withFinalStep(input: StageWorkflowInput, run: () => Promise<StageResult>): Promise<StageResult> {
  const live = new StageLive(input, stepRangeText(input.stage, input.config), HEARTBEAT_NOTE);
  const result = await run();
  live.step(result.checkpoint.step, result.checkpoint.metrics);
  return result;
}

export async function pretrainStageWorkflow(input: StageWorkflowInput): Promise<StageResult> {
  return withFinalStep(input, () => pretrainStage(input, stageActivities(input.config)));
}

export async function sftStageWorkflow(input: StageWorkflowInput): Promise<StageResult> {
  return withFinalStep(input, () => sftStage(input, stageActivities(input.config)));
}

/**
 * Marks GRPO stage runs that take an unsharded step as one grpoStep activity. A history recorded
 * before it has no marker, so its replay keeps the three activity calls per step it recorded.
 */
export const GRPO_STEP_PATCH = 'grpo-step-one-activity';

export async function grpoStageWorkflow(input: StageWorkflowInput, state?: GrpoLoopState): Promise<StageResult> {
  // a run continued as new has no static summary of its own: its details say which steps it covers
  const from = state?.iteration ?? 0;
  const live = new StageLive(
    input,
    stepRangeText(input.stage, input.config, from, from + input.config.workflow.continueAsNewAfter),
  );
  if (state) live.step(state.iteration, state.policy.metrics);
  return grpoStage(input, stageActivities(input.config, patched(GRPO_STEP_PATCH)), {
    state,
    afterIteration: (now) => live.step(now.iteration, now.policy.metrics),
    async beforeIteration(now, sinceStart) {
      if (sinceStart >= input.config.workflow.continueAsNewAfter || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof grpoStageWorkflow>(input, now);
      }
    },
  });
}

/** The workflow that runs a stage, for `executeChild`. */
export function stageWorkflowOf(stage: StageName) {
  if (stage === 'pretrain') return pretrainStageWorkflow;
  if (stage === 'coldStartSft' || stage === 'rejectionSft') return sftStageWorkflow;
  return grpoStageWorkflow;
}
