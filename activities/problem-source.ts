// The reasoning dataset a run names in `data.reasoning` (a JSONL file, local or s3://), loaded
// and parsed once per worker; which of its problems a step uses is steps/problems' grpoProblems.
import { readFileSync } from 'node:fs';
import { parseJsonlProblems } from '../recipe/datasets/jsonl';
import type { Problem } from '../recipe/task/types';
import type { PipelineConfig } from '../recipe/config/schema';
import { parseS3Uri } from '../storage/keys';
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

/** The dataset's problems; undefined when the run uses the built-in task. */
export async function reasoningPool(deps: ActivityDeps, cfg: PipelineConfig): Promise<Problem[] | undefined> {
  const source = cfg.data.reasoning;
  if (!source) return undefined;
  const cacheKey = JSON.stringify(source);
  const cached = deps.caches.datasets.get(cacheKey);
  if (cached) return cached;
  const text = await readSource(deps, source.uri);
  let problems: Problem[];
  try {
    ({ problems } = parseJsonlProblems(text, {
      source: source.uri,
      fields: {
        question: source.fields.question,
        answer: source.fields.answer,
        ...(source.fields.language ? { language: source.fields.language } : {}),
      },
      onBadLine: source.onBadLine,
    }));
  } catch (err) {
    throw new BadDataError((err as Error).message);
  }
  if (problems.length === 0) throw new BadDataError(`dataset ${source.uri} has no usable problems`);
  deps.caches.datasets.set(cacheKey, problems);
  return problems;
}
