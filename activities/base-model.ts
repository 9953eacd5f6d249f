// The base model of a run that names one (config `model: {uri | name}`): resolved to local files
// (a named model is installed on demand; an s3:// source is downloaded), imported through the
// engine's Hugging Face / GGUF importer, checked against the run's config, and identified by the
// sha256 of its source files. Pretraining is skipped: this is the run's "pretrain" checkpoint.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHash } from '../engine/checkpoint';
import { loadLocalModel } from '../engine/hf';
import { ensureNamedModel, sha256OfFile } from '../infra/models';
import { ConfigError } from '../recipe/config/errors';
import type { BaseModelConfig, PipelineConfig } from '../recipe/config/schema';
import { parseS3Uri } from '../storage/keys';
import { downloadHfModel } from '../storage/model-download';
import { checkFits, policyOf, type DatasetPools, type Policy } from '../steps';
import { scratchDir } from './checkpoint-io';
import type { ActivityDeps } from './deps';
import { BadDataError } from './errors';

/** Where a base model came from, as the run manifest records it. */
export interface BaseModelRecord {
  /** the config's uri, or the named model */
  source: string;
  format: string;
  /** sha256 of the source: the file, or over a folder's files (name, tab, sha256 per line, sorted) */
  sha256: string;
  architecture: string;
  parameters: number;
}

const where = (model: BaseModelConfig) => (model.name !== undefined ? 'model.name' : 'model.uri');

async function sourceSha256(path: string): Promise<string> {
  if (statSync(path).isFile()) return sha256OfFile(path);
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const name of readdirSync(path).sort()) {
    const file = join(path, name);
    if (statSync(file).isFile()) files[name] = { sha256: await sha256OfFile(file), bytes: statSync(file).size };
  }
  return bundleHash(files);
}

/** Resolves the model to a local path, downloading into `scratch` when it is in S3. */
async function localPath(deps: ActivityDeps, model: BaseModelConfig, scratch: string): Promise<string> {
  if (model.name !== undefined) return ensureNamedModel(model.name, { log: (m) => deps.log.info(m) });
  const uri = model.uri!;
  if (!uri.startsWith('s3://')) return uri;
  const { bucket, key } = parseS3Uri(uri.replace(/\/+$/, ''));
  if (bucket !== deps.store.bucket)
    throw new BadDataError(`model.uri ${uri} is in bucket ${bucket}, but this worker uses bucket ${deps.store.bucket}`);
  const path = await downloadHfModel(deps.store, key, scratch);
  if (!path) throw new ConfigError([`model.uri: ${uri} is neither a .gguf object nor a prefix with config.json`]);
  return path;
}

/** Imports the run's base model as a policy at step 0, with the record of where it came from. */
export async function importBaseModel(
  deps: ActivityDeps,
  cfg: PipelineConfig,
  model: BaseModelConfig,
  pools: DatasetPools,
): Promise<{ policy: Policy; record: BaseModelRecord }> {
  const scratch = scratchDir(deps);
  try {
    const path = await localPath(deps, model, scratch);
    let loaded;
    try {
      loaded = await loadLocalModel(path, { contextLength: model.contextLength });
    } catch (error) {
      throw new ConfigError([`${where(model)}: ${(error as Error).message}`]);
    }
    const policy = policyOf(loaded.config, loaded.params, loaded.tokenizerFiles, model.name ?? model.uri!);
    checkFits(cfg, model, policy, pools);
    const parameters = Object.values(loaded.params).reduce((n, p) => n + p.length, 0);
    const architecture = 'architecture' in loaded.config ? loaded.config.architecture : 'GPT';
    return {
      policy,
      record: {
        source: model.name ?? model.uri!,
        format: loaded.format,
        sha256: await sourceSha256(path),
        architecture,
        parameters,
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
