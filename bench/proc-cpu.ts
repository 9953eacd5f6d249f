// CPU seconds of processes and of the threads in them, from Linux's /proc. The benches use it to
// say which process, and which threads of their own, took the cores a run shared.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: Linux reports /proc/<pid>/stat times in 1/100 s on every architecture Node runs on */
const CLOCK_TICKS_PER_SECOND = 100;

/** A /proc stat line's name (in parentheses, may hold spaces) and its user + system CPU seconds. */
function parseStat(stat: string): { name: string; cpuSeconds: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  // the fields after the name: utime and stime are the 12th and 13th
  const fields = stat.slice(close + 2).split(' ');
  return {
    name: stat.slice(open + 1, close),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
  };
}

/** CPU seconds a process (all its threads, live and exited) has used so far. */
export function processCpuSeconds(pid: number): number {
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuSeconds;
}

/** This process's live threads now: thread id → name and CPU seconds so far. */
export type ThreadSample = Map<number, { name: string; cpuSeconds: number }>;

export function sampleOwnThreads(): ThreadSample {
  const out: ThreadSample = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(Number(tid), parseStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread exited between the listing and the read; its time shows under `exited`
    }
  }
  return out;
}

/**
 * Where this process's CPU went since `before`, by thread name: the main (JavaScript) thread on its
 * own, every other thread under its name (onnxruntime's pool threads and Node's own are all called
 * `node`, so the busiest few are also listed one by one), and what threads that have exited since
 * took. `totalSeconds` is the process's whole CPU over the same span (process.cpuUsage).
 */
export function ownThreadCpuSince(
  before: ThreadSample,
  totalSeconds: number,
): { main: number; byName: Record<string, number>; busiestOthers: number[]; exited: number } {
  const after = sampleOwnThreads();
  const byName: Record<string, number> = {};
  const others: number[] = [];
  let main = 0;
  let live = 0;
  for (const [tid, t] of after) {
    const seconds = t.cpuSeconds - (before.get(tid)?.cpuSeconds ?? 0);
    live += seconds;
    if (tid === process.pid) main = seconds;
    else {
      byName[t.name] = (byName[t.name] ?? 0) + seconds;
      others.push(seconds);
    }
  }
  const round2 = (x: number) => Number(x.toFixed(2));
  return {
    main: round2(main),
    byName: Object.fromEntries(Object.entries(byName).map(([name, s]) => [name, round2(s)])),
    busiestOthers: others
      .sort((a, b) => b - a)
      .slice(0, 4)
      .map(round2),
    // a thread that lived through the span but exited before its end loses its whole time here
    exited: round2(Math.max(0, totalSeconds - live)),
  };
}
