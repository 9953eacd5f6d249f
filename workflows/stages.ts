// The stage workflows. Each runs on the control queue and drives gpu/control activities; each
// returns the checkpoint reference of its result, with its held-out evaluation as `eval.*`
// metrics. The GRPO loop continues as new every few iterations so its history stays small.
// Step progress reaches the pipeline from the training activities themselves (`progressTo`).
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { CheckpointRef } from '../activities/types';
import type { GrpoStageName, PipelineConfig, StageName } from '../recipe/config/schema';
import { controlLocalActivities, gpuActivities } from './activity-proxies';
import type { StageWorkflowInput } from './stage-input';

export function stageWorkflowType(stage: StageName): string {
  if (stage === 'pretrain') return 'pretrainStageWorkflow';
  if (stage === 'coldStartSft' || stage === 'rejectionSft') return 'sftStageWorkflow';
  return 'grpoStageWorkflow';
}

export function totalStepsOf(stage: StageName, config: PipelineConfig): number {
  if (stage === 'pretrain') return config.stages.pretrain.steps;
  if (stage === 'r1Zero' || stage === 'reasoningRl' || stage === 'finalRl') return config.stages[stage].grpo.steps;
  return 0; // SFT stages know their length once their data is built
}

function withEval(ref: CheckpointRef, evalMetrics: Record<string, number>): CheckpointRef {
  const metrics = { ...ref.metrics };
  for (const [k, v] of Object.entries(evalMetrics)) metrics[`eval.${k}`] = v;
  return { ...ref, metrics };
}

export async function pretrainStageWorkflow(input: StageWorkflowInput): Promise<CheckpointRef> {
  const gpu = gpuActivities(input.config);
  const base =
    input.init ??
    (await gpu.pretrain.executeWithOptions(
      { summary: `pretrain the base model (${input.config.stages.pretrain.steps} steps)` },
      [
        {
          runId: input.runId,
          stage: 'pretrain',
          config: input.config,
          pretrainHash: input.pretrainHash,
          progressTo: input.parentWorkflowId,
        },
      ],
    ));
  const evalMetrics = await gpu.evaluate.executeWithOptions({ summary: 'evaluate the base model' }, [
    { runId: input.runId, stage: 'pretrain', config: input.config, policy: base, label: 'base' },
  ]);
  return withEval(base, evalMetrics);
}

export async function sftStageWorkflow(input: StageWorkflowInput): Promise<CheckpointRef> {
  const gpu = gpuActivities(input.config);
  if (!input.init || !input.source) throw new Error(`${input.stage} needs an init and a source checkpoint`);
  const ctx = { runId: input.runId, stage: input.stage, config: input.config };
  const data = await gpu.buildSftData.executeWithOptions(
    { summary: `${input.stage}: sample and filter training data` },
    [{ ...ctx, policy: input.source }],
  );
  const ref = await gpu.sft.executeWithOptions({ summary: `${input.stage}: fine-tune on ${data.examples} examples` }, [
    { ...ctx, init: input.init, datasetKey: data.datasetKey, progressTo: input.parentWorkflowId },
  ]);
  const dataMetrics = Object.fromEntries(Object.entries(data.report).map(([k, v]) => [`data.${k}`, v]));
  const evalMetrics = await gpu.evaluate.executeWithOptions({ summary: `${input.stage}: evaluate` }, [
    { ...ctx, policy: ref, label: input.stage },
  ]);
  return withEval({ ...ref, metrics: { ...ref.metrics, ...dataMetrics } }, evalMetrics);
}

export interface GrpoLoopState {
  /** iterations done so far */
  iteration: number;
  /** the policy after them */
  policy: CheckpointRef;
}

export async function grpoStageWorkflow(input: StageWorkflowInput, state?: GrpoLoopState): Promise<CheckpointRef> {
  const stage = input.stage as GrpoStageName;
  const grpo = input.config.stages[stage].grpo;
  const gpu = gpuActivities(input.config);
  // scoring is cheap CPU work next to the workflow: a local activity saves a task-queue round trip
  const control = controlLocalActivities(input.config);
  if (!input.init) throw new Error(`${stage} needs a policy to start from`);
  let policy = state?.policy ?? input.init;
  let iteration = state?.iteration ?? 0;
  const ctx = { runId: input.runId, stage, config: input.config };
  let sinceStart = 0;
  while (iteration < grpo.steps) {
    if (sinceStart >= input.config.workflow.continueAsNewAfter || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof grpoStageWorkflow>(input, { iteration, policy });
    }
    const label = `${stage} step ${iteration + 1}/${grpo.steps}`;
    const rollouts = await gpu.rollouts.executeWithOptions({ summary: `${label}: rollouts` }, [
      { ...ctx, step: iteration, policy },
    ]);
    const scored = await control.scoreRollouts.executeWithOptions({ summary: `${label}: score` }, [
      { ...ctx, step: iteration, rolloutsKey: rollouts.rolloutsKey },
    ]);
    policy = await gpu.policyUpdate.executeWithOptions({ summary: `${label}: update` }, [
      {
        ...ctx,
        step: iteration,
        totalSteps: grpo.steps,
        policy,
        reference: input.reference,
        scoredKey: scored.scoredKey,
        scoreMetrics: scored.metrics,
        progressTo: input.parentWorkflowId,
      },
    ]);
    iteration++;
    sinceStart++;
    if (grpo.evalEvery > 0 && iteration % grpo.evalEvery === 0 && iteration < grpo.steps) {
      await gpu.evaluate.executeWithOptions({ summary: `${label}: evaluate` }, [
        { ...ctx, policy, label: `${stage}-step-${iteration}` },
      ]);
    }
  }
  const evalMetrics = await gpu.evaluate.executeWithOptions({ summary: `${stage}: evaluate` }, [
    { ...ctx, policy, label: stage },
  ]);
  return withEval(policy, evalMetrics);
}
