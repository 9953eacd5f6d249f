// JSON objects of a run (rollouts, scored batches, datasets, metrics, evals) in S3, verified on
// read; an object that does not parse is bad data, named by its key, and not retried.
import type { ZodType } from 'zod';
import { type RunStore } from '../storage/run-store';
import type { ObjectRecord } from '../storage/artifact-store';
import { BadDataError } from './errors';

export async function putJson(run: RunStore, relative: string, value: unknown): Promise<ObjectRecord> {
  return run.putBytes(relative, JSON.stringify(value), 'application/json');
}

export async function getJson<T>(run: RunStore, relative: string, schema?: ZodType<T>): Promise<T> {
  const key = run.key(relative);
  const text = (await run.getBytes(relative)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadDataError(`object ${key} is not valid JSON: ${(err as Error).message}`);
  }
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadDataError(`object ${key} is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
