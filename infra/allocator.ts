// The training processes (worker, demo) run with glibc's malloc told to keep freed memory.
//
// Why: onnxruntime-node copies every output of a run into a fresh ArrayBuffer, and a fused train
// step's outputs are the new parameters and both Adam moments, 12 bytes per parameter. glibc serves
// any block over 32 MB with its own mmap and unmaps it on free, so every step faults in hundreds of
// MB of new zero pages, which costs far more than the copy itself (bench/peer.ts's train cells
// measure the difference; the closing note of the speed issue has the figures). With mmap off and
// heap trimming off, freed blocks go back to malloc's heap and the next step reuses them. The price
// is that the process keeps its peak heap instead of handing it back to the system between steps.
//
// Tunables are read once when a process starts, so a process that lacks them runs itself again as
// a child with them set and passes on its signals and exit status.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Set in a process that already runs with the tuned allocator; `system` opts out. */
const ALLOCATOR_ENV = 'R1FLOW_ALLOCATOR';
const PARENT_ENV = 'R1FLOW_ALLOCATOR_PARENT';

/** `mmap_max=0`: no block gets its own mapping; `trim_threshold`: the heap top is never handed back. */
export const TUNED_MALLOC = ['glibc.malloc.mmap_max=0', 'glibc.malloc.trim_threshold=4294967295'] as const;

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

let glibc: boolean | undefined;

/** Whether this Node runs on glibc (read once: a diagnostic report is not free). */
export function runsOnGlibc(): boolean {
  if (glibc === undefined) {
    const report =
      process.platform === 'linux'
        ? (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
        : undefined;
    glibc = Boolean(report?.header?.glibcVersionRuntime);
  }
  return glibc;
}

/** `env` with the malloc tunables added; tunables the caller already set in GLIBC_TUNABLES win. */
export function tunedAllocatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const existing = (env.GLIBC_TUNABLES ?? '').split(':').filter(Boolean);
  const setKeys = new Set(existing.map((t) => t.split('=')[0]));
  const added = TUNED_MALLOC.filter((t) => !setKeys.has(t.split('=')[0]));
  return { ...env, GLIBC_TUNABLES: [...existing, ...added].join(':'), [ALLOCATOR_ENV]: 'tuned' };
}

/** How this process's malloc is set up, for its startup log. */
export function allocatorMode(env: NodeJS.ProcessEnv = process.env): 'tuned' | 'system' {
  return env[ALLOCATOR_ENV] === 'tuned' && runsOnGlibc() ? 'tuned' : 'system';
}

/** Whether this process should run itself again with the tuned allocator. */
export function wantsTunedRerun(env: NodeJS.ProcessEnv = process.env): boolean {
  const mode = env[ALLOCATOR_ENV];
  if (mode === 'tuned' || mode === 'system') return false;
  if (mode !== undefined && mode !== '')
    throw new Error(`${ALLOCATOR_ENV} must be 'tuned' or 'system', got ${JSON.stringify(mode)}.`);
  return runsOnGlibc();
}

/**
 * Runs this script again (same Node flags and arguments) with the tuned allocator and resolves with
 * its exit code. The child gets a process group of its own so that a Ctrl-C in the terminal reaches
 * it exactly once, through this process, like every other signal sent here.
 */
function rerunWithTunedAllocator(): Promise<number> {
  const env = { ...tunedAllocatorEnv(process.env), [PARENT_ENV]: String(process.pid) };
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: 'inherit',
    detached: true,
  });
  const forwarders = FORWARDED_SIGNALS.map((signal) => {
    const forward = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, forward);
    return () => process.off(signal, forward);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const stop of forwarders) stop();
      // Shells report a child killed by signal N as 128 + N.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * In a rerun child: if the parent that started it disappears (killed with SIGKILL, which it cannot
 * pass on), the child stops as if it had been sent SIGTERM instead of running on unattended.
 */
function stopWhenParentGoes(env: NodeJS.ProcessEnv = process.env, everyMs = 1000): void {
  const parent = Number(env[PARENT_ENV]);
  // Processes this one starts are not rerun children: they must not watch this launcher.
  delete env[PARENT_ENV];
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, everyMs);
  timer.unref();
}

/**
 * The start of a command that trains: a process without the tuned allocator runs itself again
 * with it and exits with the child's code; one that has it (or opted out) watches its launcher and
 * goes on. Throws on a bad R1FLOW_ALLOCATOR.
 */
export async function useTunedAllocator(watchEveryMs = 1000): Promise<void> {
  if (wantsTunedRerun()) process.exit(await rerunWithTunedAllocator());
  stopWhenParentGoes(process.env, watchEveryMs);
}
