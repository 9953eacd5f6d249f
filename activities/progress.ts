// Step progress of a training activity, signalled straight to the pipeline workflow. The stage
// workflow could send it, but each signal it sends costs it one more workflow task per step
// (the server reports the delivery back to the sender); from the activity it costs nothing on
// the stage's critical path. Each signal still costs the pipeline a workflow task, so a pipeline
// hears at most one update a second: the latest one, sent when the second is up. Best effort: a
// pipeline that has closed, or a run outside Temporal (the plain-loop benchmark, unit tests),
// simply gets no progress; the pipeline also sets each stage's numbers from its result.
import { Context } from '@temporalio/activity';
import type { StageName } from '../recipe/config/schema';
import { stageStepSignal } from '../contracts/messages';
import type { StageStepUpdate } from '../contracts/progress';
import { pickMetrics, PROGRESS_METRICS, type StepMetrics } from '../recipe/metrics';

export const MIN_PROGRESS_INTERVAL_MS = 1000;

type Send = (update: StageStepUpdate) => Promise<void>;

interface Channel {
  lastSentAt: number;
  pending?: { update: StageStepUpdate; send: Send };
  timer?: ReturnType<typeof setTimeout>;
}

/** Rate-limits updates per pipeline: the first goes out at once, later ones at most once per interval, latest wins. */
export class ProgressThrottle {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly intervalMs = MIN_PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  offer(pipelineWorkflowId: string, update: StageStepUpdate, send: Send): void {
    const channel = this.channelOf(pipelineWorkflowId);
    const wait = channel.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0 && !channel.timer) {
      this.flush(channel, { update, send });
      return;
    }
    channel.pending = { update, send };
    if (!channel.timer) {
      channel.timer = setTimeout(
        () => {
          channel.timer = undefined;
          if (channel.pending) this.flush(channel, channel.pending);
        },
        Math.max(0, wait),
      );
      // a pending update never keeps a worker process alive on shutdown
      channel.timer.unref?.();
    }
  }

  private channelOf(pipelineWorkflowId: string): Channel {
    let channel = this.channels.get(pipelineWorkflowId);
    if (!channel) {
      channel = { lastSentAt: -Infinity };
      this.channels.set(pipelineWorkflowId, channel);
    }
    return channel;
  }

  private flush(channel: Channel, item: { update: StageStepUpdate; send: Send }): void {
    channel.pending = undefined;
    channel.lastSentAt = this.now();
    item.send(item.update).catch(() => {
      // the pipeline has closed or is unreachable: progress is best effort
    });
  }
}

const throttle = new ProgressThrottle();

export function reportStep(
  pipelineWorkflowId: string | undefined,
  stage: StageName,
  step: number,
  totalSteps: number,
  metrics: StepMetrics,
): void {
  if (!pipelineWorkflowId) return;
  let client: Context['client'];
  try {
    client = Context.current().client;
  } catch {
    return;
  }
  const update: StageStepUpdate = { stage, step, totalSteps, metrics: pickMetrics(metrics, PROGRESS_METRICS) };
  throttle.offer(pipelineWorkflowId, update, (u) =>
    client.workflow.getHandle(pipelineWorkflowId).signal(stageStepSignal, u),
  );
}
