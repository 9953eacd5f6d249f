// The activities each task queue serves. Control: cheap CPU work, data and manifests.
// GPU: rollouts, updates, SFT — the work that wants the accelerator.
import { createControlActivities } from '../activities/control';
import type { ActivityDeps } from '../activities/deps';
import { createDoctorActivities } from '../activities/doctor';
import { createGpuActivities } from '../activities/gpu';
import { queueName, type QueueKind } from '../contracts/queues';

export function activitiesFor(kind: QueueKind, deps: ActivityDeps): object {
  const doctor = createDoctorActivities({ store: deps.store, queue: queueName(kind) });
  return kind === 'control'
    ? { ...doctor, ...createControlActivities(deps) }
    : { ...doctor, ...createGpuActivities(deps) };
}
