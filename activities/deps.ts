// What every activity needs, built once per worker process.
import { join } from 'node:path';
import type { Logger } from '../infra/logger';
import { stateDir } from '../infra/paths';
import type { ArtifactStore } from '../storage/artifact-store';
import type { WorkerCaches } from './worker-caches';

export interface ActivityDeps {
  store: ArtifactStore;
  log: Logger;
  /** local folder for downloaded checkpoints and scratch files */
  cacheDir: string;
  /** cap of the checkpoint cache in cacheDir (default activities/checkpoint-cache DEFAULT_CACHE_MAX_BYTES) */
  cacheMaxBytes?: number;
  /** engine runtimes, policies and data kept in memory between activities */
  caches: WorkerCaches;
  /** the Temporal UI base URL, for links in reports */
  uiUrl?: string;
  namespace?: string;
}

export function defaultCacheDir(): string {
  return join(stateDir(), 'cache');
}
