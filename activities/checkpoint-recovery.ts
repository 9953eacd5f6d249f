// Finding the newest checkpoint that is still good after a stored object failed to verify. The
// run manifest lists every object a run wrote with its sha256, and checkpoint keys are fixed by
// (stage, step), so the candidates are known without listing the bucket: each is re-read in full
// and hashed against the manifest before it is trusted again.
import type { ResumePoint, ResumePointInput } from '../contracts/activities';
import { CHECKPOINT_FILES } from '../engine/checkpoint';
import { type ArtifactStore } from '../storage/artifact-store';
import { StorageError } from '../storage/errors';
import { joinKey, runPrefix } from '../storage/keys';
import { owningRunOf, runKeys, stepLabel } from '../storage/layout';
import { readManifest, type CheckpointRef, type RunManifest } from '../storage/manifest';
import { RunStore } from '../storage/run-store';

/** Steps of a stage's checkpoints that the manifest lists as complete (manifest.json written last), newest first. */
export function listedCheckpointSteps(manifest: RunManifest, runId: string, stage: string): number[] {
  const prefix = `${joinKey(runPrefix(runId), stage, 'ckpt')}/`;
  const steps: number[] = [];
  for (const key of Object.keys(manifest.objects)) {
    if (!key.startsWith(prefix)) continue;
    const m = /^step-(\d+)\/manifest\.json$/.exec(key.slice(prefix.length));
    if (m && `${prefix}${stepLabel(Number(m[1]))}/${CHECKPOINT_FILES.manifest}` === key) steps.push(Number(m[1]));
  }
  return steps.sort((a, b) => b - a);
}

/**
 * Reads every file of a checkpoint folder, verified against the manifest of the run that owns
 * it, and returns the checkpoint's own sha256; undefined when any file is missing or differs.
 */
export async function verifiedCheckpointSha(
  store: ArtifactStore,
  prefix: string,
  manifest?: RunManifest,
): Promise<string | undefined> {
  const runId = owningRunOf(prefix);
  const owner = manifest?.runId === runId ? manifest : runId ? await readManifest(store, runId) : undefined;
  const expected = (key: string) => owner?.objects[key];
  try {
    const manifestKey = joinKey(prefix, CHECKPOINT_FILES.manifest);
    const entry = expected(manifestKey);
    if (runId && !entry) return undefined;
    const text = (await store.getBytes(manifestKey, entry)).toString('utf8');
    const own = JSON.parse(text) as { sha256?: unknown; files?: Record<string, unknown> };
    if (typeof own.sha256 !== 'string' || typeof own.files !== 'object' || own.files === null) return undefined;
    for (const file of Object.keys(own.files)) {
      const key = joinKey(prefix, file);
      if (runId && !expected(key)) return undefined;
      await store.getBytes(key, expected(key));
    }
    return own.sha256;
  } catch (err) {
    // a bad or missing object is what is being looked for; anything else (S3 down) is not
    if (err instanceof StorageError || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The step's metrics as the update stored them next to its checkpoint (empty for pretraining and SFT chunks). */
async function metricsOf(run: RunStore, manifest: RunManifest, stage: string, step: number) {
  const key = run.key(runKeys.stepMetrics(stage, step));
  const entry = manifest.objects[key];
  if (!entry) return {};
  try {
    return JSON.parse((await run.store.getBytes(key, entry)).toString('utf8')) as Record<string, number>;
  } catch (err) {
    if (err instanceof StorageError || err instanceof SyntaxError) return {};
    throw err;
  }
}

/** The newest checkpoint of `stage` at or below `atMostStep` that verifies, as a checkpoint reference. */
export async function newestGoodCheckpoint(
  store: ArtifactStore,
  runId: string,
  stage: string,
  atMostStep: number,
): Promise<CheckpointRef | undefined> {
  const run = new RunStore(store, runId);
  const manifest = await run.manifest();
  if (!manifest) return undefined;
  for (const step of listedCheckpointSteps(manifest, runId, stage)) {
    if (step > atMostStep) continue;
    const prefix = run.key(runKeys.checkpoint(stage, step));
    const sha256 = await verifiedCheckpointSha(store, prefix, manifest);
    if (sha256)
      return {
        uri: `${store.uri(prefix)}/`,
        key: prefix,
        sha256,
        step,
        metrics: await metricsOf(run, manifest, stage, step),
      };
  }
  return undefined;
}

/**
 * Where a GRPO loop goes on after a failed read: its newest good checkpoint, else its init at
 * step 0. With `withPrevious`, the newest whose predecessor (the init before step 1) verifies too.
 */
export async function findResumePoint(store: ArtifactStore, input: ResumePointInput): Promise<ResumePoint | undefined> {
  const init = input.init;
  const initIsGood = async () => init !== undefined && (await verifiedCheckpointSha(store, init.key)) === init.sha256;
  for (let atMost = input.atMostStep; ;) {
    const newest = await newestGoodCheckpoint(store, input.runId, input.stage, atMost);
    if (!newest || newest.step === 0) break;
    if (!input.withPrevious) return { iteration: newest.step, policy: newest };
    let previous: CheckpointRef | undefined;
    if (newest.step === 1) previous = (await initIsGood()) ? init : undefined;
    else {
      const before = await newestGoodCheckpoint(store, input.runId, input.stage, newest.step - 1);
      previous = before?.step === newest.step - 1 ? before : undefined;
    }
    if (previous) return { iteration: newest.step, policy: newest, previous };
    atMost = newest.step - 1;
  }
  if (init && (await initIsGood()))
    return { iteration: 0, policy: init, ...(input.withPrevious ? { previous: init } : {}) };
  return undefined;
}
