// r1Pipeline and its stage workflows with mocked activities, on a throwaway Temporal dev server
// started from the tools folder (no S3, no engine): the stage order and data flow, continue-as-new
// of the GRPO loop, waiting for a resume after a failed stage (a bad patch refused, a good one
// applied), abort, and reuse of finished stages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { join } from 'node:path';
import type { ControlActivities, GpuActivities, InitRunResult } from '../../../contracts/activities';
import { abortUpdate, progressQuery, resumeUpdate } from '../../../contracts/messages';
import { CONTROL_QUEUE, GPU_QUEUE } from '../../../contracts/queues';
import { SEARCH_ATTRIBUTE_KEYS } from '../../../contracts/search-attributes';
import type { StageResult } from '../../../contracts/stages';
import { projectRoot } from '../../../infra/paths';
import { findTool } from '../../../infra/tools';
import type { StageName } from '../../../recipe/config';
import type { CheckpointRef } from '../../../storage/manifest';
import { r1Pipeline } from '../../../workflows/pipeline';
import { evalSummary } from '../../helpers/eval-summary';

/** the SDK's and the bundler's logs would drown the test output */
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

before(async () => {
  Runtime.install({
    logger: { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const temporal = findTool('temporal');
  if (!temporal) throw new Error('the Temporal CLI is not installed: run the tests through `npm run test:unit`');
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporal.path },
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
    },
  });
  bundle = await bundleWorkflowCode({ workflowsPath: join(projectRoot, 'workflows', 'index.ts'), logger: quiet });
});
after(() => env?.teardown());

function ref(stage: string, step: number): CheckpointRef {
  return {
    uri: `s3://b/runs/r/${stage}/ckpt/${step}/`,
    key: `runs/r/${stage}/ckpt/${step}`,
    sha256: `${stage}-${step}`,
    step,
    metrics: { loss: 1 },
  };
}

/** Records every activity call; each GPU activity answers with a checkpoint named after its stage and step. */
class Mocks {
  calls: Array<{ name: string; stage?: string; input: Record<string, unknown> }> = [];
  failures = new Map<string, number>();
  /** `name:stage:step` → the key a failure names as unreadable (storage integrity failures) */
  corrupt = new Map<string, string>();
  init: InitRunResult = { doneStages: {}, pretrainHash: 'hash' };
  recorded: Array<{ stage: StageName; result: StageResult }> = [];

  private note(name: string, input: { stage?: string } & Record<string, unknown>) {
    this.calls.push({ name, stage: input.stage, input });
    const badKey = this.corrupt.get(`${name}:${input.stage}:${String(input.step)}`);
    if (badKey !== undefined) {
      this.corrupt.delete(`${name}:${input.stage}:${String(input.step)}`);
      throw ApplicationFailure.create({
        message: `checksum mismatch for ${badKey}: the object was altered or truncated after it was written`,
        type: 'ChecksumMismatchError',
        nonRetryable: true,
      });
    }
    const key = `${name}:${input.stage}`;
    const left = this.failures.get(key) ?? 0;
    if (left > 0) {
      this.failures.set(key, left - 1);
      throw ApplicationFailure.create({
        message: `${key} failed on purpose`,
        type: 'BadDataError',
        nonRetryable: true,
      });
    }
  }

