// Activity stubs for workflow code, with timeouts and retries taken from the run's config.
// Errors of these types are the user's or the data's fault: retrying cannot fix them.
import {
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { ControlActivities } from '../activities/control';
import type { GpuActivities } from '../activities/gpu';
import { CONTROL_QUEUE, GPU_QUEUE } from '../contracts/queues';
import type { PipelineConfig } from '../recipe/config/schema';

export const NON_RETRYABLE_ERRORS = [
  'ConfigError',
  'BadDataError',
  'ChecksumMismatchError',
  'InvalidKeyError',
  'ManifestError',
  'ObjectNotFoundError',
  'DeviceUnavailableError',
];

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

export function controlActivities(config: PipelineConfig) {
  return proxyActivities<ControlActivities>(options(config, CONTROL_QUEUE));
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
