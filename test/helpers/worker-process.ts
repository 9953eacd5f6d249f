// Workers in processes of their own, so that a test can kill, stop or SIGTERM them like machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { tunedAllocatorEnv } from '../../infra/allocator';
import { projectRoot } from '../../infra/paths';

export interface WorkerProcessOptions {
  queues?: string;
  /** its own checkpoint cache by default, so it reads from S3 what it has not written itself */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  /** a file that gets the worker's stdout and stderr (its logs) */
  logFile?: string;
}

const children: ChildProcess[] = [];
let cleanupRegistered = false;

export function spawnWorker(options: WorkerProcessOptions = {}): ChildProcess {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    after(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), 'r1flow-worker-cache-'));
  const args = ['--import', 'tsx', 'cli/main.ts', 'worker', '--cache-dir', cacheDir];
  if (options.queues) args.push('--queues', options.queues);
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    // the malloc tunables a worker started by bin/r1flow.mjs runs with
    env: { ...tunedAllocatorEnv(process.env), R1FLOW_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', log ? 'pipe' : 'ignore', log ? 'pipe' : 'inherit'],
  });
  if (log) {
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  children.push(child);
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function killWorker(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}
