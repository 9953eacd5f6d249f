// The two task queues. Workflows, scoring and bookkeeping run on control; the work that wants
// the accelerator (rollouts, updates, SFT, evaluation) on gpu.
export const CONTROL_QUEUE = 'r1flow-control';
export const GPU_QUEUE = 'r1flow-gpu';

export type QueueKind = 'control' | 'gpu';

export function queueName(kind: QueueKind): string {
  return kind === 'control' ? CONTROL_QUEUE : GPU_QUEUE;
}
