import { createHash } from 'node:crypto';
import {
  encodeSafetensors,
  tensorFromArray,
  toTypedArray,
  decodeSafetensors,
  type NumericArray,
  type SafetensorsTensor,
} from '../safetensors';
import { canonicalJson } from './canonical-json';

/** A host-side tensor: values in row-major order plus shape. */
export interface HostTensor {
  data: NumericArray;
  shape: readonly number[];
}

/** Named tensors (parameters, optimizer moments, step counters…). */
export type TensorMap = Map<string, HostTensor>;

/** Everything a checkpoint holds. Config and tokenizer are any JSON values (their owners validate them). */
export interface CheckpointBundle {
  params: TensorMap;
  optimizer?: TensorMap;
  config: unknown;
  tokenizer: unknown;
  /**
   * Further JSON files by name (a Hugging Face tokenizer's tokenizer_config.json, a model's
   * generation_config.json…), written beside tokenizer.json. Absent for the GPT's checkpoints.
   */
  extraJson?: Record<string, unknown>;
  /** Small string facts (stage, step, run id…), stored in the params file's `__metadata__`. */
  metadata?: Record<string, string>;
}

export const CHECKPOINT_FILES = {
  params: 'params.safetensors',
  optimizer: 'optimizer.safetensors',
  config: 'config.json',
  tokenizer: 'tokenizer.json',
  manifest: 'manifest.json',
} as const;

export interface CheckpointFileEntry {
  sha256: string;
  bytes: number;
}

/** manifest.json: written last, so a directory with a manifest is a complete checkpoint. */
export interface CheckpointManifest {
  format: 'r1flow-checkpoint';
  version: 1;
  /** Hash of the whole bundle (every file below); equal contents ⇒ equal hash. */
  sha256: string;
  /** Hash of params.safetensors alone: identifies the policy weights (e.g. as a cache key). */
  paramsSha256: string;
  files: Record<string, CheckpointFileEntry>;
  metadata: Record<string, string>;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toSafetensors(kind: string, tensors: TensorMap): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const [name, tensor] of tensors) out.set(name, tensorFromArray(`${kind}.${name}`, tensor.data, tensor.shape));
  return out;
}

export function fromSafetensors(
  kind: string,
  bytes: Uint8Array,
): { tensors: TensorMap; metadata: Record<string, string> } {
  const contents = decodeSafetensors(bytes, {}, `${kind} file`);
  const tensors: TensorMap = new Map();
  for (const [name, tensor] of contents.tensors)
    tensors.set(name, { data: toTypedArray(name, tensor), shape: tensor.shape });
  return { tensors, metadata: contents.metadata };
}

/** Bundle hash: sha256 over "name<TAB>sha256<LF>" lines of every file, sorted by name. */
export function bundleHash(files: Record<string, CheckpointFileEntry>): string {
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${name}\t${files[name].sha256}\n`)
    .join('');
  return sha256Hex(lines);
}

/**
 * Serialises a bundle into its files (name → bytes) plus the manifest. Deterministic: tensors
 * are written in name order and JSON with sorted keys, so the same contents give the same bytes.
 * Storage code can upload these bytes directly without touching the local disk.
 */
export function encodeCheckpoint(bundle: CheckpointBundle): {
  files: Map<string, Uint8Array>;
  manifest: CheckpointManifest;
} {
  const metadata = { format: 'r1flow', ...(bundle.metadata ?? {}) };
  const files = new Map<string, Uint8Array>();
  files.set(CHECKPOINT_FILES.params, encodeSafetensors(toSafetensors('params', bundle.params), metadata));
  if (bundle.optimizer) {
    files.set(
      CHECKPOINT_FILES.optimizer,
      encodeSafetensors(toSafetensors('optimizer', bundle.optimizer), { format: 'r1flow' }),
    );
  }
  files.set(CHECKPOINT_FILES.config, Buffer.from(canonicalJson(bundle.config, 'config') + '\n', 'utf8'));
  files.set(CHECKPOINT_FILES.tokenizer, Buffer.from(canonicalJson(bundle.tokenizer, 'tokenizer') + '\n', 'utf8'));
  for (const [name, json] of Object.entries(bundle.extraJson ?? {})) {
    if (files.has(name) || name === CHECKPOINT_FILES.manifest || !/^[\w.-]+\.json$/.test(name))
      throw new Error(`Checkpoint extra file name ${JSON.stringify(name)} must be a new plain *.json file name.`);
    files.set(name, Buffer.from(canonicalJson(json, name) + '\n', 'utf8'));
  }
  const entries: Record<string, CheckpointFileEntry> = {};
  for (const [name, bytes] of files) entries[name] = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  const manifest: CheckpointManifest = {
    format: 'r1flow-checkpoint',
    version: 1,
    sha256: bundleHash(entries),
    paramsSha256: entries[CHECKPOINT_FILES.params].sha256,
    files: entries,
    metadata,
  };
  return { files, manifest };
}

/** The bundle hash without writing anything. */
export function checkpointHash(bundle: CheckpointBundle): string {
  return encodeCheckpoint(bundle).manifest.sha256;
}
