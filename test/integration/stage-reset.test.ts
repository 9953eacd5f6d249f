// Resetting a stage workflow from the Temporal UI in the middle of an RL stage (the test sends the
// same ResetWorkflowExecution request as the UI's "Reset" button, to the first workflow task):
// the pipeline completes, and every checkpoint equals that of a run that was never reset.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { testConnection } from '../helpers/services';
import { FAST_FAILURE, newRunId, startPipeline, usePipelineTestContext, waitForObjects } from '../helpers/pipeline';
import { STAGE_NAMES } from '../../recipe/config/schema';
import { stageWorkflowId } from '../../workflows/run-id';

const ctx = usePipelineTestContext();

// one run per stage workflow (no continue-as-new), so the run that is reset is the one running
const CONFIG = {
  preset: 'micro',
  seed: 13,
  ...FAST_FAILURE,
  workflow: { ...FAST_FAILURE.workflow, continueAsNewAfter: 100 },
  stages: { reasoningRl: { grpo: { steps: 6 } } },
};

test(
  'a stage workflow reset from the UI mid-stage still ends with the same checkpoints',
  { timeout: 600_000 },
  async () => {
    const reference = await (await startPipeline(ctx.client, newRunId('not-reset'), CONFIG)).result();

    const runId = newRunId('reset');
    const handle = await startPipeline(ctx.client, runId, CONFIG);
    await waitForObjects(ctx.store, `runs/${runId}/reasoningRl/metrics/`, 2);
    const stage = ctx.client.workflow.getHandle(stageWorkflowId(runId, 'reasoningRl'));
    const { runId: stageRunId } = await stage.describe();
    const history = await ctx.client.workflow.getHandle(stage.workflowId, stageRunId).fetchHistory();
    const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
    await ctx.client.workflowService.resetWorkflowExecution({
      namespace: testConnection().temporal.namespace,
      workflowExecution: { workflowId: stage.workflowId, runId: stageRunId },
      workflowTaskFinishEventId: firstTask.eventId,
      reason: 'reset to the first workflow task from the UI',
      requestId: randomUUID(),
    });

    const result = await handle.result();
    const runs: string[] = [];
    for await (const w of ctx.client.workflow.list({ query: `WorkflowId = '${stage.workflowId}'` }))
      runs.push(`${w.runId}:${w.status.name}`);
    assert.ok(
      runs.includes(`${stageRunId}:TERMINATED`),
      `the reset replaced a running stage run (runs: ${runs.join(', ')})`,
    );
    assert.equal(result.stages.reasoningRl!.checkpoint.step, 6);
    for (const s of STAGE_NAMES) {
      assert.equal(
        result.stages[s]!.checkpoint.sha256,
        reference.stages[s]!.checkpoint.sha256,
        `${s}: same checkpoint as the run that was not reset`,
      );
    }
  },
);
