// r1flow gc [--dry-run] [--all-cache] [--cache-dir DIR]: frees what no run needs. Locally: the
// scratch folders and partial downloads of processes that are gone, and cached checkpoints above
// the cap (all unpinned ones with --all-cache); a running worker's pinned checkpoints stay. In
// S3: each finished run's objects that its `retention` config lets go (nothing by default;
// checkpoints that finished a stage never).
import { parseArgs } from 'node:util';
import { cacheMaxBytesFromEnv, CheckpointDiskCache, cleanCacheFolder } from '../activities/checkpoint-cache';
import { defaultCacheDir } from '../activities/deps';
import { loadConnection } from '../infra/connection';
import { formatBytes } from '../infra/disk-usage';
import { ArtifactStore } from '../storage/artifact-store';
import { readManifest } from '../storage/manifest';
import { applyRetention, retentionPlan } from '../storage/retention';
import { createS3Client } from '../storage/s3-client';
import { fail } from './output';

/** Run ids that have a manifest in the bucket. */
async function runIdsOf(store: ArtifactStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const o of store.list('runs/')) {
    const m = /^runs\/([^/]+)\/manifest\.json$/.exec(o.key);
    if (m) ids.push(m[1]!);
  }
  return ids;
}

export async function gcCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'all-cache': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) fail('usage: r1flow gc [--dry-run] [--all-cache] [--cache-dir DIR]');
  const dryRun = values['dry-run']!;
  const verb = dryRun ? 'would free' : 'freed';

  const cache = new CheckpointDiskCache(values['cache-dir'] ?? defaultCacheDir(), cacheMaxBytesFromEnv());
  const local = cleanCacheFolder(cache, values['all-cache'] ? 0 : cache.maxBytes, dryRun);
  console.log(
    `Local cache ${cache.root}: ${verb} ${formatBytes(local.leftoverBytes)} of leftovers (${local.leftovers.length}) ` +
      `and ${formatBytes(local.evictedBytes)} of cached checkpoints (${local.evicted.length}); ${formatBytes(local.keptBytes)} kept.`,
  );

  const connection = loadConnection();
  const store = new ArtifactStore(createS3Client(connection.s3), connection.s3.bucket);
  try {
    let objects = 0;
    let bytes = 0;
    for (const runId of await runIdsOf(store)) {
      const manifest = await readManifest(store, runId).catch((err: Error) => {
        console.log(`  ${runId}: skipped, ${err.message}`);
        return undefined;
      });
      if (!manifest) continue;
      const plan = retentionPlan(manifest);
      if (plan.keys.length === 0) continue;
      if (!dryRun) await applyRetention(store, plan);
      console.log(`  ${runId}: ${verb} ${plan.keys.length} objects, ${formatBytes(plan.bytes)}`);
      objects += plan.keys.length;
      bytes += plan.bytes;
    }
    console.log(
      `S3 bucket ${connection.s3.bucket}: ${verb} ${objects} objects, ${formatBytes(bytes)}, as the runs' retention settings allow.`,
    );
  } catch (err) {
    console.log(`S3 bucket ${connection.s3.bucket}: not reached (${(err as Error).message}); nothing deleted there.`);
    return 1;
  } finally {
    store.client.destroy();
  }
  return 0;
}
