import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  asPipelineResult,
  formatDuration,
  formatTable,
  plainUpdates,
  progressBar,
  redrawFrame,
  renderProgress,
  reportLines,
  stageLine,
  stageTable,
  waitingLines,
} from '../../../cli/progress-view';
import type { PipelineProgress, StageProgress } from '../../../contracts/progress';
import { evalSummary } from '../../helpers/eval-summary';

function stage(over: Partial<StageProgress> & Pick<StageProgress, 'stage'>): StageProgress {
  return { status: 'pending', step: 0, totalSteps: 0, metrics: {}, ...over };
}

function progress(stages: StageProgress[], over: Partial<PipelineProgress> = {}): PipelineProgress {
  return { runId: 'r1-tiny-20250102-030405-beef', preset: 'tiny', status: 'running', stages, ...over };
}

const failedWaiting = progress(
  [
    stage({ stage: 'pretrain', status: 'done', step: 20, totalSteps: 20, metrics: { loss: 2 } }),
    stage({
      stage: 'r1Zero',
      status: 'failed',
      step: 2,
      totalSteps: 3,
      error: 'rollouts: cannot read s3://b/data.jsonl\nline two',
    }),
  ],
  {
    status: 'waiting-for-resume',
    waiting: {
      stage: 'r1Zero',
      error: 'rollouts: cannot read s3://b/data.jsonl\nline two',
      since: '2025-01-02T03:10:00.000Z',
    },
  },
);

describe('stage lines', () => {
  test('a running RL stage shows its bar, steps, reward and accuracy', () => {
    const s = stage({
      stage: 'r1Zero',
      status: 'running',
      step: 9,
      totalSteps: 30,
      metrics: { reward: 0.41234, accuracy: 0.38, loss: 7 },
    });
    assert.equal(
      stageLine(s, { barWidth: 10 }),
      '▶ r1Zero        ███░░░░░░░       9/30  running  reward 0.412  acc 38.0%',
    );
  });

  test('a finished supervised stage shows its loss and the eval numbers', () => {
    const s = stage({
      stage: 'pretrain',
      status: 'done',
      step: 600,
      totalSteps: 600,
      metrics: { loss: 1.5 },
      eval: evalSummary({ pass1: 0.125, formatRate: 0.5, languageConsistency: 1, refusalCorrectness: 0.95 }),
    });
    assert.equal(
      stageLine(s, { barWidth: 4 }),
      '✔ pretrain      ████    600/600  done     loss 1.500  │ eval pass@1 12.5%  format 50.0%  lang 100.0%  refusal 95.0%',
    );
  });

  test('a pending stage has an empty bar and no numbers', () => {
    assert.equal(stageLine(stage({ stage: 'finalRl' }), { barWidth: 3 }), '· finalRl       ░░░          –  pending');
  });

  test('the bar is full for done and reused stages whatever their step', () => {
    assert.equal(progressBar(stage({ stage: 'pretrain', status: 'reused', step: 0, totalSteps: 0 }), 5), '█████');
    assert.equal(progressBar(stage({ stage: 'r1Zero', status: 'running', step: 1, totalSteps: 2 }), 4), '██░░');
  });
});

describe('live view', () => {
  test('a waiting run shows the error and the exact resume and abort commands', () => {
    const lines = renderProgress(failedWaiting);
    assert.match(lines[0]!, /^r1flow run r1-tiny-20250102-030405-beef \(tiny\) — WAITING/);
    assert.ok(lines.includes('    rollouts: cannot read s3://b/data.jsonl'));
    assert.ok(lines.includes('    line two'));
    assert.ok(lines.includes('    r1flow resume r1-tiny-20250102-030405-beef'));
    assert.ok(lines.includes('    r1flow resume r1-tiny-20250102-030405-beef --patch FILE'));
    assert.ok(lines.includes('    r1flow abort r1-tiny-20250102-030405-beef'));
  });

  test('long errors are cut to a few lines', () => {
    const error = Array.from({ length: 10 }, (_, i) => `frame ${i}`).join('\n');
    const lines = waitingLines({ ...failedWaiting, waiting: { stage: 'r1Zero', error, since: 'now' } }, 3);
    assert.ok(lines.includes('    frame 2'));
    assert.ok(!lines.includes('    frame 3'));
    assert.ok(lines.some((l) => l.includes('7 more lines')));
  });

  test('lines are clipped to the terminal width so a redraw never wraps', () => {
    for (const line of renderProgress(failedWaiting, { columns: 40 })) assert.ok([...line].length <= 40, line);
  });

  test('the header names the current stage and the elapsed time', () => {
    const p = progress([stage({ stage: 'r1Zero', status: 'running', step: 1, totalSteps: 3 })], {
      currentStage: 'r1Zero',
    });
    assert.equal(
      renderProgress(p, { elapsedMs: 65_000 })[0],
      'r1flow run r1-tiny-20250102-030405-beef (tiny) — running, stage r1Zero · 1m05s',
    );
  });

  test('a redraw moves the cursor up over the old frame, rewrites each line and erases the rest', () => {
    assert.equal(redrawFrame(3, ['a', 'b']), '\x1b[3A\r\x1b[2Ka\n\x1b[2Kb\n\x1b[J');
    assert.equal(redrawFrame(0, ['a']), '\x1b[2Ka\n\x1b[J');
  });
});

