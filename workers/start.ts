// Starts workers for the given queues in this process. The all-in-one dev worker polls both;
// a production GPU worker polls only `gpu`, one activity at a time per device.
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { allocatorMode } from '../infra/allocator';
import type { Connection } from '../infra/connection';
import type { Logger } from '../infra/logger';
import { connectWorker } from '../infra/temporal-client';
import { installTemporalRuntime } from '../infra/temporal-logging';
import { openArtifactStore } from '../storage/open-store';
import { DEFAULT_OUTAGE_MS } from '../storage/retry';
import { queueName, type QueueKind } from '../contracts/queues';
import { activitiesFor } from './activities';
import { defaultCacheDir, type ActivityDeps } from '../activities/deps';
import { WorkerCaches } from '../activities/worker-caches';
import { cacheMaxBytesFromEnv } from '../activities/checkpoint-cache';

export interface StartWorkersOptions {
  connection: Connection;
  queues: QueueKind[];
  log: Logger;
  /** concurrent activities on the gpu queue; 1 per device in production */
  gpuConcurrency?: number;
  /** local folder for downloaded checkpoints (default: the state folder's cache) */
  cacheDir?: string;
  /** cap of the checkpoint cache on disk (default: R1FLOW_CACHE_MAX_GB, or a few GB) */
  cacheMaxBytes?: number;
  /** time given to running activities on shutdown; longer than a checkpoint write */
  shutdownGraceTime?: string;
}

export interface RunningWorkers {
  /** resolves when every worker has stopped */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** How long activities wait for an unreachable S3 before failing (`R1FLOW_S3_OUTAGE_SECONDS`, default 300). */
export function outageMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.R1FLOW_S3_OUTAGE_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_OUTAGE_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`R1FLOW_S3_OUTAGE_SECONDS must be a number of seconds ≥ 0, got ${JSON.stringify(raw)}`);
  return seconds * 1000;
}

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function startWorkers(opts: StartWorkersOptions): Promise<RunningWorkers> {
  installTemporalRuntime(opts.log.child({ component: 'temporal' }), 'WARN');
  const connection = await connectWorker(opts.connection.temporal);
  const store = openArtifactStore(opts.connection.s3, { retry: { outageMs: outageMsFromEnv() } });
  const deps: ActivityDeps = {
    store,
    log: opts.log,
    cacheDir: opts.cacheDir ?? defaultCacheDir(),
    cacheMaxBytes: opts.cacheMaxBytes ?? cacheMaxBytesFromEnv(),
    caches: new WorkerCaches(),
    uiUrl: opts.connection.temporal.uiUrl,
    namespace: opts.connection.temporal.namespace,
  };
  const workers: Worker[] = [];
  for (const kind of opts.queues) {
    workers.push(
      await Worker.create({
        connection,
        namespace: opts.connection.temporal.namespace,
        taskQueue: queueName(kind),
        // workflows run on the control queue only; gpu workers carry no workflow code
        ...(kind === 'control' ? { workflowsPath } : {}),
        activities: activitiesFor(kind, deps),
        maxConcurrentActivityTaskExecutions: kind === 'gpu' ? (opts.gpuConcurrency ?? 1) : 8,
        shutdownGraceTime: opts.shutdownGraceTime ?? '2 minutes',
        // heartbeat details carry the live step of pretraining and SFT (contracts/progress): let
        // them reach the server about once a second instead of every 0.8 heartbeat timeouts
        maxHeartbeatThrottleInterval: '1 second',
      }),
    );
  }
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
    store.client.destroy();
    await deps.caches.release();
  });
  opts.log.info({ queues: opts.queues.map(queueName), malloc: allocatorMode() }, 'worker polling');
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
