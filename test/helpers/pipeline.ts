// Runs pipelines on the test stack with a real worker, and reads back what they left in S3.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../../contracts/messages';
import type { PipelineProgress } from '../../contracts/progress';
import { type r1Pipeline } from '../../workflows/pipeline';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { ArtifactStore } from '../../storage/artifact-store';
import { readManifest } from '../../storage/manifest';
import { createLogger } from '../../infra/logger';
import type { QueueKind } from '../../contracts/queues';
import { startPipelineRun } from '../../cli/run';
import { resolveConfig } from '../../recipe/config';
import { generateProblems } from '../../recipe/task/generate';
import { connectClient } from '../../infra/temporal-client';
import { startWorkers, type RunningWorkers } from '../../workers/start';
import { testConnection, testStore } from './services';

export async function startTestWorkers(queues: QueueKind[] = ['control', 'gpu']): Promise<RunningWorkers> {
  return startWorkers({
    connection: testConnection(),
    queues,
    log: createLogger('test-worker', { level: 'warn', format: 'json' }),
    cacheDir: mkdtempSync(join(tmpdir(), 'r1flow-worker-cache-')),
    shutdownGraceTime: '5 seconds',
  });
}

export async function testClient(): Promise<Client> {
  return connectClient(testConnection().temporal);
}

export function newRunId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Test runs fail fast on a dead worker: short heartbeats, few retries. */
export const FAST_FAILURE = { workflow: { heartbeatTimeoutSeconds: 10, activityRetries: 2 } };

/** A micro run of pretraining and R1-Zero only: enough for a stage to fail and be resumed. */
export const ONLY_TWO_STAGES = {
  stages: {
    coldStartSft: { enabled: false },
    reasoningRl: { enabled: false },
    rejectionSft: { enabled: false },
    finalRl: { enabled: false },
  },
};

/**
 * Writes a reasoning dataset whose third line is not JSON, and a clean held-out file beside it, and
 * returns both as `data.reasoning` fields: with `onBadLine: 'fail'` the first stage that reads
 * them (pretraining, for its evaluation) cannot, with `'skip'` it can.
 */
export async function putDatasetWithBadLine(
  store: ArtifactStore,
  name: string,
): Promise<{ uri: string; evalUri: string }> {
  const write = async (key: string, split: 'train' | 'eval', badLine: boolean) => {
    const problems = generateProblems(
      { seed: 5, split, count: 6, kind: 'reasoning' },
      { digits: 1, operations: ['add'] },
    );
    const lines = problems.map((p) => JSON.stringify({ question: p.question, answer: p.answer, language: p.language }));
    if (badLine) lines.splice(2, 0, '{not json');
    await store.putBytes(key, `${lines.join('\n')}\n`);
    return store.uri(key);
  };
  return {
    uri: await write(`datasets/${name}.jsonl`, 'train', true),
    evalUri: await write(`datasets/${name}-eval.jsonl`, 'eval', false),
  };
}

/** Starts a run as the CLI does (with its static summary and details). */
export async function startPipeline(
  client: Client,
  runId: string,
  rawConfig: Record<string, unknown>,
): Promise<WorkflowHandle<typeof r1Pipeline>> {
  return startPipelineRun(client, runId, { raw: rawConfig, config: resolveConfig(rawConfig) });
}

/** The same config run from start to end on an in-process worker: what a fault run must equal. */
export async function uninterruptedRun(client: Client, prefix: string, rawConfig: Record<string, unknown>) {
  const workers = await startTestWorkers();
  try {
    return await (await startPipeline(client, newRunId(prefix), rawConfig)).result();
  } finally {
    await workers.shutdown();
  }
}

/** Every object a run's manifest lists reads back and verifies against its sha256 and size. */
export async function assertManifestVerifies(store: ArtifactStore, runId: string): Promise<number> {
  const manifest = await readManifest(store, runId);
  if (!manifest) throw new Error(`run ${runId} has no manifest`);
  for (const [key, entry] of Object.entries(manifest.objects)) await store.getBytes(key, entry);
  return Object.keys(manifest.objects).length;
}

export async function waitForProgress(
  handle: WorkflowHandle<typeof r1Pipeline>,
  until: (p: PipelineProgress) => boolean,
  timeoutMs = 300_000,
): Promise<PipelineProgress> {
  const deadline = Date.now() + timeoutMs;
  let last: PipelineProgress | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(progressQuery);
      if (until(last)) return last;
    } catch {
      // the first workflow task may not have run yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`progress condition not reached in ${timeoutMs} ms; last progress: ${JSON.stringify(last)}`);
}

/** Waits until at least `count` objects exist under `prefix`. */
export async function waitForObjects(
  store: ArtifactStore,
  prefix: string,
  count: number,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = 0;
    for await (const _ of store.list(prefix)) seen++;
    if (seen >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${count} objects under ${prefix} not reached in ${timeoutMs} ms (saw ${seen})`);
}

export interface PipelineTestContext {
  client: Client;
  store: ArtifactStore;
}

/**
 * Registers before/after hooks that start an in-process worker and a client for the file's
 * tests and stop them afterwards; the returned object is filled in once `before` has run.
 * `workers: false` for tests that run their workers themselves (in processes they kill).
 */
export function usePipelineTestContext(options: { workers?: boolean } = {}): PipelineTestContext {
  const ctx = { store: testStore() } as PipelineTestContext;
  let workers: RunningWorkers | undefined;
  before(async () => {
    if (options.workers !== false) workers = await startTestWorkers();
    ctx.client = await testClient();
  });
  after(async () => {
    await workers?.shutdown();
    await ctx.client?.connection.close();
    ctx.store.client.destroy();
  });
  return ctx;
}