  gpu(): GpuActivities {
    const gpu: GpuActivities = {
      pretrain: async (i) => (this.note('pretrain', { ...i }), ref('pretrain', i.config.stages.pretrain.steps)),
      rollouts: async (i) => (
        this.note('rollouts', { ...i }),
        { rolloutsKey: 'k', samples: 8, meanLength: 5, truncatedFraction: 0 }
      ),
      policyUpdate: async (i) => (this.note('policyUpdate', { ...i }), ref(i.stage, i.step + 1)),
      buildSftData: async (i) => (
        this.note('buildSftData', { ...i }),
        {
          datasetKey: 'd',
          examples: 3,
          report: { prompts: 2, samples: 4, kept: 3, dropped: {} as never, general: 0, examples: 3 },
        }
      ),
      sft: async (i) => (this.note('sft', { ...i }), ref(i.stage, 7)),
      evaluate: async (i) => (this.note('evaluate', { ...i }), evalSummary({ pass1: 0.5, formatRate: 0.25 })),
      exportModel: async (i) => (
        this.note('exportModel', { ...i }),
        { uri: 's3://b/runs/r/export/hf/', key: 'runs/r/export/hf', sha256: i.policy.sha256, files: ['config.json'] }
      ),
      // the whole step is the three mocks in turn, so their calls and planned failures count as before
      grpoStep: async (i) => {
        this.note('grpoStep', { ...i });
        const { runId, stage, config, step, policy } = i;
        await gpu.rollouts({ runId, stage, config, step, policy });
        const scored = await this.control().scoreRollouts({ runId, stage, config, step });
        return gpu.policyUpdate({ ...i, scoreMetrics: scored.metrics });
      },
    };
    return gpu;
  }

  control(): ControlActivities {
    return {
      initRun: async (i) => (this.note('initRun', { ...i }), this.init),
      recordStage: async (i) => {
        this.note('recordStage', { ...i });
        this.recorded.push({ stage: i.stage, result: i.result });
      },
      scoreRollouts: async (i) => (
        this.note('scoreRollouts', { ...i }),
        { scoredKey: 's', metrics: { reward: 0.5, accuracy: 0.5 }, usableSamples: 8 }
      ),
      findResumePoint: async (i) => (
        this.note('findResumePoint', { ...i }),
        i.atMostStep > 0 ? { iteration: i.atMostStep - 1, policy: ref(i.stage, i.atMostStep - 1) } : undefined
      ),
      finishRun: async (i) => void this.note('finishRun', { ...i }),
      buildReport: async (i) => (
        this.note('buildReport', { ...i }),
        {
          htmlUri: 's3://b/report.html',
          jsonUri: 's3://b/report.json',
          targetsMet: 0,
          targetsTotal: 0,
          link: {
            url: `http://s3.test/report.html?build=${this.of('buildReport').length}`,
            expiresAt: '2026-12-08T00:00:00.000Z',
          },
        }
      ),
    };
  }

  of(name: string, stage?: string) {
    return this.calls.filter((c) => c.name === name && (stage === undefined || c.stage === stage));
  }
}

const CONFIG = { preset: 'micro', workflow: { continueAsNewAfter: 1 } };

/** Runs `body` with a control worker (workflows + local control activities) and a gpu worker on fresh task queues. */
async function withWorkers<T>(mocks: Mocks, body: (taskQueue: string) => Promise<T>): Promise<T> {
  // the pipeline's own task-queue names: this server is used by this file alone
  const control = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: CONTROL_QUEUE,
    workflowBundle: bundle,
    activities: mocks.control(),
  });
  const gpu = await Worker.create({ connection: env.nativeConnection, taskQueue: GPU_QUEUE, activities: mocks.gpu() });
  return gpu.runUntil(control.runUntil(body(CONTROL_QUEUE)));
}

let runs = 0;
const runId = () => `mock-run-${++runs}`;

