import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { listQuery, parseLimit } from '../../../cli/list';
import { UsageError } from '../../../cli/output';
import { failureMessage, followRun, rawConfigFromFlags } from '../../../cli/run';
import { ConfigError } from '../../../recipe/config';
import type { PipelineProgress } from '../../../contracts/progress';
import { evalSummary } from '../../helpers/eval-summary';

describe('config flags', () => {
  test('the preset is sent as typed; tiny when nothing is given', () => {
    assert.deepEqual(rawConfigFromFlags({}).raw, { preset: 'tiny' });
    const micro = rawConfigFromFlags({ preset: 'micro' });
    assert.deepEqual(micro.raw, { preset: 'micro' });
    assert.equal(micro.config.preset, 'micro');
  });

  test('a schedule adds its lineage to the raw config', () => {
    const r = rawConfigFromFlags({ preset: 'micro' }, { lineage: 'nightly' });
    assert.deepEqual(r.raw, { preset: 'micro', lineage: 'nightly' });
    assert.equal(r.config.lineage, 'nightly');
  });

  test('bad flags fail before anything starts', () => {
    assert.throws(
      () => rawConfigFromFlags({ preset: 'tiny', config: 'x.json' }),
      (e: unknown) => e instanceof UsageError && /not both/.test(e.message),
    );
    assert.throws(
      () => rawConfigFromFlags({ preset: 'huge' }),
      (e: unknown) => e instanceof UsageError && /known: .*tiny/.test(e.message),
    );
  });

  test('a config file is sent as written, after validation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-run-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'preset: micro\nseed: 3\n');
    assert.deepEqual(rawConfigFromFlags({ config: good }).raw, { preset: 'micro', seed: 3 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"preset":"micro","seed":-1}');
    assert.throws(
      () => rawConfigFromFlags({ config: bad }),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('seed:')),
    );
    assert.throws(
      () => rawConfigFromFlags({ config: join(dir, 'none.json') }),
      (e: unknown) => e instanceof ConfigError && /cannot read config file/.test(e.message),
    );
  });
});

describe('list', () => {
  test('visibility queries', () => {
    assert.equal(listQuery(), "WorkflowType = 'r1Pipeline'");
    assert.equal(listQuery('running'), "WorkflowType = 'r1Pipeline' AND (ExecutionStatus = 'Running')");
    assert.equal(
      listQuery('failed'),
      "WorkflowType = 'r1Pipeline' AND (ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'Canceled')",
    );
    assert.throws(
      () => listQuery('done'),
      (e: unknown) => e instanceof UsageError && /--status must be one of running, completed, failed/.test(e.message),
    );
  });

  test('limits', () => {
    assert.equal(parseLimit('5'), 5);
    for (const bad of ['0', '-1', '2.5', 'x', '1001']) assert.throws(() => parseLimit(bad), UsageError);
  });
});

test('failure messages follow the cause chain', () => {
  const inner = new Error('dataset s3://b/x.jsonl is unreadable');
  const outer = new Error('Workflow execution failed', { cause: new Error('Activity task failed', { cause: inner }) });
  assert.equal(
    failureMessage(outer),
    'Workflow execution failed: Activity task failed: dataset s3://b/x.jsonl is unreadable',
  );
});

/** A stand-in for the Temporal client: answers the progress query from a script, then closes. */
function fakeClient(script: PipelineProgress[], ending: { value?: unknown; error?: Error }): Client {
  let polls = 0;
  let finish!: () => void;
  const closed = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const handle = {
    describe: async () => ({ startTime: new Date() }),
    result: async () => {
      await closed;
      if (ending.error) throw ending.error;
      return ending.value;
    },
    query: async () => {
      const p = script[Math.min(polls, script.length - 1)]!;
      polls++;
      if (polls === script.length + 1) finish();
      return p;
    },
  };
  return {
    workflow: { getHandle: () => handle },
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
  } as unknown as Client;
}

function collector(isTTY: boolean): { out: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  Object.assign(out, { isTTY, columns: 200 });
  return { out, text: () => text };
}

