// The run manifest: the source of truth for what a run has written (every object with its
// sha256 and size) and which stages are done (their checkpoint references). Temporal resets clear
// heartbeat details, so resume decisions are made from this file, never from workflow memory.
import { z } from 'zod';
import type { ArtifactStore, ObjectRecord } from './artifact-store';
import { ObjectNotFoundError, StorageError } from './errors';
import { joinKey, runPrefix } from './keys';
import { runKeys } from './layout';

export const ObjectEntrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  writtenAt: z.string(),
});

/** What a finished stage leaves behind: a checkpoint reference small enough for a workflow. */
export const CheckpointRefSchema = z.object({
  uri: z.string(),
  key: z.string(),
  sha256: z.string(),
  step: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.number()),
});
export type CheckpointRef = z.infer<typeof CheckpointRefSchema>;

export const StageEntrySchema = z.object({
  status: z.enum(['running', 'done', 'failed']),
  checkpoint: CheckpointRefSchema.optional(),
  /** the stage's held-out evaluation and, for SFT stages, its data report (contracts' StageResult) */
  eval: z.record(z.string(), z.unknown()).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  configHash: z.string().optional(),
  updatedAt: z.string(),
  error: z.string().optional(),
});
export type StageEntry = z.infer<typeof StageEntrySchema>;

export const RunManifestSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  objects: z.record(z.string(), ObjectEntrySchema),
  stages: z.record(z.string(), StageEntrySchema),
  /** free-form facts about the run (preset, lineage, config hash) */
  info: z.record(z.string(), z.unknown()).default({}),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

/**
 * The manifest's slot for the run's exported model: `info.exportedModel`, an `s3://` URI (or an
 * object with a `uri`) that the export step writes once the final policy has been exported. The
 * UI details and the report show it when it is there.
 */
export const EXPORTED_MODEL_INFO = 'exportedModel';

export function exportedModelOf(manifest: RunManifest): string | undefined {
  const value = manifest.info[EXPORTED_MODEL_INFO];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { uri?: unknown }).uri === 'string')
    return (value as { uri: string }).uri;
  return undefined;
}

export function manifestKey(runId: string): string {
  return joinKey(runPrefix(runId), runKeys.manifest());
}

export function emptyManifest(runId: string, now = new Date()): RunManifest {
  const at = now.toISOString();
  return { version: 1, runId, createdAt: at, updatedAt: at, objects: {}, stages: {}, info: {} };
}

export class ManifestError extends StorageError {}

export async function readManifest(store: ArtifactStore, runId: string): Promise<RunManifest | undefined> {
  const key = manifestKey(runId);
  let text: string;
  try {
    text = (await store.getBytes(key)).toString('utf8');
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
  return parseManifest(text, key);
}

/** Parses a manifest's text; anything but a valid manifest is a ManifestError naming the key and the field. */
export function parseManifest(text: string, key: string): RunManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`manifest ${key} is not valid JSON: ${(err as Error).message}`, key);
  }
  const parsed = RunManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ManifestError(`manifest ${key} is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`, key);
  }
  return parsed.data;
}

/** Attempts of one manifest update before it gives up; each conflict means another writer won. */
const MANIFEST_UPDATE_ATTEMPTS = 50;

/**
 * Reads, changes and writes back a run's manifest as a compare-and-swap: the write succeeds only
 * if nobody wrote the manifest since it was read, otherwise the change is applied again to the
 * newer version. So two writers at once (an attempt orphaned by a reset or a heartbeat timeout
 * still finishing beside its replacement) can never drop each other's entries. `change` must be
 * safe to apply more than once.
 */
export async function updateManifest(
  store: ArtifactStore,
  runId: string,
  change: (m: RunManifest) => void,
): Promise<RunManifest> {
  const key = manifestKey(runId);
  for (let attempt = 1; ; attempt++) {
    const current = await store.getVersioned(key);
    const manifest = current ? parseManifest(current.bytes.toString('utf8'), key) : emptyManifest(runId);
    change(manifest);
    manifest.updatedAt = new Date().toISOString();
    const text = JSON.stringify(manifest, null, 2);
    // a store that reports no ETag cannot compare versions: it gets a plain write
    const written =
      current && !current.etag
        ? await store.putBytes(key, text, 'application/json')
        : await store.putBytesIf(
            key,
            text,
            current ? { ifMatch: current.etag! } : { ifAbsent: true },
            'application/json',
          );
    if (written) return manifest;
    if (attempt >= MANIFEST_UPDATE_ATTEMPTS) {
      throw new ManifestError(
        `manifest ${key} changed under ${attempt} attempts in a row to update it; too many writers at once`,
        key,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * attempt)));
  }
}

export function recordObjects(manifest: RunManifest, records: ObjectRecord[], now = new Date()): void {
  for (const r of records) manifest.objects[r.key] = { sha256: r.sha256, size: r.size, writtenAt: now.toISOString() };
}
