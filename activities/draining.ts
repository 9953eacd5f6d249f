// A worker that is asked to stop (SIGTERM: a deploy, a scale-down, a preempted machine) hands its
// long training activities over instead of running them to the end: each stops at its next step
// boundary — never inside a checkpoint write — and fails with a retryable error, so another
// worker resumes from the last checkpoint the heartbeats named. Short activities just finish.

let drainingSince: number | undefined;

/** Called once by the worker process when it starts shutting down. */
export function startDraining(now = Date.now()): void {
  drainingSince ??= now;
}

export function isDraining(): boolean {
  return drainingSince !== undefined;
}

/** Thrown by a training activity at a step boundary while the worker drains; Temporal retries it elsewhere. */
export class WorkerDrainingError extends Error {
  constructor(what: string) {
    super(`${what}: this worker is shutting down; the activity continues on another worker from its last checkpoint`);
    this.name = 'WorkerDrainingError';
  }
}
