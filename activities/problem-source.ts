// The prompts of a GRPO step: the built-in task family, or — when `data.reasoning` names a JSONL
// file (local path or s3://) — problems drawn from that dataset, deterministically per step.
import { readFileSync } from 'node:fs';
import { parseJsonlProblems } from '../recipe/datasets/jsonl';
import type { Problem } from '../recipe/task/types';
import { createRng, deriveSeed } from '../recipe/util/rng';
import type { GrpoStageName, PipelineConfig } from '../recipe/config/schema';
import { parseS3Uri } from '../storage/keys';
import { sampleProblems, withPrompts, type PromptedProblem } from '../steps';
import type { ActivityDeps } from './deps';
import { BadDataError } from './errors';

const pools = new Map<string, Problem[]>();

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
  const cached = pools.get(cacheKey);
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
  pools.set(cacheKey, problems);
  return problems;
}

export async function grpoProblems(
  deps: ActivityDeps,
  cfg: PipelineConfig,
  stage: GrpoStageName,
  step: number,
): Promise<PromptedProblem[]> {
  const pool = await reasoningPool(deps, cfg);
  if (!pool) return sampleProblems(cfg, 'train', stage, step);
  const rng = createRng(deriveSeed(cfg.seed, stage, step, 'dataset'));
  const count = cfg.stages[stage].grpo.promptsPerStep;
  return withPrompts(Array.from({ length: count }, () => pool[Math.floor(rng.next() * pool.length)]!));
}