describe('r1Pipeline with mocked activities', () => {
  test('every stage runs in order and each builds on the right checkpoints', { timeout: 120_000 }, async () => {
    const mocks = new Mocks();
    const result = await withWorkers(mocks, (taskQueue) =>
      env.client.workflow.execute(r1Pipeline, { taskQueue, workflowId: runId(), args: [CONFIG] }),
    );
    assert.deepEqual(
      mocks.recorded.map((r) => r.stage),
      ['pretrain', 'r1Zero', 'coldStartSft', 'reasoningRl', 'rejectionSft', 'finalRl'],
    );
    // cold start fine-tunes the base model on samples of the R1-Zero model
    const coldData = mocks.of('buildSftData', 'coldStartSft')[0]!.input.policy as CheckpointRef;
    const coldInit = mocks.of('sft', 'coldStartSft')[0]!.input.init as CheckpointRef;
    assert.equal(coldData.sha256, result.stages.r1Zero!.checkpoint.sha256);
    assert.equal(coldInit.sha256, result.stages.pretrain!.checkpoint.sha256);
    // reasoning RL starts from cold start; rejection sampling draws from reasoning RL; final RL from rejection SFT
    assert.equal((mocks.of('rollouts', 'reasoningRl')[0]!.input.policy as CheckpointRef).sha256, 'coldStartSft-7');
    assert.equal(
      (mocks.of('buildSftData', 'rejectionSft')[0]!.input.policy as CheckpointRef).sha256,
      result.stages.reasoningRl!.checkpoint.sha256,
    );
    assert.equal((mocks.of('rollouts', 'finalRl')[0]!.input.policy as CheckpointRef).sha256, 'rejectionSft-7');
    // each GRPO step feeds the previous update's checkpoint to the next rollouts: micro's r1Zero has 3 steps
    const r1Zero = mocks.of('rollouts', 'r1Zero').map((c) => (c.input.policy as CheckpointRef).sha256);
    assert.deepEqual(r1Zero, ['pretrain-20', 'r1Zero-1', 'r1Zero-2']);
    assert.equal(result.stages.r1Zero!.checkpoint.sha256, 'r1Zero-3');
    // unsharded, each step is one grpoStep activity that does the three
    assert.equal(mocks.of('grpoStep', 'r1Zero').length, 3);
    // typed results: the eval and the SFT data report travel with each stage
    assert.equal(result.stages.coldStartSft!.eval?.pass1, 0.5);
    assert.equal(result.stages.coldStartSft!.data?.kept, 3);
    assert.equal(result.reportHtmlUri, 's3://b/report.html');
  });

  test(
    'a GRPO stage continues as new every continueAsNewAfter iterations and carries its place',
    { timeout: 120_000 },
    async () => {
      const mocks = new Mocks();
      const id = runId();
      await withWorkers(mocks, (taskQueue) =>
        env.client.workflow.execute(r1Pipeline, { taskQueue, workflowId: id, args: [CONFIG] }),
      );
      const runsOfStage: string[] = [];
      for await (const w of env.client.workflow.list({ query: `WorkflowId = '${id}/r1Zero'` }))
        runsOfStage.push(w.status.name);
      // 3 iterations, one per run: two runs continued as new, the last completed
      assert.deepEqual(runsOfStage.sort(), ['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
      assert.deepEqual(
        mocks.of('policyUpdate', 'r1Zero').map((c) => c.input.step),
        [0, 1, 2],
      );
    },
  );

  test(
    'one step off-policy, a GRPO stage that continues as new samples each step once, from the policy before the one it updates',
    { timeout: 120_000 },
    async () => {
      const mocks = new Mocks();
      const id = runId();
      const config = { ...CONFIG, stages: { r1Zero: { grpo: { staleness: 1 } } } };
      const result = await withWorkers(mocks, (taskQueue) =>
        env.client.workflow.execute(r1Pipeline, { taskQueue, workflowId: id, args: [config] }),
      );
      const runsOfStage: string[] = [];
      for await (const w of env.client.workflow.list({ query: `WorkflowId = '${id}/r1Zero'` }))
        runsOfStage.push(w.status.name);
      assert.deepEqual(runsOfStage.sort(), ['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
      const sha = (c: { input: Record<string, unknown> }) => (c.input.policy as CheckpointRef).sha256;
      assert.deepEqual(
        mocks.of('rollouts', 'r1Zero').map((c) => `${String(c.input.step)}<${sha(c)}`),
        ['0<pretrain-20', '1<pretrain-20', '2<r1Zero-1'],
      );
      assert.deepEqual(
        mocks.of('policyUpdate', 'r1Zero').map((c) => `${String(c.input.step)}:${sha(c)}:${String(c.input.staleness)}`),
        ['0:pretrain-20:0', '1:r1Zero-1:1', '2:r1Zero-2:1'],
      );
      assert.equal(mocks.of('grpoStep', 'r1Zero').length, 0, 'the step is split so its rollouts can overlap');
      assert.equal(result.stages.r1Zero!.checkpoint.sha256, 'r1Zero-3');
    },
  );

  test(
    'a failed stage waits; a bad patch is refused; resume with a patch retries it under the new config',
    { timeout: 120_000 },
    async () => {
      const mocks = new Mocks();
      mocks.failures.set('rollouts:r1Zero', 1);
      const id = runId();
      await withWorkers(mocks, async (taskQueue) => {
        const handle = await env.client.workflow.start(r1Pipeline, { taskQueue, workflowId: id, args: [CONFIG] });
        let progress = await handle.query(progressQuery);
        for (let i = 0; i < 200 && progress.status !== 'waiting-for-resume'; i++) {
          await new Promise((r) => setTimeout(r, 50));
          progress = await handle.query(progressQuery);
        }
        assert.equal(progress.status, 'waiting-for-resume');
        assert.equal(progress.waiting?.stage, 'r1Zero');
        assert.match(progress.waiting?.error ?? '', /rollouts:r1Zero failed on purpose/);
        await assert.rejects(
          handle.executeUpdate(resumeUpdate, { args: [{ patch: { stages: { r1Zero: { grpo: { groupSize: 1 } } } } }] }),
          (err: unknown) =>
            err instanceof WorkflowUpdateFailedError && /groupSize: must be ≥ 2/.test(String(err.cause?.message)),
        );
        assert.equal(
          (await handle.query(progressQuery)).status,
          'waiting-for-resume',
          'a refused patch leaves the run waiting',
        );
        const accepted = await handle.executeUpdate(resumeUpdate, {
          args: [{ patch: { stages: { r1Zero: { grpo: { steps: 1 } } } } }],
        });
        assert.match(accepted, /resuming stage r1Zero/);
        const result = await handle.result();
        assert.equal(result.stages.r1Zero!.checkpoint.step, 1, 'r1Zero ran with the patched step count');
      });
      // pretraining is not redone after the resume
      assert.equal(mocks.of('pretrain').length, 1);
      assert.equal(mocks.of('rollouts', 'r1Zero').length, 2, 'the failed attempt, then one step under the patch');
    },
  );

  test(
    'a checkpoint of the run that fails to verify is repaired from the one before it',
    { timeout: 120_000 },
    async () => {
      const mocks = new Mocks();
      const id = runId();
      mocks.corrupt.set('rollouts:r1Zero:2', `runs/${id}/r1Zero/ckpt/step-000002/params.safetensors`);
      const result = await withWorkers(mocks, (taskQueue) =>
        env.client.workflow.execute(r1Pipeline, { taskQueue, workflowId: id, args: [CONFIG] }),
      );
      assert.deepEqual(
        mocks.of('rollouts', 'r1Zero').map((c) => c.input.step),
        [0, 1, 2, 1, 2],
        'the steps after the newest good checkpoint run again',
      );
      assert.deepEqual(
        mocks.of('findResumePoint').map((c) => c.input.atMostStep),
        [2],
      );
      assert.equal(result.stages.r1Zero!.checkpoint.sha256, 'r1Zero-3');
    },
  );

  test('a missing object outside the run is not repaired: the run waits', { timeout: 120_000 }, async () => {
    const mocks = new Mocks();
    mocks.corrupt.set('rollouts:r1Zero:0', 'datasets/problems.jsonl');
    await withWorkers(mocks, async (taskQueue) => {
      const handle = await env.client.workflow.start(r1Pipeline, { taskQueue, workflowId: runId(), args: [CONFIG] });
      for (let i = 0; i < 200; i++) {
        if ((await handle.query(progressQuery).catch(() => undefined))?.status === 'waiting-for-resume') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((await handle.query(progressQuery)).waiting?.stage, 'r1Zero');
      await handle.executeUpdate(abortUpdate, { args: ['done'] });
      await handle.result().catch(() => undefined);
    });
    assert.equal(mocks.of('findResumePoint').length, 0);
  });

  test('abort while waiting ends the run as aborted', { timeout: 120_000 }, async () => {
    const mocks = new Mocks();
    mocks.failures.set('evaluate:pretrain', 1);
    const id = runId();
    await withWorkers(mocks, async (taskQueue) => {
      const handle = await env.client.workflow.start(r1Pipeline, { taskQueue, workflowId: id, args: [CONFIG] });
      for (let i = 0; i < 200 && (await handle.query(progressQuery)).status !== 'waiting-for-resume'; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(await handle.executeUpdate(abortUpdate, { args: ['not needed any more'] }), /being aborted/);
      await assert.rejects(
        handle.result(),
        (err: unknown) =>
          err instanceof WorkflowFailedError && /aborted: not needed any more/.test(String(err.cause?.message)),
      );
      assert.equal((await handle.query(progressQuery)).status, 'aborted');
    });
    assert.equal(mocks.of('recordStage').length, 0, 'nothing was recorded as done');
  });

  test('finished stages from initRun are reused, not run again', { timeout: 120_000 }, async () => {
    const mocks = new Mocks();
    const done = (stage: string, step: number): StageResult => ({
      checkpoint: ref(stage, step),
      eval: evalSummary({ pass1: 0.9 }),
    });
    mocks.init = {
      doneStages: { pretrain: done('pretrain', 20), r1Zero: done('r1Zero', 3), coldStartSft: done('coldStartSft', 7) },
      pretrainHash: 'hash',
    };
    const result = await withWorkers(mocks, (taskQueue) =>
      env.client.workflow.execute(r1Pipeline, { taskQueue, workflowId: runId(), args: [CONFIG] }),
    );
    assert.equal(
      mocks.of('pretrain').length + mocks.of('rollouts', 'r1Zero').length + mocks.of('sft', 'coldStartSft').length,
      0,
    );
    assert.deepEqual(
      mocks.recorded.map((r) => r.stage),
      ['reasoningRl', 'rejectionSft', 'finalRl'],
    );
    assert.equal((mocks.of('rollouts', 'reasoningRl')[0]!.input.policy as CheckpointRef).sha256, 'coldStartSft-7');
    assert.equal(result.stages.pretrain!.eval?.pass1, 0.9);
  });

  test(
    'the report is rebuilt after every stage and linked from the details; a failed rebuild does not stop the run',
    { timeout: 120_000 },
    async () => {
      const mocks = new Mocks();
      // the first rebuild (after pretrain) fails on its only attempt
      mocks.failures.set('buildReport:undefined', 1);
      const config = { ...CONFIG, workflow: { continueAsNewAfter: 1, activityRetries: 1 } };
      await withWorkers(mocks, async (taskQueue) => {
        const handle = await env.client.workflow.start(r1Pipeline, { taskQueue, workflowId: runId(), args: [config] });
        await handle.result();
        const progress = await handle.query(progressQuery);
        assert.equal(progress.status, 'done');
        assert.equal(progress.reportLink?.url, 'http://s3.test/report.html?build=7', 'the final build’s link');
      });
      const builds = mocks.of('buildReport');
      assert.equal(builds.length, 7, 'after each of the six stages, and at the end');
      // each rebuild sees the stages done so far
      assert.deepEqual(
        builds.map((b) => Object.keys(b.input.stages as object).length),
        [1, 2, 3, 4, 5, 6, 6],
      );
    },
  );
});
