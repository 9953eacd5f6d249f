// r1flow worker [--queues control,gpu] [--cache-dir DIR] [--cache-max-gb N]: the all-in-one dev
// worker by default; N caps the local checkpoint cache (R1FLOW_CACHE_MAX_GB, default 4).
import { parseArgs } from 'node:util';
import { loadConnection } from '../infra/connection';
import { logger } from '../infra/logger';
import type { QueueKind } from '../contracts/queues';
import { startWorkers } from '../workers/start';
import { startDraining } from '../activities/draining';
import { cacheMaxBytesFromEnv } from '../activities/checkpoint-cache';
import { fail } from './output';

export async function workerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      queues: { type: 'string', default: 'control,gpu' },
      'cache-dir': { type: 'string' },
      'cache-max-gb': { type: 'string' },
    },
    strict: true,
  });
  const queues = values
    .queues!.split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  for (const q of queues)
    if (q !== 'control' && q !== 'gpu') fail(`--queues takes control and/or gpu, got ${JSON.stringify(q)}`);
  const log = logger();
  const workers = await startWorkers({
    connection: loadConnection(),
    queues: queues as QueueKind[],
    log,
    cacheDir: values['cache-dir'],
    cacheMaxBytes:
      values['cache-max-gb'] !== undefined
        ? cacheMaxBytesFromEnv({ R1FLOW_CACHE_MAX_GB: values['cache-max-gb'] })
        : undefined,
  });
  const stop = () => {
    log.info('shutting down: short activities finish, training activities hand over at their next step');
    startDraining();
    void workers.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await workers.done;
  return 0;
}
