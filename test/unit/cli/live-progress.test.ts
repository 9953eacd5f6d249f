import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepShownSteps, withLiveStage } from '../../../cli/live-progress';
import type { PipelineProgress } from '../../../contracts/progress';

const progress = (): PipelineProgress => ({
  runId: 'r',
  status: 'running',
  currentStage: 'pretrain',
  stages: [
    { stage: 'pretrain', status: 'running', step: 0, totalSteps: 20, metrics: {}, workflowId: 'r/pretrain' },
    { stage: 'r1Zero', status: 'pending', step: 0, totalSteps: 3, metrics: {} },
  ],
});

test('withLiveStage fills in the running stage only', () => {
  const merged = withLiveStage(progress(), { stage: 'pretrain', step: 7, totalSteps: 20, metrics: { loss: 1.5 } });
  assert.deepEqual({ step: merged.stages[0]!.step, loss: merged.stages[0]!.metrics.loss }, { step: 7, loss: 1.5 });
  assert.deepEqual(merged.stages[1], progress().stages[1]);
  const other = withLiveStage(progress(), { stage: 'r1Zero', step: 2, totalSteps: 3, metrics: {} });
  assert.equal(other.stages[1]!.step, 0, 'a stage that is not running keeps its own numbers');
});

test('withLiveStage never moves a stage backwards', () => {
  const p = progress();
  p.stages[0]!.step = 9;
  p.stages[0]!.metrics = { loss: 1 };
  const merged = withLiveStage(p, { stage: 'pretrain', step: 4, totalSteps: 20, metrics: { loss: 2 } });
  assert.deepEqual({ step: merged.stages[0]!.step, loss: merged.stages[0]!.metrics.loss }, { step: 9, loss: 1 });
});

test('keepShownSteps holds a running stage at the step already shown when an answer is older', () => {
  const shown = withLiveStage(progress(), { stage: 'pretrain', step: 12, totalSteps: 20, metrics: { loss: 0.9 } });
  // the stage query timed out: the pipeline's own progress says step 0
  const kept = keepShownSteps(shown, progress());
  assert.deepEqual({ step: kept.stages[0]!.step, loss: kept.stages[0]!.metrics.loss }, { step: 12, loss: 0.9 });
  const newer = withLiveStage(progress(), { stage: 'pretrain', step: 15, totalSteps: 20, metrics: { loss: 0.8 } });
  assert.equal(keepShownSteps(shown, newer).stages[0]!.step, 15, 'a newer answer wins');
  assert.equal(keepShownSteps(undefined, progress()).stages[0]!.step, 0);
});

test('keepShownSteps lets a stage that stopped running, or runs as another workflow, start afresh', () => {
  const shown = withLiveStage(progress(), { stage: 'pretrain', step: 12, totalSteps: 20, metrics: {} });
  const failed = progress();
  failed.stages[0]!.status = 'failed';
  assert.equal(keepShownSteps(shown, failed).stages[0]!.step, 0);
  const rerun = progress();
  rerun.stages[0]!.workflowId = 'r/pretrain-2';
  assert.equal(keepShownSteps(shown, rerun).stages[0]!.step, 0);
});