const RUN = 'r1-micro-20250102-030405-beef';
const running: PipelineProgress = {
  runId: RUN,
  preset: 'micro',
  status: 'running',
  currentStage: 'pretrain',
  stages: [
    { stage: 'pretrain', status: 'running', step: 10, totalSteps: 20, metrics: { loss: 3 } },
    { stage: 'r1Zero', status: 'pending', step: 0, totalSteps: 3, metrics: {} },
  ],
};
const waiting: PipelineProgress = {
  ...running,
  status: 'waiting-for-resume',
  currentStage: 'r1Zero',
  stages: [
    {
      stage: 'pretrain',
      status: 'done',
      step: 20,
      totalSteps: 20,
      metrics: { loss: 2 },
      eval: evalSummary({ pass1: 0.1 }),
    },
    { stage: 'r1Zero', status: 'failed', step: 1, totalSteps: 3, metrics: {}, error: 'boom' },
  ],
  waiting: { stage: 'r1Zero', error: 'rollouts failed: boom', since: '2025-01-02T03:05:00Z' },
};
const done: PipelineProgress = {
  ...running,
  status: 'done',
  currentStage: undefined,
  reportUri: `s3://b/runs/${RUN}/report.json`,
  stages: [
    {
      stage: 'pretrain',
      status: 'done',
      step: 20,
      totalSteps: 20,
      metrics: { loss: 2 },
      eval: evalSummary({ pass1: 0.1 }),
    },
    {
      stage: 'r1Zero',
      status: 'done',
      step: 3,
      totalSteps: 3,
      metrics: { reward: 0.5, accuracy: 0.75 },
      eval: evalSummary({ pass1: 0.6 }),
    },
  ],
};
const result = {
  runId: RUN,
  stages: {
    pretrain: { checkpoint: { uri: 's3://b/p', sha256: 'aaaaaaaaaaaaaaaa', step: 20, metrics: {} } },
    r1Zero: { checkpoint: { uri: 's3://b/z', sha256: 'bbbbbbbbbbbbbbbb', step: 3, metrics: {} } },
  },
  reportHtmlUri: `s3://b/runs/${RUN}/report.html`,
};

describe('followRun', () => {
  test('plain output: a line per change, the waiting commands, then the table and the report', async () => {
    const c = collector(false);
    const r = await followRun(fakeClient([running, waiting, done], { value: result }), RUN, {
      out: c.out,
      intervalMs: 1,
      uiLink: 'http://ui/x',
    });
    assert.equal(r.ok, true);
    assert.equal(r.outcome, 'completed');
    const text = c.text();
    assert.ok(!text.includes('\x1b['), 'no cursor moves in plain mode');
    assert.ok(text.includes('[pretrain] running  10/20  loss 3.000\n'));
    assert.ok(text.includes(`    r1flow resume ${RUN} --patch FILE\n`));
    assert.ok(text.includes(`    r1flow abort ${RUN}\n`));
    assert.ok(text.includes('[r1Zero] done  3/3  reward 0.500  acc 75.0%  eval pass@1 60.0%\n'));
    assert.match(text, /\nr1Zero\s+done\s+3\/3\s+reward 0\.500 {2}acc 75\.0%\s+60\.0%.*sha256:bbbbbbbbbbbb\n/);
    assert.ok(text.includes(`Report (HTML): s3://b/runs/${RUN}/report.html\n`));
    assert.ok(text.includes(`Report (JSON): s3://b/runs/${RUN}/report.json\n`));
    assert.ok(text.includes('Temporal UI: http://ui/x\n'));
    assert.ok(text.trimEnd().endsWith(`Run ${RUN} completed.`));
  });

  test('TTY output redraws in place', async () => {
    const c = collector(true);
    const r = await followRun(fakeClient([running, done], { value: result }), RUN, {
      out: c.out,
      intervalMs: 1,
      tty: true,
    });
    assert.equal(r.ok, true);
    const text = c.text();
    // the second frame moves up over the first (header + 2 stages = 3 lines)
    assert.ok(text.includes('\x1b[3A\r'));
    assert.ok(text.includes('\x1b[2K'));
  });

  test('a failed workflow ends the follow with its reason and ok=false', async () => {
    const c = collector(false);
    const r = await followRun(
      fakeClient([running], { error: new Error('Workflow execution failed', { cause: new Error('bad data') }) }),
      RUN,
      { out: c.out, intervalMs: 1 },
    );
    assert.equal(r.ok, false);
    assert.equal(r.outcome, 'failed');
    assert.equal(r.error, 'Workflow execution failed: bad data');
    assert.ok(c.text().includes(`Run ${RUN} did not complete: Workflow execution failed: bad data`));
  });

  test('an aborted run is not a success', async () => {
    const c = collector(false);
    const aborted = { ...waiting, status: 'aborted' as const, waiting: undefined };
    const r = await followRun(fakeClient([waiting, aborted], { value: { runId: RUN, stages: {} } }), RUN, {
      out: c.out,
      intervalMs: 1,
    });
    assert.equal(r.ok, false);
    assert.equal(r.outcome, 'aborted');
  });

  test('stopping the follow leaves the run alone', async () => {
    const c = collector(false);
    const controller = new AbortController();
    controller.abort();
    const r = await followRun(fakeClient([running], { value: result }), RUN, {
      out: c.out,
      intervalMs: 1,
      signal: controller.signal,
    });
    assert.equal(r.outcome, 'detached');
    assert.ok(c.text().includes(`keeps running. Check it with: r1flow status ${RUN}`));
  });
});
