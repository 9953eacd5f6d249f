// What the benchmarks share: the test stack (its own ports and state folder, as npm test uses
// them), a store on it, a logger that keeps stdout free for the JSON, and worker dependencies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../activities/deps';
import { WorkerCaches } from '../activities/worker-caches';
import type { Connection } from '../infra/connection';
import { createLogger, type Logger } from '../infra/logger';
import { devDown, devUp } from '../infra/stack';
import { testStackSettings, testStateDir } from '../infra/test-stack';
import type { ArtifactStore } from '../storage/artifact-store';
import { openArtifactStore } from '../storage/open-store';

export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Starts the test stack if it is not running; `stop` stops it only if this call started it. */
export async function useTestStack(): Promise<{ stop: () => Promise<void>; alreadyRunning: boolean }> {
  process.env.R1FLOW_STATE_DIR = testStateDir();
  const stack = await devUp(testStackSettings(), (m) => process.stderr.write(`[test stack] ${m}\n`));
  return {
    alreadyRunning: stack.alreadyRunning,
    stop: async () => {
      if (!stack.alreadyRunning) await devDown();
    },
  };
}

export function storeOf(connection: Connection): ArtifactStore {
  return openArtifactStore(connection.s3);
}

/** Logs go to stderr: stdout carries the JSON. */
export function benchLogger(name: string): Logger {
  return createLogger(name, { level: 'warn', format: 'json', destination: process.stderr });
}

/** What the activity functions need when a benchmark calls them in process; release `caches` after. */
export function inProcessDeps(connection: Connection, store: ArtifactStore, name: string): ActivityDeps {
  return {
    store,
    log: benchLogger(name),
    cacheDir: mkdtempSync(join(tmpdir(), `r1flow-${name}-`)),
    caches: new WorkerCaches(),
    uiUrl: connection.temporal.uiUrl,
    namespace: connection.temporal.namespace,
  };
}

/** Runs a bench's main and exits: 0 when it finished, 1 with the stack trace when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
