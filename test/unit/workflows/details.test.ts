// The pipeline's current details: summary, stage table, what to do when waiting, report link and
// the exported model's slot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PipelineProgress } from '../../../contracts/progress';
import { STAGE_NAMES } from '../../../recipe/config/stage-names';
import { PRESETS, resolveConfig } from '../../../recipe/config';
import { progressMarkdown } from '../../../workflows/details';
import { totalStepsOf } from '../../../workflows/stage-plan';

const baseModelConfig = resolveConfig({ preset: 'smollm2' });

function progress(extra: Partial<PipelineProgress> = {}): PipelineProgress {
  return {
    runId: 'r-1',
    preset: 'micro',
    status: 'running',
    stages: STAGE_NAMES.map((stage) => ({ stage, status: 'pending', step: 0, totalSteps: 3, metrics: {} })),
    ...extra,
  };
}

test('the details open with the run, its status and its summary, then a stage table that fits a half-width panel', () => {
  const p = progress();
  p.stages[1] = { ...p.stages[1]!, status: 'running', step: 2, metrics: { reward: 0.5, accuracy: 0.25 } };
  const md = progressMarkdown(p, 'micro · GPT 1×32 · seed 1').split('\n');
  assert.equal(md[0], '### r1flow run `r-1` — running');
  assert.equal(md[2], 'micro · GPT 1×32 · seed 1');
  const header = md.find((l) => l.startsWith('| stage'))!;
  assert.equal(header.split('|').length - 2, 7, 'seven columns');
  const r1Zero = md.find((l) => l.startsWith('| r1Zero'))!;
  assert.match(r1Zero, /^\| r1Zero \| running \| 2\/3 \| 0\.500 \| 25\.0 ?% \|/);
  assert.ok(md.includes('**Report**: linked here once the first stage is done.'));
  assert.ok(!md.some((l) => l.includes('Exported model')), 'no export slot while it runs without one');
});

test('a report link shows where it goes and until when; a finished run shows the exported-model slot', () => {
  const link = {
    url: 'http://127.0.0.1:1/b/runs/r-1/report/report.html?X-Amz-Signature=abc',
    expiresAt: '2026-12-08T22:00:30.000Z',
  };
  const running = progressMarkdown(progress({ reportLink: link }));
  assert.match(
    running,
    /\*\*Report\*\* \(so far\): \[open report\.html\]\(http:\/\/127\.0\.0\.1:1\/b\/runs\/r-1\/report\/report\.html\?X-Amz-Signature=abc\) — the link works until 2026-12-08 22:00 UTC; after that regenerate with `r1flow report r-1`\./,
  );
  const done = progressMarkdown(
    progress({ status: 'done', reportLink: link, reportUri: 's3://b/runs/r-1/report/report.html' }),
  );
  assert.match(done, /\*\*Report\*\* \(final\): .* \(`s3:\/\/b\/runs\/r-1\/report\/report\.html`\)\./);
  assert.match(done, /\*\*Exported model\*\*: none recorded in the run manifest\./);
  const exported = progressMarkdown(progress({ status: 'done', exportedModelUri: 's3://b/runs/r-1/export/hf/' }));
  assert.match(exported, /\*\*Exported model\*\*: `s3:\/\/b\/runs\/r-1\/export\/hf\/`/);
});

test('a waiting run says which stage failed, why, and how to resume from the UI', () => {
  const md = progressMarkdown(
    progress({
      status: 'waiting-for-resume',
      waiting: { stage: 'r1Zero', error: 'data.jsonl line 3: invalid JSON', since: '2026-01-01T00:00:00Z' },
    }),
  );
  assert.match(md, /\*\*Stage `r1Zero` failed\*\* and the run is waiting: data\.jsonl line 3: invalid JSON/);
  assert.match(md, /send the `resume` update from this page with `\{"patch":\{…\}\}`/);
});

test('a stage without known steps shows a dash, not 0/0; an imported base model has no pretraining steps', () => {
  const p = progress();
  p.stages[0] = { ...p.stages[0]!, status: 'done', step: 0, totalSteps: totalStepsOf('pretrain', baseModelConfig) };
  p.stages[2] = { ...p.stages[2]!, status: 'running', step: 5, totalSteps: 0 };
  const md = progressMarkdown(p).split('\n');
  assert.match(
    md.find((l) => l.startsWith('| pretrain'))!,
    /^\| pretrain \| done \| – \|/,
  );
  assert.match(
    md.find((l) => l.startsWith('| coldStartSft'))!,
    /^\| coldStartSft \| running \| 5 \|/,
  );
  assert.equal(totalStepsOf('pretrain', resolveConfig({ preset: 'micro' })), PRESETS.micro!.stages!.pretrain!.steps);
});
