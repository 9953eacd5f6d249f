// The run manifest: the source of truth for what a run has written (every object with its
// sha256 and size) and which stages are done (their checkpoint references). Temporal resets clear
// heartbeat details, so resume decisions are made from this file, never from workflow memory.
import { z } from 'zod';
import type { ArtifactStore, ObjectRecord } from './artifact-store';
import { ObjectNotFoundError, StorageError } from './errors';
import { joinKey, runPrefix } from './keys';

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

export function manifestKey(runId: string): string {
  return joinKey(runPrefix(runId), 'manifest.json');
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

export async function writeManifest(store: ArtifactStore, manifest: RunManifest): Promise<ObjectRecord> {
  manifest.updatedAt = new Date().toISOString();
  return store.putBytes(manifestKey(manifest.runId), JSON.stringify(manifest, null, 2), 'application/json');
}

/**
 * Reads, changes and writes back a run's manifest. Callers serialise updates per run (the
 * pipeline workflow runs one manifest-writing activity at a time).
 */
export async function updateManifest(store: ArtifactStore, runId: string, change: (m: RunManifest) => void): Promise<RunManifest> {
  const manifest = (await readManifest(store, runId)) ?? emptyManifest(runId);
  change(manifest);
  await writeManifest(store, manifest);
  return manifest;
}

export function recordObjects(manifest: RunManifest, records: ObjectRecord[], now = new Date()): void {
  for (const r of records) manifest.objects[r.key] = { sha256: r.sha256, size: r.size, writtenAt: now.toISOString() };
}
