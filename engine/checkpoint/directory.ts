import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  CHECKPOINT_FILES,
  bundleHash,
  encodeCheckpoint,
  fromSafetensors,
  sha256Hex,
  type CheckpointBundle,
  type CheckpointManifest,
} from './bundle';
import { canonicalJson } from './canonical-json';

const manifestSchema = z.object({
  format: z.literal('r1flow-checkpoint'),
  version: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  paramsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.record(
    z.string(),
    z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }),
  ),
  metadata: z.record(z.string(), z.string()),
});

function writeAtomically(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.partial-${process.pid}`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, file);
}

/**
 * Writes a checkpoint into `dir` (created if needed): data files first, manifest.json last.
 * Files from an older checkpoint in the same folder that this one lacks (e.g. an optimizer
 * state) are removed, so the folder always matches its manifest.
 */
export function saveCheckpoint(dir: string, bundle: CheckpointBundle): CheckpointManifest {
  const { files, manifest } = encodeCheckpoint(bundle);
  fs.mkdirSync(dir, { recursive: true });
  const previous = fs.existsSync(path.join(dir, CHECKPOINT_FILES.manifest))
    ? Object.keys(readCheckpointManifest(dir).files)
    : [];
  fs.rmSync(path.join(dir, CHECKPOINT_FILES.manifest), { force: true });
  for (const name of new Set([...Object.values(CHECKPOINT_FILES), ...previous])) {
    if (name !== CHECKPOINT_FILES.manifest && !files.has(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
  for (const [name, bytes] of files) writeAtomically(path.join(dir, name), bytes);
  writeAtomically(
    path.join(dir, CHECKPOINT_FILES.manifest),
    Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'),
  );
  return manifest;
}

export function readCheckpointManifest(dir: string): CheckpointManifest {
  const file = path.join(dir, CHECKPOINT_FILES.manifest);
  if (!fs.existsSync(file))
    throw new Error(
      `Checkpoint ${dir} has no ${CHECKPOINT_FILES.manifest}; it is missing or was not completely written.`,
    );
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Checkpoint manifest ${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Checkpoint manifest ${file} is invalid at "${issue.path.join('.') || '(root)'}": ${issue.message}.`,
    );
  }
  return parsed.data as CheckpointManifest;
}

/**
 * Loads a checkpoint and verifies every file against the manifest's sha256 and size, so a
 * corrupted or half-copied checkpoint is refused naming the bad file.
 */
export function loadCheckpoint(dir: string): { bundle: CheckpointBundle; manifest: CheckpointManifest } {
  const manifest = readCheckpointManifest(dir);
  const read = (name: string): Buffer => {
    const entry = manifest.files[name];
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`Checkpoint file ${file} is listed in the manifest but missing.`);
    const bytes = fs.readFileSync(file);
    if (bytes.byteLength !== entry.bytes)
      throw new Error(`Checkpoint file ${file} has ${bytes.byteLength} bytes; the manifest says ${entry.bytes}.`);
    const digest = sha256Hex(bytes);
    if (digest !== entry.sha256)
      throw new Error(`Checkpoint file ${file} has sha256 ${digest}; the manifest says ${entry.sha256}.`);
    return bytes;
  };
  for (const required of [CHECKPOINT_FILES.params, CHECKPOINT_FILES.config, CHECKPOINT_FILES.tokenizer]) {
    if (!manifest.files[required]) throw new Error(`Checkpoint manifest in ${dir} does not list ${required}.`);
  }
  if (bundleHash(manifest.files) !== manifest.sha256)
    throw new Error(`Checkpoint manifest in ${dir} has a bundle sha256 that does not match its file list.`);

  const params = fromSafetensors('params', read(CHECKPOINT_FILES.params));
  const optimizer = manifest.files[CHECKPOINT_FILES.optimizer]
    ? fromSafetensors('optimizer', read(CHECKPOINT_FILES.optimizer)).tensors
    : undefined;
  const parseJson = (name: string): unknown => {
    try {
      return JSON.parse(read(name).toString('utf8'));
    } catch (error) {
      if ((error as Error).message.startsWith('Checkpoint file')) throw error;
      throw new Error(`Checkpoint file ${path.join(dir, name)} is not valid JSON (${(error as Error).message}).`, {
        cause: error,
      });
    }
  };
  const { format: _format, ...metadata } = params.metadata;
  const known = new Set<string>(Object.values(CHECKPOINT_FILES));
  const extraNames = Object.keys(manifest.files)
    .filter((name) => !known.has(name))
    .sort();
  const bundle: CheckpointBundle = {
    params: params.tensors,
    ...(optimizer ? { optimizer } : {}),
    config: parseJson(CHECKPOINT_FILES.config),
    tokenizer: parseJson(CHECKPOINT_FILES.tokenizer),
    ...(extraNames.length ? { extraJson: Object.fromEntries(extraNames.map((name) => [name, parseJson(name)])) } : {}),
    metadata,
  };
  return { bundle, manifest };
}

export { canonicalJson };
