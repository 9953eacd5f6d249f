// The doctor workflow: one activity on each task queue, so a green doctor proves that both
// kinds of worker are polling and that S3 round-trips through a real activity.
import { proxyActivities } from '@temporalio/workflow';
import type { DoctorActivities, DoctorReport } from '../contracts/activities';
import { CONTROL_QUEUE, GPU_QUEUE } from '../contracts/queues';

const options = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 2 } } as const;
const control = proxyActivities<DoctorActivities>({ ...options, taskQueue: CONTROL_QUEUE });
const gpu = proxyActivities<DoctorActivities>({ ...options, taskQueue: GPU_QUEUE });

export async function doctorWorkflow(probeId: string): Promise<DoctorReport> {
  const [storage, controlWorker, gpuWorker] = await Promise.all([
    control.storageRoundTrip(probeId),
    control.workerProbe(),
    gpu.workerProbe(),
  ]);
  return { storage, controlWorker, gpuWorker };
}
