// The datasets a run names (data.reasoning, data.general: JSONL files, local or s3://), loaded,
// parsed and split once per worker; which of their problems a stage uses is steps/problems'.
import { readFileSync } from 'node:fs';
import { parseJsonlProblems, type JsonlDatasetOptions } from '../recipe/datasets/jsonl';
import { splitOfKey } from '../recipe/task/split';
import type { Problem } from '../recipe/task/types';
import type { ChatSourceConfig, JsonlSourceConfig, PipelineConfig } from '../recipe/config/schema';
import { parseS3Uri } from '../storage/keys';
import type { DatasetPools, DatasetSplit } from '../steps';
import type { ActivityDeps } from './deps';
import { BadDataError } from './errors';

async function readSource(deps: ActivityDeps, uri: string): Promise<string> {
  if (uri.startsWith('s3://')) {
    const { bucket, key } = parseS3Uri(uri);
    if (bucket !== deps.store.bucket)
      throw new BadDataError(
        `dataset ${uri} is in bucket ${bucket}, but this worker reads bucket ${deps.store.bucket}`,
      );
    return (await deps.store.getBytes(key)).toString('utf8');
  }
  try {
    return readFileSync(uri, 'utf8');
  } catch (err) {
    throw new BadDataError(`dataset ${uri} cannot be read: ${(err as Error).message}`);
  }
}

/** One JSONL file's problems (a bad line is a BadDataError naming the file and line). */
async function loadFile(deps: ActivityDeps, uri: string, options: Partial<JsonlDatasetOptions>): Promise<Problem[]> {
  const cacheKey = JSON.stringify([uri, options]);
  const cached = deps.caches.datasets.get(cacheKey);
  if (cached) return cached;
  const text = await readSource(deps, uri);
  let problems: Problem[];
  try {
    ({ problems } = parseJsonlProblems(text, { ...options, source: uri }));
  } catch (err) {
    throw new BadDataError((err as Error).message);
  }
  if (problems.length === 0) throw new BadDataError(`dataset ${uri} has no usable problems`);
  deps.caches.datasets.set(cacheKey, problems);
  return problems;
}

/** Held out by a hash of each problem's key, so the split never changes with the file's order. */
function splitByHash(problems: Problem[], share: number, uri: string): DatasetSplit {
  const split: DatasetSplit = {
    train: problems.filter((p) => splitOfKey(p.key, share) === 'train'),
    eval: problems.filter((p) => splitOfKey(p.key, share) === 'eval'),
  };
  if (split.train.length === 0)
    throw new BadDataError(`dataset ${uri}: no problem is left for training after holding out evalShare ${share}`);
  if (split.eval.length === 0)
    throw new BadDataError(
      `dataset ${uri}: evalShare ${share} holds out none of its ${problems.length} problems for evaluation; add problems, raise evalShare or give an evalUri`,
    );
  return split;
}

async function reasoningSplit(deps: ActivityDeps, source: JsonlSourceConfig): Promise<DatasetSplit> {
  const options: Partial<JsonlDatasetOptions> = {
    // only the fields the config names: the parser's defaults try several names each
    fields: Object.fromEntries(Object.entries(source.fields).filter(([, name]) => name !== undefined)),
    answerFormat: source.format,
    onBadLine: source.onBadLine,
  };
  const problems = await loadFile(deps, source.uri, options);
  if (source.evalUri) return { train: problems, eval: await loadFile(deps, source.evalUri, options) };
  return splitByHash(problems, source.evalShare, source.uri);
}

async function generalSplit(deps: ActivityDeps, source: ChatSourceConfig): Promise<DatasetSplit> {
  const problems = await loadFile(deps, source.uri, { rows: 'chat', onBadLine: source.onBadLine });
  return splitByHash(problems, source.evalShare, source.uri);
}

/** The run's datasets; a kind the config leaves out is absent (the built-in task supplies it). */
export async function datasetPools(deps: ActivityDeps, cfg: PipelineConfig): Promise<DatasetPools> {
  const pools: DatasetPools = {};
  if (cfg.data.reasoning) pools.reasoning = await reasoningSplit(deps, cfg.data.reasoning);
  if (cfg.data.general) pools.general = await generalSplit(deps, cfg.data.general);
  return pools;
}
