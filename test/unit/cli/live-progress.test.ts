import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLiveStage } from '../../../cli/live-progress';
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
