// How many history events each workflow execution of one run leaves: the pipeline, every stage
// workflow and every continue-as-new run of them. Temporal terminates a workflow at 51,200
// events (warns at 10,240), so no count may grow with the steps or the wall time of a run.
// Runs one pipeline on an in-process worker against the test stack and prints JSON.
// Usage: node --import tsx bench/history-sizes.ts [--preset tiny|micro] [--seed N] [--fresh]
// --fresh deletes the base model's pretraining cache entry first, so that the run pretrains.
// Run it while no test suite uses the test stack: its workers would share the task queues.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrainHashOf } from '../activities/control';
import { loadConnection } from '../infra/connection';
import { connectClient } from '../infra/temporal-client';
import { CONTROL_QUEUE } from '../contracts/queues';
import { presetNames, resolveConfig } from '../recipe/config';
import { globalKeys } from '../storage/layout';
import { startWorkers } from '../workers/start';
import { r1Pipeline } from '../workflows/pipeline';
import { benchLogger, flag, runBench, storeOf, useTestStack } from './bench-env';

const preset = flag('preset') ?? 'tiny';
if (!presetNames().includes(preset))
  throw new Error(`--preset must be one of ${presetNames().join(', ')}, got ${preset}`);
const raw = { preset, ...(flag('seed') !== undefined ? { seed: Number(flag('seed')) } : {}) };

interface ExecutionEvents {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  events: number;
  /** the most frequent event types, most frequent first */
  top: Record<string, number>;
}

async function main(): Promise<void> {
  const stack = await useTestStack();
  const connection = loadConnection();
  const store = storeOf(connection);
  const cacheDir = mkdtempSync(join(tmpdir(), 'r1flow-history-sizes-'));
  const workers = await startWorkers({
    connection,
    queues: ['control', 'gpu'],
    log: benchLogger('history-sizes'),
    cacheDir,
    shutdownGraceTime: '5 seconds',
  });
  const client = await connectClient(connection.temporal);
  try {
    if (process.argv.includes('--fresh'))
      await store.delete(globalKeys.pretrainCache(pretrainHashOf(resolveConfig(raw))));
    const runId = `history-${preset}-${randomUUID().slice(0, 8)}`;
    const started = performance.now();
    const handle = await client.workflow.start(r1Pipeline, {
      taskQueue: CONTROL_QUEUE,
      workflowId: runId,
      args: [raw],
    });
    const result = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    const executions: ExecutionEvents[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH '${runId}'` })) {
      const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
      const counts = new Map<string, number>();
      for (const e of history.events ?? []) {
        const name = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown';
        const type = name.replace(/EventAttributes$/, '');
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
      const top = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 4));
      executions.push({
        workflowId: w.workflowId,
        runId: w.runId,
        type: w.type,
        status: w.status.name,
        events: history.events?.length ?? 0,
        top,
      });
    }
    executions.sort((a, b) => a.workflowId.localeCompare(b.workflowId) || b.events - a.events);
    console.log(
      JSON.stringify(
        {
          bench: 'history-sizes',
          config: raw,
          runId,
          seconds: Number(seconds.toFixed(1)),
          finalSha256: result.stages.finalRl?.checkpoint.sha256 ?? null,
          executions,
          maxEvents: Math.max(...executions.map((e) => e.events)),
          totalEvents: executions.reduce((a, e) => a + e.events, 0),
        },
        null,
        2,
      ),
    );
  } finally {
    await client.connection.close();
    await workers.shutdown();
    store.client.destroy();
    rmSync(cacheDir, { recursive: true, force: true });
    await stack.stop();
  }
}

runBench(main);
