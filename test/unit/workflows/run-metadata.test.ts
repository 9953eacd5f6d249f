// The static summary and details every starter gives a run, and those of its stage workflows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../../recipe/config';
import {
  pipelineDetails,
  pipelineStartMetadata,
  pipelineSummary,
  stageStartMetadata,
  stepRangeText,
} from '../../../workflows/run-metadata';

const ref = (stage: string, step: number) => ({
  uri: `s3://b/runs/r/${stage}/ckpt/step-${step}/`,
  key: `runs/r/${stage}/ckpt/step-${step}`,
  sha256: 'ab'.repeat(32),
  step,
  metrics: {},
});

test('the summary names preset, model, seed and lineage on one line', () => {
  assert.equal(pipelineSummary(resolveConfig({ preset: 'micro' })), 'micro · GPT 1×32 (2 heads, context 96) · seed 1');
  assert.equal(
    pipelineSummary(
      resolveConfig({ preset: 'tiny', seed: 7, lineage: 'nightly', resumeFrom: 'r-1', rerunFrom: 'finalRl' }),
    ),
    'tiny · Llama 2×96 (4 heads, context 128) · seed 7 · lineage nightly · from run r-1 (rerun from finalRl)',
  );
  assert.match(pipelineSummary(resolveConfig({ model: { nLayers: 1 } })), /^custom config · GPT 1×64/);
  assert.equal(
    pipelineSummary(resolveConfig({ preset: 'smollm2' })),
    'smollm2 · base model smollm2-135m-instruct (context 256) · seed 1',
  );
});

test('the details table shows the resolved config, one row per stage', () => {
  const details = pipelineDetails(
    resolveConfig({
      preset: 'micro',
      stages: { finalRl: { enabled: false } },
      data: { reasoning: { uri: 's3://b/data|x.jsonl', onBadLine: 'skip' } },
    }),
  );
  const rows = details.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| setting'));
  const cells = new Map(rows.map((r) => r.slice(2, -2).split(' | ') as [string, string]));
  assert.equal(cells.get('preset'), 'micro');
  assert.equal(cells.get('seed'), '1');
  assert.equal(cells.get('r1Zero'), '3 GRPO steps × 2 prompts × 4 samples');
  assert.equal(cells.get('pretrain'), '20 steps × 8 documents (reused from the cache when one matches)');
  assert.equal(cells.get('coldStartSft'), '4 prompts × 2 samples, filtered; SFT 1 epoch in batches of 4');
  assert.equal(cells.get('finalRl'), 'skipped');
  // a `|` in a value is escaped, so it stays in its cell
  assert.equal(cells.get('reasoning data'), 's3://b/data\\|x.jsonl (bad lines: skip)');
  assert.equal(cells.get('evaluation'), '8 problems × 2 samples (pass@2), 4 general prompts');
});

test('start metadata is the summary and the details together', () => {
  const config = resolveConfig({ preset: 'micro' });
  assert.deepEqual(pipelineStartMetadata(config), {
    staticSummary: pipelineSummary(config),
    staticDetails: pipelineDetails(config),
  });
});

test('a stage workflow carries its stage, step range and input checkpoints', () => {
  const config = resolveConfig({ preset: 'micro' });
  const base = ref('pretrain', 20);
  const input = { runId: 'r', parentWorkflowId: 'r', config, pretrainHash: 'h' };
  const r1Zero = stageStartMetadata({ ...input, stage: 'r1Zero', init: base, reference: base });
  assert.equal(r1Zero.staticSummary, 'r1Zero of run r · steps 1–3 of 3');
  assert.match(
    r1Zero.staticDetails,
    /\| starts from \| s3:\/\/b\/runs\/r\/pretrain\/ckpt\/step-20\/ \(step 20, sha256 abababababab…\) \|/,
  );
  assert.match(r1Zero.staticDetails, /\| KL reference \| s3:\/\/b\/runs\/r\/pretrain/);
  assert.doesNotMatch(r1Zero.staticDetails, /samples from/);
  assert.equal(stageStartMetadata({ ...input, stage: 'pretrain' }).staticSummary, 'pretrain of run r · steps 1–20');
  assert.equal(
    stageStartMetadata({ ...input, stage: 'pretrain', init: base }).staticSummary,
    'pretrain of run r · base model reused, evaluation only',
  );
  assert.equal(
    stageStartMetadata({ ...input, stage: 'coldStartSft', init: base, source: ref('r1Zero', 3) }).staticSummary,
    'coldStartSft of run r · 1 epoch over its filtered data',
  );
});

test('a GRPO run continued as new names the steps it covers', () => {
  const config = resolveConfig({ preset: 'micro' });
  assert.equal(stepRangeText('r1Zero', config, 2, 4), 'steps 3–3 of 3');
  assert.equal(stepRangeText('reasoningRl', config, 0, 2), 'steps 1–2 of 2');
  const capped = resolveConfig({ preset: 'micro', stages: { rejectionSft: { sft: { maxSteps: 5, epochs: 2 } } } });
  assert.equal(stepRangeText('rejectionSft', capped), '2 epochs over its filtered data, at most 5 steps');
});
