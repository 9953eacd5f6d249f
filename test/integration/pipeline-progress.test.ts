// Live progress without history growth: while pretraining runs (one long activity), the live view
// the CLI builds (cli/live-progress) already shows steps done and the latest loss, read from the
// activity's heartbeat details; and neither the pipeline's nor the stage's history holds an event
// per step — 200 steps leave as many events as 20 would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressQuery } from '../../contracts/messages';
import { liveProgress } from '../../cli/live-progress';
import { newRunId, startPipeline, usePipelineTestContext } from '../helpers/pipeline';

const ctx = usePipelineTestContext();

function pretrainOnly(steps: number) {
  return {
    preset: 'micro',
    // a seed of its own, so no earlier run's base model is reused from the pretraining cache
    seed: 100_000 + Math.floor(Math.random() * 1_000_000),
    stages: {
      pretrain: { steps },
      r1Zero: { enabled: false },
      coldStartSft: { enabled: false },
      reasoningRl: { enabled: false },
      rejectionSft: { enabled: false },
      finalRl: { enabled: false },
    },
  };
}

/** Event counts of a workflow's latest run, and how many of them are signals. */
async function historyOf(workflowId: string): Promise<{ events: number; signals: number }> {
  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return { events: events.length, signals: events.filter((e) => e.workflowExecutionSignaledEventAttributes).length };
}

test('pretraining shows its steps live, and no history grows with them', { timeout: 300_000 }, async () => {
  const runId = newRunId('progress');
  const handle = await startPipeline(ctx.client, runId, pretrainOnly(200));
  const deadline = Date.now() + 120_000;
  let live: Awaited<ReturnType<typeof liveProgress>> | undefined;
  for (;;) {
    live = await liveProgress(ctx.client, runId).catch(() => undefined);
    const s = live?.stages.find((x) => x.stage === 'pretrain');
    if (s && s.status === 'running' && s.step > 0 && s.step < 200) break;
    assert.ok(Date.now() < deadline, `no live pretraining step seen in 120 s; last: ${JSON.stringify(live)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const pretrain = live!.stages.find((s) => s.stage === 'pretrain')!;
  assert.equal(pretrain.totalSteps, 200);
  assert.ok(Number.isFinite(pretrain.metrics.loss), 'the latest training loss comes with the step');
  assert.equal(pretrain.workflowId, `${runId}/pretrain`);

  const result = await handle.result();
  assert.equal(result.stages.pretrain!.checkpoint.step, 200);
  const done = await handle.query(progressQuery);
  assert.deepEqual(
    { status: done.stages[0]!.status, step: done.stages[0]!.step, totalSteps: done.stages[0]!.totalSteps },
    { status: 'done', step: 200, totalSteps: 200 },
  );
  const described = await handle.describe();
  assert.equal(described.searchAttributes.R1flowStep?.[0], 200, 'R1flowStep holds the finished stage step');

  // the same run with a tenth of the steps leaves histories of the same length
  const shortRun = newRunId('progress-short');
  await (await startPipeline(ctx.client, shortRun, pretrainOnly(20))).result();
  for (const [long, short] of [
    [runId, shortRun],
    [`${runId}/pretrain`, `${shortRun}/pretrain`],
  ] as const) {
    const a = await historyOf(long);
    const b = await historyOf(short);
    assert.equal(a.signals, 0, `${long} received no signals`);
    assert.ok(Math.abs(a.events - b.events) <= 2, `${long}: ${a.events} events against ${b.events} for 20 steps`);
  }
});
