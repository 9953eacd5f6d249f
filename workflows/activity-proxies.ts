// Activity stubs for workflow code, with timeouts and retries taken from the run's config.
import {
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERRORS, type ControlActivities, type GpuActivities } from '../contracts/activities';
import { CONTROL_QUEUE, GPU_QUEUE } from '../contracts/queues';
import type { PipelineConfig } from '../recipe/config/schema';
import type { StageActivities } from './stage-bodies';

function options(config: PipelineConfig, taskQueue: string): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: `${config.workflow.activityTimeoutMinutes} minutes`,
    heartbeatTimeout: `${config.workflow.heartbeatTimeoutSeconds} seconds`,
    retry: {
      maximumAttempts: config.workflow.activityRetries,
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: NON_RETRYABLE_ERRORS,
    },
  };
}

export function gpuActivities(config: PipelineConfig) {
  return proxyActivities<GpuActivities>(options(config, GPU_QUEUE));
}

/** Control activities run in the workflow's own worker, for short steps on the critical path. */
export function controlLocalActivities(config: PipelineConfig) {
  const { retry, startToCloseTimeout } = options(config, CONTROL_QUEUE);
  const local: LocalActivityOptions = { retry, startToCloseTimeout };
  return proxyLocalActivities<ControlActivities>(local);
}

/**
 * The activities the stage bodies call, as Temporal stubs with their UI summaries. Scoring is
 * cheap CPU work next to the workflow: as a local activity it saves a task-queue round trip.
 * `wholeGrpoSteps`: offer grpoStep, one activity per unsharded GRPO step.
 */
export function stageActivities(config: PipelineConfig, wholeGrpoSteps = false): StageActivities {
  const gpu = gpuActivities(config);
  const control = controlLocalActivities(config);
  return {
    ...(wholeGrpoSteps ? { grpoStep: (input, summary) => gpu.grpoStep.executeWithOptions({ summary }, [input]) } : {}),
    pretrain: (input, summary) => gpu.pretrain.executeWithOptions({ summary }, [input]),
    evaluate: (input, summary) => gpu.evaluate.executeWithOptions({ summary }, [input]),
    buildSftData: (input, summary) => gpu.buildSftData.executeWithOptions({ summary }, [input]),
    sft: (input, summary) => gpu.sft.executeWithOptions({ summary }, [input]),
    rollouts: (input, summary) => gpu.rollouts.executeWithOptions({ summary }, [input]),
    scoreRollouts: (input, summary) => control.scoreRollouts.executeWithOptions({ summary }, [input]),
    findResumePoint: (input, summary) => control.findResumePoint.executeWithOptions({ summary }, [input]),
    policyUpdate: (input, summary) => gpu.policyUpdate.executeWithOptions({ summary }, [input]),
  };
}
