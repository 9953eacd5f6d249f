// The pipeline's messages, shared by the workflow and its clients (CLI, tests, UI users): the
// `progress` query, the `resume` and `abort` updates and the `abort` signal, and the stage
// workflows' `stageProgress` query. Clients send them through these definition objects, never by
// name. None of them is sent per training step: queries add no history event.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LiveStageProgress, PipelineProgress } from './progress';

export interface ResumeRequest {
  /** a partial config merged over the run's config before the failed stage is retried */
  patch?: Record<string, unknown>;
}

export const progressQuery = defineQuery<PipelineProgress>('progress');
/** From the UI the argument may be left out entirely; the handler treats that as `{}`. */
export const resumeUpdate = defineUpdate<string, [ResumeRequest]>('resume');
/** From the UI the reason may be left out; the handler then uses "aborted by user". */
export const abortUpdate = defineUpdate<string, [reason: string]>('abort');
export const abortSignal = defineSignal<[reason: string]>('abort');
/** A stage workflow's latest step (GRPO stages: after each iteration; others: at activity boundaries). */
export const stageProgressQuery = defineQuery<LiveStageProgress>('stageProgress');
