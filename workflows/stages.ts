// The stage workflows: each runs its stage body (workflows/stage-bodies) over activity stubs on
// the control queue and returns the stage's result. The GRPO loop continues as new every few
// iterations, so its history stays small however long the stage runs.
import { continueAsNew, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { GrpoLoopState, StageResult, StageWorkflowInput } from '../contracts/stages';
import type { StageName } from '../recipe/config/stage-names';
import { stageActivities } from './activity-proxies';
import { stepRangeText } from './run-metadata';
import { grpoStage, pretrainStage, sftStage } from './stage-bodies';

export async function pretrainStageWorkflow(input: StageWorkflowInput): Promise<StageResult> {
  return pretrainStage(input, stageActivities(input.config));
}

export async function sftStageWorkflow(input: StageWorkflowInput): Promise<StageResult> {
  return sftStage(input, stageActivities(input.config));
}

export async function grpoStageWorkflow(input: StageWorkflowInput, state?: GrpoLoopState): Promise<StageResult> {
  // a run continued as new has no static summary of its own: its details say which steps it covers
  const from = state?.iteration ?? 0;
  const range = stepRangeText(input.stage, input.config, from, from + input.config.workflow.continueAsNewAfter);
  setCurrentDetails(`### \`${input.stage}\` of run \`${input.runId}\` — ${range}`);
  return grpoStage(input, stageActivities(input.config), {
    state,
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
