// SOURCE, as `r1flow export|generate|inspect` take it: a named model the project installs
// (smollm2-135m-instruct), a local r1flow checkpoint, Hugging Face
// folder or GGUF file; an s3:// checkpoint, HF prefix or GGUF object; a run id (its final
// checkpoint) or RUN/STAGE (that stage's checkpoint), both found through the run manifest in S3.
// Remote sources are downloaded into a scratch folder (files on disk, not in memory) and read
// from there; the checkpoint's own manifest and, under runs/<run>/, the run manifest verify them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_FILES, readCheckpointManifest } from '../engine/checkpoint';
import { detectLocalModel, HF_FILES, loadLocalModel, type LoadedModel } from '../engine/hf';
import { loadConnection } from '../infra/connection';
import { NAMED_MODELS, type NamedModel } from '../recipe/config/schema';
import { STAGE_NAMES } from '../recipe/config/stage-names';
import { ensureNamedModel } from '../infra/models';
import { ArtifactStore } from '../storage/artifact-store';
import { joinKey } from '../storage/keys';
import { owningRunOf } from '../storage/layout';
import { readManifest, type RunManifest } from '../storage/manifest';
import { downloadHfModel, namesUnder } from '../storage/model-download';
import { createS3Client } from '../storage/s3-client';

export interface SourceOptions {
  /** Load at most this context (e.g. a Mistral whose sliding window is shorter than its table). */
  contextLength?: number;
}

/**
 * `--context-length N`, as the model commands take it: load a Hugging Face model or GGUF file
 * with a shorter context than its position table (e.g. a Mistral whose sliding window is shorter).
 */
export const CONTEXT_LENGTH_OPTION = { 'context-length': { type: 'string' } } as const;

export function sourceOptions(values: { 'context-length'?: string }): SourceOptions {
  const raw = values['context-length'];
  if (raw === undefined) return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new SourceError(`--context-length must be a positive integer, got ${JSON.stringify(raw)}.`);
  return { contextLength: n };
}

export class SourceError extends Error {}

/** A SOURCE the CLI cannot use: one sentence that names it. */
function sourceError(source: string, why: string): never {
  throw new SourceError(`SOURCE ${source}: ${why}`);
}

function parseS3(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) sourceError(uri, 'an s3:// source must look like s3://BUCKET/PREFIX.');
  return { bucket: m[1], key: m[2].replace(/\/+$/, '') };
}

/** Resolves SOURCE, loads the model, and removes whatever was downloaded. */
export async function loadSource(source: string, options: SourceOptions = {}): Promise<LoadedModel> {
  if ((NAMED_MODELS as readonly string[]).includes(source)) {
    // a model the project installs itself (once, into the tools folder, sha256 checked)
    const file = await ensureNamedModel(source as NamedModel, { log: (m) => process.stderr.write(`${m}\n`) });
    const model = await wrap(source, () => loadLocalModel(file, options));
    return { ...model, source };
  }
  if (detectLocalModel(source) || existsSync(source)) return wrap(source, () => loadLocalModel(source, options));
  const scratch = mkdtempSync(join(tmpdir(), 'r1flow-source-'));
  try {
    const dir = await download(source, scratch);
    const model = await wrap(source, () => loadLocalModel(dir, options));
    return { ...model, source };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function wrap(source: string, load: () => Promise<LoadedModel>): Promise<LoadedModel> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`SOURCE ${source}: ${(error as Error).message}`, { cause: error });
  }
}

/** Downloads a remote SOURCE into `scratch`; returns the local path to load. */
async function download(source: string, scratch: string): Promise<string> {
  const looksLikeRun = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9]+)?$/.test(source);
  if (!source.startsWith('s3://') && !looksLikeRun)
    sourceError(source, 'no such file or folder, and not an s3:// URI, a run id or RUN/STAGE.');
  const connection = loadConnection();
  const bucket = source.startsWith('s3://') ? parseS3(source).bucket : connection.s3.bucket;
  const client = createS3Client(connection.s3);
  try {
    const store = new ArtifactStore(client, bucket);
    if (source.startsWith('s3://')) return await downloadS3(store, source, parseS3(source).key, scratch);
    const [runId, stage] = source.split('/');
    const key = await runCheckpointKey(store, source, runId, stage);
    return await downloadCheckpoint(store, source, key, scratch, await readManifest(store, runId));
  } finally {
    client.destroy();
  }
}

/** The checkpoint of RUN/STAGE, or of the run's last finished stage. */
async function runCheckpointKey(store: ArtifactStore, source: string, runId: string, stage?: string): Promise<string> {
  let manifest: RunManifest | undefined;
  try {
    manifest = await readManifest(store, runId);
  } catch (error) {
    sourceError(source, `the run manifest of ${runId} cannot be read (${(error as Error).message}).`);
  }
  if (!manifest)
    sourceError(source, `no such file or folder, and no run ${runId} in s3://${store.bucket} (it has no manifest).`);
  if (stage !== undefined) {
    if (!(STAGE_NAMES as readonly string[]).includes(stage))
      sourceError(source, `${stage} is not a stage; the stages are ${STAGE_NAMES.join(', ')}.`);
    const entry = manifest.stages[stage];
    if (entry?.status !== 'done' || !entry.checkpoint)
      sourceError(
        source,
        `stage ${stage} of run ${runId} has no finished checkpoint (${entry?.status ?? 'not started'}).`,
      );
    return entry.checkpoint.key;
  }
  for (const name of [...STAGE_NAMES].reverse()) {
    const entry = manifest.stages[name];
    if (entry?.status === 'done' && entry.checkpoint) return entry.checkpoint.key;
  }
  sourceError(source, `run ${runId} has no finished stage yet, so it has no final checkpoint.`);
}

async function downloadS3(store: ArtifactStore, source: string, key: string, scratch: string): Promise<string> {
  const names = key.toLowerCase().endsWith('.gguf') ? new Set<string>() : await namesUnder(store, key);
  const runId = owningRunOf(key);
  if (names.has(CHECKPOINT_FILES.manifest))
    return downloadCheckpoint(store, source, key, scratch, runId ? await readManifest(store, runId) : undefined);
  const hf = await downloadHfModel(store, key, scratch, names);
  if (hf) return hf;
  sourceError(
    source,
    `the prefix holds neither ${CHECKPOINT_FILES.manifest} (an r1flow checkpoint) nor ${HF_FILES.config} (a Hugging Face model).`,
  );
}

/** A checkpoint prefix: its manifest first, then every file it lists (verified against the run's manifest). */
async function downloadCheckpoint(
  store: ArtifactStore,
  source: string,
  key: string,
  scratch: string,
  run: RunManifest | undefined,
): Promise<string> {
  const expected = (objectKey: string) => {
    if (!run) return undefined;
    const entry = run.objects[objectKey];
    if (!entry) sourceError(source, `${objectKey} is not listed in the manifest of run ${run.runId}.`);
    return entry;
  };
  const manifestKey = joinKey(key, CHECKPOINT_FILES.manifest);
  await store.getToFile(manifestKey, join(scratch, CHECKPOINT_FILES.manifest), expected(manifestKey));
  for (const file of Object.keys(readCheckpointManifest(scratch).files).sort()) {
    const objectKey = joinKey(key, file);
    await store.getToFile(objectKey, join(scratch, file), expected(objectKey));
  }
  return scratch;
}
