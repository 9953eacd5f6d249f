// A stage that fails leaves the pipeline waiting; a resume with a patch completes it, a bad
// patch is refused; resumeFrom reuses a finished run's stages and re-runs the later ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abortUpdate, progressQuery, resumeUpdate } from '../../contracts/messages';
import { waitFor } from '../../infra/processes';
import { generateProblems } from '../../recipe/task/generate';
import {
  FAST_FAILURE,
  newRunId,
  ONLY_TWO_STAGES,
  putDatasetWithBadLine,
  startPipeline,
  usePipelineTestContext,
  waitForProgress,
} from '../helpers/pipeline';

const ctx = usePipelineTestContext();

test(
  'a failed stage waits for resume; a bad patch is refused; a good patch completes the run',
  { timeout: 300_000 },
  async () => {
    const dataset = await putDatasetWithBadLine(ctx.store, newRunId('resume'));
    const runId = newRunId('resume');
    const handle = await startPipeline(ctx.client, runId, {
      preset: 'micro',
      ...FAST_FAILURE,
      ...ONLY_TWO_STAGES,
      data: { reasoning: { ...dataset, onBadLine: 'fail' } },
    });

    // the first reader of data.reasoning is pretraining's held-out evaluation of the base model
    const waiting = await waitForProgress(handle, (p) => p.status === 'waiting-for-resume');
    assert.equal(waiting.waiting?.stage, 'pretrain');
    assert.match(waiting.waiting!.error, /line 3/);
    assert.equal(waiting.stages.find((s) => s.stage === 'r1Zero')?.status, 'pending');

    // the validator's message comes back as the cause of the update failure
    const refusedWith = (pattern: RegExp) => (err: unknown) =>
      pattern.test(String((err as { cause?: Error }).cause?.message));
    await assert.rejects(
      handle.executeUpdate(resumeUpdate, { args: [{ patch: { stages: { r1Zero: { grpo: { groupSize: 1 } } } } }] }),
      refusedWith(/stages\.r1Zero\.grpo\.groupSize: must be ≥ 2/),
    );
    await assert.rejects(
      handle.executeUpdate(resumeUpdate, { args: [{ patch: { stages: { r1Zero: { grpo: { gropSize: 4 } } } } }] }),
      refusedWith(/gropSize: unknown key/),
    );
    const still = await handle.query(progressQuery);
    assert.equal(still.status, 'waiting-for-resume', 'a refused patch changes nothing');

    const message = await handle.executeUpdate(resumeUpdate, {
      args: [{ patch: { data: { reasoning: { onBadLine: 'skip' } } } }],
    });
    assert.match(String(message), /resuming stage pretrain/);
    const result = await handle.result();
    assert.equal(result.stages.r1Zero?.checkpoint.step, 3);
    const done = await handle.query(progressQuery);
    assert.equal(done.status, 'done');
    assert.equal(done.stages.find((s) => s.stage === 'pretrain')?.status, 'done');
    assert.equal(done.stages.find((s) => s.stage === 'coldStartSft')?.status, 'skipped');
  },
);

test(
  'a missing dataset is named in the waiting error, and abort ends a waiting run',
  { timeout: 300_000 },
  async () => {
    const runId = newRunId('abort');
    const handle = await startPipeline(ctx.client, runId, {
      preset: 'micro',
      ...FAST_FAILURE,
      ...ONLY_TWO_STAGES,
      data: { reasoning: { uri: ctx.store.uri(`datasets/${runId}-missing.jsonl`) } },
    });
    const waiting = await waitForProgress(handle, (p) => p.status === 'waiting-for-resume');
    assert.match(waiting.waiting!.error, new RegExp(`object datasets/${runId}-missing.jsonl not found`));
    await handle.executeUpdate(abortUpdate, { args: ['test abort'] });
    await assert.rejects(handle.result(), (err: unknown) =>
      /aborted: test abort/.test(String((err as { cause?: Error }).cause?.message)),
    );
    const progress = await handle.query(progressQuery);
    assert.equal(progress.status, 'aborted');
  },
);

