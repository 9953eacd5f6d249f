// A Temporal server of its own with the history limit lowered to a few hundred events, and a run
// with thousands of training steps and dozens of GRPO iterations: it completes, because no
// workflow's history grows with steps — the GRPO stage continues as new when the server suggests
// it, the pipeline at stage boundaries — and it ends with the final checkpoint of the same run on
// the test stack's server with Temporal's default limits.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { pretrainHashOf } from '../../activities/control';
import { CONTROL_QUEUE } from '../../contracts/queues';
import type { Connection } from '../../infra/connection';
import { startDaemon, stopProcess, waitFor } from '../../infra/processes';
import { temporalHealthy, temporalServerArgs } from '../../infra/stack';
import { StackSettingsSchema } from '../../infra/stack-settings';
import { connectClient } from '../../infra/temporal-client';
import { testStackSettings } from '../../infra/test-stack';
import { ensureTool } from '../../infra/tools';
import { createLogger } from '../../infra/logger';
import { resolveConfig } from '../../recipe/config';
import { globalKeys } from '../../storage/layout';
import { startWorkers } from '../../workers/start';
import { r1Pipeline } from '../../workflows/pipeline';
import { newRunId, testClient, uninterruptedRun } from '../helpers/pipeline';
import { testConnection, testStore } from '../helpers/services';

const HISTORY_LIMIT = 400;
const stack = testStackSettings();
const settings = StackSettingsSchema.parse({
  ...stack,
  temporalPort: stack.temporalPort! + 40,
  temporalUiPort: stack.temporalPort! + 41,
});
const store = testStore();
let server: { pid: number; binary: string } | undefined;
let client: Client;
let connection: Connection;

before(async () => {
  const binary = ensureTool('temporal').path;
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-history-limit-'));
  const args = temporalServerArgs(settings, join(dir, 'temporal.sqlite'), [
    ['limit.historyCount.error', String(HISTORY_LIMIT)],
    ['limit.historyCount.warn', String(HISTORY_LIMIT / 2)],
    ['limit.historyCount.suggestContinueAsNew', String(HISTORY_LIMIT / 2)],
  ]);
  server = { pid: startDaemon(binary, args, join(dir, 'temporal.log'), dir).pid, binary };
  await waitFor(
    'the history-limited Temporal server',
    () => temporalHealthy(settings),
    90_000,
    () => `see ${dir}`,
  );
  const base = testConnection();
  connection = { ...base, temporal: { ...base.temporal, address: `${settings.host}:${settings.temporalPort}` } };
  client = await connectClient(connection.temporal);
});
after(async () => {
  await client?.connection.close();
  if (server) await stopProcess(server.pid, server.binary);
  store.client.destroy();
});

const CONFIG = {
  preset: 'micro',
  seed: 300_000 + Math.floor(Math.random() * 1_000_000),
  // only the server's suggestion (and the pipeline's own budget) make anything continue as new
  workflow: { continueAsNewAfter: 10_000, pipelineHistoryEvents: 60 },
  stages: {
    pretrain: { steps: 2000 },
    coldStartSft: { sft: { epochs: 40 } },
    r1Zero: { grpo: { steps: 40 } },
    reasoningRl: { grpo: { steps: 30 } },
  },
};

test(`a long run completes under a history limit of ${HISTORY_LIMIT} events`, { timeout: 1_500_000 }, async () => {
  const workers = await startWorkers({
    connection,
    queues: ['control', 'gpu'],
    log: createLogger('history-limit-worker', { level: 'warn', format: 'json' }),
    cacheDir: mkdtempSync(join(tmpdir(), 'r1flow-history-limit-cache-')),
    shutdownGraceTime: '5 seconds',
  });
  const runId = newRunId('limited');
  let result;
  try {
    const handle = await client.workflow.start(r1Pipeline, {
      taskQueue: CONTROL_QUEUE,
      workflowId: runId,
      args: [CONFIG],
    });
    result = await handle.result();
  } finally {
    await workers.shutdown();
  }
  const runs: Array<{ workflowId: string; status: string; events: number }> = [];
  for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH '${runId}'` })) {
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    runs.push({ workflowId: w.workflowId, status: w.status.name, events: history.events?.length ?? 0 });
  }
  const longest = Math.max(...runs.map((r) => r.events));
  console.log(
    `${runs.length} workflow runs, the longest ${longest} events; continued as new: ${runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length}`,
  );
  assert.ok(longest < HISTORY_LIMIT, `every history stays under the limit (longest ${longest})`);
  assert.ok(
    runs.some((r) => r.workflowId === `${runId}/r1Zero` && r.status === 'CONTINUED_AS_NEW'),
    'the GRPO stage continued as new on the server suggestion',
  );
  assert.ok(
    runs.some((r) => r.workflowId === runId && r.status === 'CONTINUED_AS_NEW'),
    'the pipeline continued as new at a stage boundary',
  );
  assert.equal(result.stages.pretrain!.checkpoint.step, 2000);

  // the same run on the test stack's server (default limits), pretraining again itself
  await store.delete(globalKeys.pretrainCache(pretrainHashOf(resolveConfig(CONFIG))));
  const plainClient = await testClient();
  try {
    const reference = await uninterruptedRun(plainClient, 'unlimited', CONFIG);
    assert.equal(result.stages.finalRl!.checkpoint.sha256, reference.stages.finalRl!.checkpoint.sha256);
  } finally {
    await plainClient.connection.close();
  }
});
