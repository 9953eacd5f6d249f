// A run with known S3 and Temporal credentials set: none of them appears in the worker's logs
// (at debug level), the CLI's output, the servers' logs, any workflow's UI details, memo, search
// attributes, inputs or history, the run manifest or the report.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { CONTROL_QUEUE } from '../../contracts/queues';
import { projectRoot, stateDir } from '../../infra/paths';
import { connectClient } from '../../infra/temporal-client';
import { r1Pipeline } from '../../workflows/pipeline';
import { FAST_FAILURE, newRunId } from '../helpers/pipeline';
import { testConnection, testStore } from '../helpers/services';
import { exited, spawnWorker } from '../helpers/worker-process';

const TEMPORAL_API_KEY = 'r1flow-temporal-api-key-8d3f61c0e2';
// the dev server takes any key; TLS off because it serves plain gRPC
const TEMPORAL_ENV = { R1FLOW_TEMPORAL_API_KEY: TEMPORAL_API_KEY, R1FLOW_TEMPORAL_TLS: 'false' };
const s3 = testConnection().s3;
const SECRETS = {
  'S3 access key id': s3.accessKeyId!,
  'S3 secret key': s3.secretAccessKey!,
  // the report link names the read-only link key by design (storage/presign), never its secret
  'S3 link secret key': s3.linkSecretAccessKey!,
  'Temporal API key': TEMPORAL_API_KEY,
};

const store = testStore();
let client: Client;
before(async () => {
  client = await connectClient({ ...testConnection().temporal, apiKey: TEMPORAL_API_KEY, tls: false });
});
after(async () => {
  await client.connection.close();
  store.client.destroy();
});

/** Payload bytes as text (they are JSON), so a secret inside one is found by a text search. */
function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'bigint' ? String(v) : v,
  );
}

test(
  'no credential appears in logs, UI details, memo, search attributes, inputs, histories or reports',
  {
    timeout: 300_000,
  },
  async () => {
    for (const [what, value] of Object.entries(SECRETS)) assert.ok(value && value.length >= 10, `${what} is set`);
    const logFile = join(mkdtempSync(join(tmpdir(), 'r1flow-secrets-')), 'worker.log');
    const worker = spawnWorker({
      env: { ...TEMPORAL_ENV, R1FLOW_LOG_LEVEL: 'debug', R1FLOW_LOG_FORMAT: 'json' },
      logFile,
    });
    const runId = newRunId('secrets');
    const texts: Record<string, string> = {};
    try {
      const handle = await client.workflow.start(r1Pipeline, {
        taskQueue: CONTROL_QUEUE,
        workflowId: runId,
        args: [{ preset: 'micro', lineage: runId, ...FAST_FAILURE }],
      });
      await handle.result();
      texts['r1flow status'] = execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'status', runId], {
        cwd: projectRoot,
        env: { ...process.env, ...TEMPORAL_ENV },
        encoding: 'utf8',
      });
      for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH '${runId}'` })) {
        const h = client.workflow.getHandle(w.workflowId, w.runId);
        const d = await h.describe();
        texts[`${w.workflowId} ${w.runId}: memo and search attributes`] = asText({
          memo: d.memo,
          sa: d.searchAttributes,
          raw: d.raw,
        });
        texts[`${w.workflowId} ${w.runId}: history (inputs, results, failures)`] = asText(await h.fetchHistory());
        texts[`${w.workflowId} ${w.runId}: UI details`] = asText(await h.query('__temporal_workflow_metadata'));
      }
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
    }
    texts['worker log'] = readFileSync(logFile, 'utf8');
    assert.ok(
      texts['worker log'].includes('"level":20') || texts['worker log'].includes('worker polling'),
      'the worker logged',
    );
    texts['Temporal server log'] = readFileSync(join(stateDir(), 'temporal.log'), 'utf8');
    for await (const o of store.list(`runs/${runId}/`)) {
      if (/\/(manifest|report)\.(json|html)$/.test(o.key) || o.key.includes('/report/'))
        texts[o.key] = (await store.getBytes(o.key)).toString('utf8');
    }
    texts['lineage pointer'] = (await store.getBytes(`lineages/${runId}/latest.json`)).toString('utf8');
    assert.ok(
      Object.keys(texts).some((k) => k.endsWith('report.html')),
      'the report was searched',
    );
    assert.ok(
      Object.keys(texts).filter((k) => k.includes('history')).length >= 7,
      'every workflow history was searched',
    );

    for (const [where, text] of Object.entries(texts))
      for (const [what, secret] of Object.entries(SECRETS))
        assert.ok(!text.includes(secret), `the ${what} appears in ${where}`);
  },
);