test(
  'resumeFrom a finished run reuses its stages and re-runs only the later ones, bit for bit',
  { timeout: 600_000 },
  async () => {
    const first = newRunId('source');
    const firstResult = await (await startPipeline(ctx.client, first, { preset: 'micro', ...FAST_FAILURE })).result();
    const second = newRunId('rerun');
    const handle = await startPipeline(ctx.client, second, {
      preset: 'micro',
      ...FAST_FAILURE,
      resumeFrom: first,
      rerunFrom: 'finalRl',
    });
    const result = await handle.result();
    for (const stage of ['pretrain', 'r1Zero', 'coldStartSft', 'reasoningRl', 'rejectionSft'] as const) {
      assert.deepEqual(result.stages[stage], firstResult.stages[stage], `${stage} reused`);
    }
    const finalRl = result.stages.finalRl!.checkpoint;
    assert.ok(finalRl.key.startsWith(`runs/${second}/finalRl/`), 'finalRl ran again in the new run');
    assert.equal(
      finalRl.sha256,
      firstResult.stages.finalRl!.checkpoint.sha256,
      'same inputs and seed give the same checkpoint',
    );
    const progress = await handle.query(progressQuery);
    assert.deepEqual(
      progress.stages.map((s) => s.status),
      ['reused', 'reused', 'reused', 'reused', 'reused', 'done'],
    );
  },
);

test('resume and abort reach the pipeline after it continued as new', { timeout: 300_000 }, async () => {
  const statuses = async (runId: string) => {
    const names: string[] = [];
    for await (const w of ctx.client.workflow.list({ query: `WorkflowId = '${runId}'` })) names.push(w.status.name);
    return names.sort();
  };
  /** Waits until the workflow has continued as new (the server records it as the update returns). */
  const continuedAsNew = (runId: string) =>
    waitFor(
      `a continue-as-new of ${runId}`,
      async () => (await statuses(runId)).includes('CONTINUED_AS_NEW'),
      30_000,
      () => 'the pipeline should continue as new after a resume once its history budget is spent',
    ).catch(() => undefined);
  // a history budget this small makes the pipeline continue as new after every stage and resume
  const tiny = { preset: 'micro', ...FAST_FAILURE, ...ONLY_TWO_STAGES, workflow: { pipelineHistoryEvents: 10 } };
  const resumed = newRunId('can-resume');
  const missing = `datasets/${resumed}-missing.jsonl`;
  const handle = await startPipeline(ctx.client, resumed, {
    ...tiny,
    data: { reasoning: { uri: ctx.store.uri(missing) } },
  });
  // pretraining's evaluation reads the dataset, so the run waits at once; a resume while the
  // dataset is still missing makes the pipeline continue as new and wait again in its new run
  await waitForProgress(handle, (p) => p.status === 'waiting-for-resume');
  await handle.executeUpdate(resumeUpdate, { args: [{}] });
  await continuedAsNew(resumed);
  assert.ok((await statuses(resumed)).includes('CONTINUED_AS_NEW'), 'the pipeline continued as new after the resume');
  const waiting = await waitForProgress(handle, (p) => p.status === 'waiting-for-resume');
  assert.equal(waiting.waiting?.stage, 'pretrain');
  assert.match(waiting.waiting!.error, new RegExp(`object ${missing} not found`));
  const problems = generateProblems(
    { seed: 6, split: 'train', count: 6, kind: 'reasoning' },
    { digits: 1, operations: ['add'] },
  );
  await ctx.store.putBytes(
    missing,
    problems.map((p) => JSON.stringify({ question: p.question, answer: p.answer })).join('\n'),
  );
  await handle.executeUpdate(resumeUpdate, { args: [{}] });
  const result = await handle.result();
  assert.equal(result.stages.r1Zero?.checkpoint.step, 3);
  assert.equal(result.stages.pretrain?.checkpoint.step, 20);
  const runs = await statuses(resumed);
  assert.ok(
    runs.filter((s) => s === 'CONTINUED_AS_NEW').length >= 3,
    `continued as new after each resume and after pretraining: ${runs}`,
  );
  assert.equal((await handle.query(progressQuery)).status, 'done');

  const aborted = newRunId('can-abort');
  const second = await startPipeline(ctx.client, aborted, {
    ...tiny,
    data: { reasoning: { uri: ctx.store.uri(`datasets/${aborted}-missing.jsonl`) } },
  });
  await waitForProgress(second, (p) => p.status === 'waiting-for-resume');
  await second.executeUpdate(resumeUpdate, { args: [{}] });
  await continuedAsNew(aborted);
  assert.ok((await statuses(aborted)).includes('CONTINUED_AS_NEW'));
  await waitForProgress(second, (p) => p.status === 'waiting-for-resume');
  await second.executeUpdate(abortUpdate, { args: ['abort after continue-as-new'] });
  await assert.rejects(second.result(), (err: unknown) =>
    /aborted: abort after continue-as-new/.test(String((err as { cause?: Error }).cause?.message)),
  );
});
