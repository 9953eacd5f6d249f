// Heartbeats for long activities: the latest progress is sent on a timer (so a slow step never
// looks like a dead worker) and comes back as `resumeDetails` when the activity is retried.
import { Context } from '@temporalio/activity';

export interface Heartbeat<T> {
  /** records progress; sent with the next beat */
  progress(details: T): void;
  /** the details last recorded */
  latest(): T | undefined;
  stop(): void;
}

function inActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // called outside an activity (the plain-loop benchmark, unit tests): no heartbeats
    return undefined;
  }
}

/**
 * The first beat goes out after `everyMs`, not at once: most activities of a small run end
 * sooner, and each beat the server receives is a write to the workflow's state.
 */
export function startHeartbeat<T>(initial?: T, everyMs = 2000): Heartbeat<T> {
  const ctx = inActivity();
  let latest = initial;
  const beat = () => ctx?.heartbeat(latest);
  const timer = ctx ? setInterval(beat, everyMs) : undefined;
  return {
    progress(details) {
      latest = details;
      beat();
    },
    latest: () => latest,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

/** Progress recorded by an earlier attempt of this activity, if this is a retry. */
export function resumeDetails<T>(): T | undefined {
  return inActivity()?.info.heartbeatDetails as T | undefined;
}
