// The local checkpoint cache: checkpoints/<sha256>/ folders under a worker's cache folder, kept
// under a size cap by evicting the least recently used (a folder's mtime is its last use, so the
// order survives a restart). A folder an activity is reading is pinned by a file under pins/
// that names the process; pinned folders are never evicted, by this worker or by another one
// sharing the folder, until that process has exited.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../infra/processes';

/** Default cap: a few GB, as a real model's checkpoints with optimizer state are hundreds of MB each. */
export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 ** 3;

/** `R1FLOW_CACHE_MAX_GB` (a number, may be fractional), or the default. */
export function cacheMaxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.R1FLOW_CACHE_MAX_GB;
  if (raw === undefined || raw === '') return DEFAULT_CACHE_MAX_BYTES;
  const gb = Number(raw);
  if (!Number.isFinite(gb) || gb < 0)
    throw new Error(`R1FLOW_CACHE_MAX_GB must be a number ≥ 0, got ${JSON.stringify(raw)}`);
  return Math.round(gb * 1024 ** 3);
}

/** Bytes under a path (files of every depth); 0 when it does not exist. */
export function pathBytes(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of readdirSync(path)) total += pathBytes(join(path, name));
  return total;
}

export interface CacheEntry {
  sha256: string;
  bytes: number;
  lastUsedMs: number;
  pinned: boolean;
}

let pinCounter = 0;

export class CheckpointDiskCache {
  readonly checkpointsDir: string;
  private readonly pinsDir: string;

  constructor(
    readonly root: string,
    readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.checkpointsDir = join(root, 'checkpoints');
    this.pinsDir = join(root, 'pins');
  }

  dir(sha256: string): string {
    return join(this.checkpointsDir, sha256);
  }

  /** Marks a folder as just used (the LRU order). */
  touch(sha256: string, now = new Date()): void {
    try {
      utimesSync(this.dir(sha256), now, now);
    } catch {
      // evicted meanwhile by a worker that shares the folder: the next read downloads it again
    }
  }

  /** Runs `fn` with the folder pinned: no eviction removes it meanwhile. */
  async pinned<T>(sha256: string, fn: () => Promise<T>): Promise<T> {
    mkdirSync(this.pinsDir, { recursive: true });
    const pin = join(this.pinsDir, `${sha256}.${process.pid}.${++pinCounter}`);
    writeFileSync(pin, '');
    try {
      return await fn();
    } finally {
      rmSync(pin, { force: true });
    }
  }

  /** sha256s pinned by a live process; pins of processes that are gone are removed. */
  private pinnedShas(): Set<string> {
    const pinned = new Set<string>();
    if (!existsSync(this.pinsDir)) return pinned;
    for (const name of readdirSync(this.pinsDir)) {
      const [sha, pid] = name.split('.');
      if (sha && pid && isAlive(Number(pid))) pinned.add(sha);
      else rmSync(join(this.pinsDir, name), { force: true });
    }
    return pinned;
  }

  entries(): CacheEntry[] {
    if (!existsSync(this.checkpointsDir)) return [];
    const pinned = this.pinnedShas();
    const entries: CacheEntry[] = [];
    for (const sha256 of readdirSync(this.checkpointsDir)) {
      const dir = this.dir(sha256);
      let lastUsedMs;
      try {
        lastUsedMs = statSync(dir).mtimeMs;
      } catch {
        continue;
      }
      entries.push({ sha256, bytes: pathBytes(dir), lastUsedMs, pinned: pinned.has(sha256) });
    }
    return entries;
  }

  /**
   * Removes least recently used folders until the cache fits its cap (`limitBytes`, e.g. 0 to
   * empty it), skipping pinned ones; returns what it removed (with `dryRun`, what it would remove).
   */
  evict(limitBytes = this.maxBytes, dryRun = false): { removed: string[]; freedBytes: number; keptBytes: number } {
    const entries = this.entries().sort((a, b) => a.lastUsedMs - b.lastUsedMs);
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    const removed: string[] = [];
    let freedBytes = 0;
    for (const e of entries) {
      if (total <= limitBytes) break;
      if (e.pinned) continue;
      if (!dryRun) rmSync(this.dir(e.sha256), { recursive: true, force: true });
      removed.push(e.sha256);
      freedBytes += e.bytes;
      total -= e.bytes;
    }
    return { removed, freedBytes, keptBytes: total };
  }
}

export interface CacheCleanup {
  /** scratch folders and partial downloads of processes that are gone */
  leftovers: string[];
  leftoverBytes: number;
  evicted: string[];
  evictedBytes: number;
  keptBytes: number;
}

/** The pid a scratch folder (`<pid>-<uuid>`) or partial file (`….partial-<pid>`) was made by. */
function ownerPid(name: string): number | undefined {
  const m = /^(\d+)-/.exec(name) ?? /\.partial-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * What `r1flow gc` does to a worker's cache folder: removes what dead processes left behind
 * (their scratch folders and partial downloads; a folder without an owner pid is from before
 * pids were recorded and counts as left behind too) and evicts checkpoints down to the cap, or
 * every unpinned one with `limitBytes` 0. `dryRun` only reports.
 */
export function cleanCacheFolder(cache: CheckpointDiskCache, limitBytes: number, dryRun = false): CacheCleanup {
  const leftovers: string[] = [];
  let leftoverBytes = 0;
  const consider = (path: string, name: string) => {
    const pid = ownerPid(name);
    if (pid !== undefined && isAlive(pid)) return;
    leftovers.push(path);
    leftoverBytes += pathBytes(path);
    if (!dryRun) rmSync(path, { recursive: true, force: true });
  };
  const scratch = join(cache.root, 'scratch');
  if (existsSync(scratch)) for (const name of readdirSync(scratch)) consider(join(scratch, name), name);
  if (existsSync(cache.checkpointsDir))
    for (const sha of readdirSync(cache.checkpointsDir)) {
      const dir = cache.dir(sha);
      if (!statSync(dir).isDirectory()) continue;
      for (const name of readdirSync(dir)) if (name.includes('.partial-')) consider(join(dir, name), name);
    }
  const { removed, freedBytes, keptBytes } = cache.evict(limitBytes, dryRun);
  return { leftovers, leftoverBytes, evicted: removed, evictedBytes: freedBytes, keptBytes };
}
