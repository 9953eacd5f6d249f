// Checkpoints between S3 and the engine. Uploads go to deterministic keys
// (runs/<run>/<stage>/ckpt/step-000123/…), so a retried activity overwrites instead of
// duplicating. Downloads are verified twice: each object against the owning run's manifest, and
// the folder against the checkpoint's own manifest.json. A worker keeps recent policies in memory
// by sha256, so consecutive activities on the same checkpoint do not reload it, and recent
// checkpoint folders on disk under a size cap (activities/checkpoint-cache): a folder is pinned
// while it is read, and the least recently used unpinned ones are evicted after each addition.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import type { CheckpointDiskCache } from './checkpoint-cache';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CHECKPOINT_FILES, readCheckpointManifest } from '../engine/checkpoint';
import { ManifestError, readManifest, type CheckpointRef } from '../storage/manifest';
import { joinKey } from '../storage/keys';
import { owningRunOf, runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import { clonePolicy, loadPolicy, savePolicy, type Policy } from '../steps';
import type { ActivityDeps } from './deps';

/** Saves a policy locally, uploads every file and returns the reference a workflow carries. */
export async function uploadPolicy(
  deps: ActivityDeps,
  runId: string,
  stage: string,
  policy: Policy,
  metrics: Record<string, number>,
): Promise<CheckpointRef> {
  const scratch = scratchDir(deps);
  try {
    // no run id in the metadata: the same training in another run must give the same hash
    const sha256 = savePolicy(scratch, policy, { stage });
    const run = new RunStore(deps.store, runId);
    const prefix = run.key(runKeys.checkpoint(stage, policy.step));
    const records = [];
    // manifest.json last: a checkpoint prefix with a manifest is complete
    const files = readdirSync(scratch)
      .filter((f) => f !== CHECKPOINT_FILES.manifest)
      .sort();
    for (const file of [...files, CHECKPOINT_FILES.manifest]) {
      records.push(await deps.store.putFile(joinKey(prefix, file), join(scratch, file)));
    }
    await run.record(records);
    keepInLocalCache(deps, sha256, scratch);
    deps.caches.policies.put(sha256, policy);
    return { uri: `${deps.store.uri(prefix)}/`, key: prefix, sha256, step: policy.step, metrics };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function diskCache(deps: ActivityDeps): CheckpointDiskCache {
  return deps.caches.checkpointCache(deps.cacheDir, deps.cacheMaxBytes);
}

/** A scratch folder named after this process, so `r1flow gc` can tell a dead process's leftovers. */
export function scratchDir(deps: Pick<ActivityDeps, 'cacheDir'>): string {
  const dir = join(deps.cacheDir, 'scratch', `${process.pid}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function keepInLocalCache(deps: ActivityDeps, sha256: string, dir: string): void {
  const cache = diskCache(deps);
  const target = cache.dir(sha256);
  if (existsSync(target)) return cache.touch(sha256);
  mkdirSync(cache.checkpointsDir, { recursive: true });
  try {
    renameSync(dir, target);
  } catch {
    // another activity cached the same checkpoint first: theirs is identical
  }
  cache.evict();
}

async function downloadCheckpoint(deps: ActivityDeps, ref: CheckpointRef): Promise<string> {
  const cache = diskCache(deps);
  const target = cache.dir(ref.sha256);
  if (existsSync(join(target, CHECKPOINT_FILES.manifest))) {
    cache.touch(ref.sha256);
    return target;
  }
  const tmp = scratchDir(deps);
  try {
    const runId = owningRunOf(ref.key);
    const runManifest = runId ? await readManifest(deps.store, runId) : undefined;
    const expect = (key: string) => {
      if (!runId) return undefined;
      const entry = runManifest?.objects[key];
      if (!entry)
        throw new ManifestError(`checkpoint object ${key} is not listed in the manifest of run ${runId}`, key);
      return entry;
    };
    const manifestKey = joinKey(ref.key, CHECKPOINT_FILES.manifest);
    await deps.store.getToFile(manifestKey, join(tmp, CHECKPOINT_FILES.manifest), expect(manifestKey));
    const manifest = readCheckpointManifest(tmp);
    if (manifest.sha256 !== ref.sha256) {
      throw new ManifestError(
        `checkpoint ${ref.uri} has sha256 ${manifest.sha256}, but the run recorded ${ref.sha256}`,
        manifestKey,
      );
    }
    for (const file of Object.keys(manifest.files)) {
      const key = joinKey(ref.key, file);
      await deps.store.getToFile(key, join(tmp, file), expect(key));
    }
    mkdirSync(cache.checkpointsDir, { recursive: true });
    if (!existsSync(target)) renameSync(tmp, target);
    return target;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The policy of a checkpoint, read-only: callers that train must `clonePolicy` it first, so the
 * cached copy stays equal to the checkpoint (a retried activity needs it unchanged).
 */
export async function loadPolicyRef(deps: ActivityDeps, ref: CheckpointRef): Promise<Policy> {
  const cached = deps.caches.policies.get(ref.sha256);
  if (cached) return cached;
  const cache = diskCache(deps);
  // pinned from download to load: an eviction for another activity never removes it half-read
  const policy = await cache.pinned(ref.sha256, async () => loadPolicy(await downloadCheckpoint(deps, ref)));
  cache.evict();
  if (policy.sha256 !== ref.sha256)
    throw new ManifestError(
      `checkpoint ${ref.uri} loads with sha256 ${policy.sha256}, expected ${ref.sha256}`,
      ref.key,
    );
  deps.caches.policies.put(ref.sha256, policy);
  return policy;
}

export async function loadPolicyForTraining(deps: ActivityDeps, ref: CheckpointRef): Promise<Policy> {
  return clonePolicy(await loadPolicyRef(deps, ref));
}
