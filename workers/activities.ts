// The activities each task queue serves. Control: cheap CPU work, data and manifests.
// GPU: rollouts, updates, SFT — the work that wants the accelerator.
import { createDoctorActivities } from '../activities/doctor';
import { CONTROL_QUEUE, GPU_QUEUE } from '../infra/queues';
import type { ArtifactStore } from '../storage/artifact-store';

export type QueueKind = 'control' | 'gpu';

export interface ActivityDeps {
  store: ArtifactStore;
}

export function queueName(kind: QueueKind): string {
  return kind === 'control' ? CONTROL_QUEUE : GPU_QUEUE;
}

export function activitiesFor(kind: QueueKind, deps: ActivityDeps): Record<string, (...args: never[]) => Promise<unknown>> {
  const queue = queueName(kind);
  return { ...createDoctorActivities({ store: deps.store, queue }) };
}
