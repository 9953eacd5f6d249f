// The r1flow command against the real stack: run --follow, status, list, and a schedule whose
// second run continues the lineage of the first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../infra/paths';
import { readManifest } from '../../storage/manifest';
import { FAST_FAILURE, usePipelineTestContext } from '../helpers/pipeline';

const ctx = usePipelineTestContext();
const dir = mkdtempSync(join(tmpdir(), 'r1flow-cli-'));
const configFile = join(dir, 'micro.json');
writeFileSync(configFile, JSON.stringify({ preset: 'micro', ...FAST_FAILURE }));

/** Runs the CLI as a user would; asynchronously, since this process also hosts the worker. */
function r1flow(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/r1flow.mjs', ...args], {
      cwd: projectRoot,
      env: { ...process.env, R1FLOW_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function waitForRuns(prefix: string, count: number): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const done: string[] = [];
    for await (const w of ctx.client.workflow.list({
      query: `WorkflowType = 'r1Pipeline' AND WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus = 'Completed'`,
    }))
      done.push(w.workflowId);
    if (done.length >= count) return done;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`fewer than ${count} completed runs of ${prefix}`);
}

test('run --follow, status and list', { timeout: 300_000 }, async () => {
  const runId = `cli-${randomUUID().slice(0, 8)}`;
  const run = await r1flow('run', '--config', configFile, '--id', runId, '--follow');
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, new RegExp(`Started run ${runId}`));
  assert.match(run.out, /finalRl\s+done/);
  const status = await r1flow('status', runId);
  assert.equal(status.code, 0, status.out);
  for (const stage of ['pretrain', 'r1Zero', 'coldStartSft', 'reasoningRl', 'rejectionSft', 'finalRl'])
    assert.match(status.out, new RegExp(stage));
  // what the UI shows for it: the static summary and the config table the CLI started it with
  const described = await ctx.client.workflow.getHandle(runId).describe();
  assert.match((await described.staticSummary()) ?? '', /^micro · GPT 1×32 \(2 heads, context 96\) · seed \d+/);
  assert.match((await described.staticDetails()) ?? '', /^### Config\n\n\| setting \| value \|/);
  const list = await r1flow('list', '--limit', '20');
  assert.equal(list.code, 0, list.out);
  assert.match(list.out, new RegExp(runId));
  const bad = await r1flow('run', '--preset', 'nope');
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /"nope" is not a preset \(known: tiny, smollm2, micro\)/);
});

test(
  'a schedule starts runs that continue their lineage from the latest good checkpoint',
  { timeout: 300_000 },
  async () => {
    const name = `lineage-${randomUUID().slice(0, 8)}`;
    const created = await r1flow(
      'schedule',
      'create',
      name,
      '--every',
      '24h',
      '--config',
      configFile,
      '--overlap',
      'skip',
    );
    assert.equal(created.code, 0, created.out);
    try {
      assert.match((await r1flow('schedule', 'list')).out, new RegExp(name));
      assert.equal((await r1flow('schedule', 'trigger', name)).code, 0);
      const [first] = await waitForRuns(name, 1);
      const scheduled = await ctx.client.workflow.getHandle(first!).describe();
      assert.match((await scheduled.staticSummary()) ?? '', new RegExp(` · lineage ${name}$`));
      assert.equal((await r1flow('schedule', 'trigger', name)).code, 0);
      const runs = await waitForRuns(name, 2);
      const second = runs.find((id) => id !== first)!;
      const toRunId = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '-');
      const firstManifest = await readManifest(ctx.store, toRunId(first!));
      const secondManifest = await readManifest(ctx.store, toRunId(second));
      assert.equal(firstManifest?.info.lineage, name);
      const base = secondManifest?.info.base as { source: string; ref: { sha256: string } } | null;
      assert.equal(base?.source, 'lineage', 'the second run starts from the lineage');
      assert.equal(base?.ref.sha256, (firstManifest?.info.finalCheckpoint as { sha256: string }).sha256);
      assert.equal((await r1flow('schedule', 'pause', name)).code, 0);
      assert.match((await r1flow('schedule', 'describe', name)).out, /paused/i);
    } finally {
      assert.equal((await r1flow('schedule', 'delete', name)).code, 0);
    }
    assert.doesNotMatch((await r1flow('schedule', 'list')).out, new RegExp(name));
  },
);
