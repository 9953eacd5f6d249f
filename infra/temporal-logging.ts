// Routes the Temporal SDK's runtime logs (core bridge, worker, workflow sandbox sinks) into pino,
// so one stream carries everything a worker says.
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

/** Installs the Temporal runtime once per process; later calls are no-ops. */
export function installTemporalRuntime(log: Logger, level: LogLevel = 'INFO'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      log[LEVELS[entry.level]](meta, entry.message);
    }),
  });
}
