// Messages shared by the pipeline workflow and its clients (CLI, tests, UI users): the
// `progress` query, the `resume` and `abort` updates and the `abort` signal.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { StageName } from '../recipe/config/schema';

export type StageStatus = 'pending' | 'skipped' | 'reused' | 'running' | 'done' | 'failed' | 'waiting';

export interface StageProgress {
  stage: StageName;
  status: StageStatus;
  step: number;
  totalSteps: number;
  /** latest training metrics (reward, accuracy, loss, …) */
  metrics: Record<string, number>;
  /** held-out evaluation after the stage */
  eval?: Record<string, number>;
  checkpointUri?: string;
  error?: string;
}

export interface PipelineProgress {
  runId: string;
  preset?: string;
  status: 'running' | 'waiting-for-resume' | 'done' | 'aborted';
  currentStage?: StageName;
  stages: StageProgress[];
  /** set while the pipeline waits after a failed stage */
  waiting?: { stage: StageName; error: string; since: string };
  reportUri?: string;
}

export interface ResumeRequest {
  /** a partial config merged over the run's config before the failed stage is retried */
  patch?: Record<string, unknown>;
}

export const progressQuery = defineQuery<PipelineProgress>('progress');
export const resumeUpdate = defineUpdate<string, [ResumeRequest?]>('resume');
export const abortUpdate = defineUpdate<string, [string?]>('abort');
export const abortSignal = defineSignal<[string?]>('abort');

/**
 * Sent to the pipeline by a training activity (a GRPO update, a chunk of pretraining or SFT), so
 * the pipeline's progress is live. The activity signals the pipeline itself: a signal sent by the
 * stage workflow would cost that workflow an extra workflow task per step.
 */
export interface StageStepUpdate {
  stage: StageName;
  step: number;
  totalSteps: number;
  metrics: Record<string, number>;
}

export const stageStepSignal = defineSignal<[StageStepUpdate]>('stageStep');

/** The handful of numbers a progress bar shows, from a step's full metrics. */
export function displayMetrics(m: Record<string, number>): Record<string, number> {
  const pick: Record<string, string> = {
    reward: 'rewardMean',
    accuracy: 'accuracy',
    format: 'formatRate',
    language: 'languageConsistency',
    kl: 'update.kl',
    loss: 'update.loss',
    meanLength: 'meanLength',
  };
  const out: Record<string, number> = {};
  for (const [name, key] of Object.entries(pick)) if (m[key] !== undefined) out[name] = m[key]!;
  if (m.loss !== undefined && out.loss === undefined) out.loss = m.loss;
  return out;
}
