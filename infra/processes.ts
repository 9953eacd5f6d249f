// Starting and stopping the stack's own processes. A pid is only signalled after checking that
// it still runs the binary we started (pids get reused), so `dev down` never ends a stranger.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A zombie (exited, not yet reaped by its parent) counts as gone once it holds no port or file:
 * its leader thread turns zombie first, and the files (sockets too) are released only when the
 * last of its other threads has exited, a few milliseconds later for a Go server.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') return false;
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the pid is alive and (where /proc exists) still runs `binary`. */
export function isOurProcess(pid: number, binary: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // An exiting process loses its cmdline before it closes its sockets; until it is a zombie
    // (isAlive is false then) the pid cannot have been reused, so it is still ours.
    return cmdline === '' || cmdline.split('\0')[0] === binary;
  } catch {
    return process.platform !== 'linux';
  }
}

export interface Started {
  pid: number;
  log: string;
}

/** Starts a daemon in its own process group, output to a log file, not tied to our lifetime. */
export function startDaemon(binary: string, args: string[], log: string, cwd: string): Started {
  const fd = openSync(log, 'a');
  const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${binary}; see ${log}`);
  child.unref();
  return { pid: child.pid, log };
}

export async function stopProcess(pid: number, binary: string, graceMs = 15000): Promise<'stopped' | 'not-running'> {
  if (!isOurProcess(pid, binary)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, binary)) return 'stopped';
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
  while (isOurProcess(pid, binary)) await new Promise((r) => setTimeout(r, 50));
  return 'stopped';
}

/** True when nothing listens on host:port (we can bind it ourselves). */
export function checkPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Thrown by a probe when waiting longer cannot help (the process it waits for has exited). */
export class GaveUpError extends Error {}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  hint: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      if (err instanceof GaveUpError)
        throw new Error(`${what} did not start: ${err.message}; ${hint()}`, { cause: err });
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what} did not become healthy within ${Math.round(timeoutMs / 1000)} s${last ? ` (last error: ${(last as Error).message})` : ''}; ${hint()}`,
  );
}
