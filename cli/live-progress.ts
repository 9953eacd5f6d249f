// The live view of a run, put together by the client: the pipeline's `progress` query knows each
// stage's status and final numbers, and the running stage's latest step comes from the stage's
// own workflow — its `stageProgress` query (GRPO stages publish each iteration there) or the
// heartbeat details of its pending training activity (pretraining and SFT). Both are read
// without adding anything to a workflow history (contracts/progress).
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { stageProgressQuery } from '../contracts/messages';
import type { LiveHeartbeatDetails, LiveStageProgress, PipelineProgress } from '../contracts/progress';
import { queryProgress } from './run';

function isLive(value: unknown): value is LiveStageProgress {
  const v = value as Partial<LiveStageProgress> | undefined;
  return typeof v?.stage === 'string' && typeof v.step === 'number' && typeof v.totalSteps === 'number';
}

/** The running stage's newest step, from whichever of its query and its pending activities is further along. */
export async function readLiveStage(
  client: Client,
  stageWorkflowId: string,
  deadlineMs = 3000,
): Promise<LiveStageProgress | undefined> {
  const handle = client.workflow.getHandle(stageWorkflowId);
  const found: LiveStageProgress[] = [];
  const description = await handle.describe();
  for (const activity of description.raw.pendingActivities ?? []) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    try {
      const details = defaultPayloadConverter.fromPayload<LiveHeartbeatDetails>(payload);
      if (isLive(details?.live)) found.push(details.live);
    } catch {
      // heartbeat details of another shape carry no steps
    }
  }
  if (description.status.name === 'RUNNING') {
    const queried = await client
      .withDeadline(Date.now() + deadlineMs, () => handle.query(stageProgressQuery))
      .catch(() => undefined);
    if (isLive(queried)) found.push(queried);
  }
  return found.sort((a, b) => b.step - a.step)[0];
}

/** The pipeline's progress with a running stage's live step, metrics and total filled in. */
export function withLiveStage(progress: PipelineProgress, live: LiveStageProgress): PipelineProgress {
  return {
    ...progress,
    stages: progress.stages.map((s) =>
      s.stage === live.stage && s.status === 'running' && live.step >= s.step
        ? {
            ...s,
            step: live.step,
            totalSteps: live.totalSteps > 0 ? live.totalSteps : s.totalSteps,
            metrics: Object.keys(live.metrics).length > 0 ? live.metrics : s.metrics,
          }
        : s,
    ),
  };
}

/** The progress query, completed with the running stage's live step when it can be read. */
export async function liveProgress(client: Client, runId: string, deadlineMs?: number): Promise<PipelineProgress> {
  const progress = await queryProgress(client, runId, deadlineMs);
  const running = progress.stages.find((s) => s.status === 'running' && s.workflowId);
  if (!running?.workflowId) return progress;
  const live = await readLiveStage(client, running.workflowId).catch(() => undefined);
  return live ? withLiveStage(progress, live) : progress;
}

/**
 * The next view with no running stage moved back behind what the previous view showed. When the
 * worker is too busy to answer the stage's query in time (a big model's step holds it), the
 * pipeline's own progress only has the step the stage started at, and the bars would flicker back
 * to 0 between answers. A stage that stopped running in between starts afresh.
 */
export function keepShownSteps(previous: PipelineProgress | undefined, next: PipelineProgress): PipelineProgress {
  let view = next;
  for (const before of previous?.stages ?? []) {
    if (before.status !== 'running') continue;
    const now = next.stages.find((s) => s.stage === before.stage);
    if (now?.status !== 'running' || now.workflowId !== before.workflowId) continue;
    view = withLiveStage(view, {
      stage: before.stage,
      step: before.step,
      totalSteps: before.totalSteps,
      metrics: before.metrics,
    });
  }
  return view;
}