describe('plain updates for logs', () => {
  const first = progress([
    stage({ stage: 'pretrain', status: 'running', step: 5, totalSteps: 20, metrics: { loss: 3 } }),
    stage({ stage: 'r1Zero' }),
  ]);

  test('the first poll prints the run and every stage that has started', () => {
    assert.deepEqual(plainUpdates(undefined, first), [
      '[run] r1-tiny-20250102-030405-beef running (preset tiny)',
      '[pretrain] running  5/20  loss 3.000',
    ]);
  });

  test('nothing changed, nothing printed', () => {
    assert.deepEqual(plainUpdates(first, structuredClone(first)), []);
  });

  test('a step prints one line for that stage only', () => {
    const next = structuredClone(first);
    next.stages[0]!.step = 6;
    assert.deepEqual(plainUpdates(first, next), ['[pretrain] running  6/20  loss 3.000']);
  });

  test('the waiting block is printed once per failure', () => {
    const lines = plainUpdates(first, failedWaiting);
    assert.ok(lines.includes('[run] r1-tiny-20250102-030405-beef waiting-for-resume (preset tiny)'));
    assert.ok(lines.includes('    r1flow abort r1-tiny-20250102-030405-beef'));
    assert.deepEqual(plainUpdates(failedWaiting, structuredClone(failedWaiting)), []);
  });

  test('the report is announced when it appears', () => {
    const done = { ...first, status: 'done' as const, reportUri: 's3://b/runs/x/report.json' };
    assert.ok(plainUpdates(first, done).includes('[run] report: s3://b/runs/x/report.json'));
  });
});

describe('final table', () => {
  test('columns are aligned', () => {
    assert.deepEqual(
      formatTable(
        ['A', 'BB'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
      ['A    BB', 'xyz  1', 'q    22'],
    );
  });

  test('built from the result alone when there is no progress', () => {
    const result = asPipelineResult({
      runId: 'r',
      stages: {
        pretrain: {
          checkpoint: { uri: 's3://b/p', sha256: 'abcdef0123456789', step: 20, metrics: { loss: 2 } },
          eval: { pass1: 0.5 },
        },
      },
    });
    const lines = stageTable(undefined, result);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^STAGE\s+STATUS\s+STEPS\s+TRAIN\s+PASS@1/);
    assert.match(lines[1]!, /^pretrain\s+done\s+20\s+loss 2\.000\s+50\.0%\s+–/);
    assert.match(lines[1]!, /sha256:abcdef012345$/);
  });

  test('progress gives status and eval; the result adds the checkpoint', () => {
    const p = progress([
      stage({
        stage: 'pretrain',
        status: 'done',
        step: 20,
        totalSteps: 20,
        metrics: { loss: 2 },
        eval: evalSummary({ pass1: 0.25, meanLength: 12 }),
      }),
      stage({ stage: 'r1Zero', status: 'skipped' }),
    ]);
    const lines = stageTable(
      p,
      asPipelineResult({ stages: { pretrain: { checkpoint: { sha256: '0123456789abcdef' } } } }),
    );
    assert.match(lines[1]!, /^pretrain\s+done\s+20\/20\s+loss 2\.000\s+25\.0%.*12\.0\s+sha256:0123456789ab$/);
    assert.match(lines[2]!, /^r1Zero\s+skipped\s+–/);
  });

  test('a malformed result is read without trusting it', () => {
    assert.equal(asPipelineResult('nope'), undefined);
    const r = asPipelineResult({
      stages: { a: 'x', c: { sha256: 'x' }, b: { checkpoint: { sha256: 5, metrics: { ok: 1, bad: 'x' } }, eval: 3 } },
    });
    assert.deepEqual(r?.stages, {
      b: { uri: undefined, sha256: undefined, step: undefined, metrics: { ok: 1 }, eval: undefined },
    });
  });

  test('report location prefers the HTML page and keeps the JSON', () => {
    assert.deepEqual(
      reportLines(undefined, { stages: {}, reportUri: 's3://b/r.json', reportHtmlUri: 's3://b/r.html' }),
      ['Report (HTML): s3://b/r.html', 'Report (JSON): s3://b/r.json'],
    );
    assert.deepEqual(reportLines(progress([], { reportUri: 's3://b/r.json' }), undefined), ['Report: s3://b/r.json']);
  });

  test('durations', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(65_000), '1m05s');
    assert.equal(formatDuration(3_725_000), '1h02m');
  });
});
