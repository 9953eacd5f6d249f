import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTargets, type ModelEval, type RunReport, type TargetResult } from '../../../../recipe/report';

// Every target exactly on its bar; the individual tests move one number across it.
function boundaryReport(): RunReport {
  const good: ModelEval = {
    pass1: 0.9,
    formatRate: 0.99,
    languageConsistency: 0.98,
    refusalCorrectness: 0.95,
    helpfulRate: 0.8,
  };
  return {
    version: 1,
    runId: 'boundary',
    preset: 'tiny',
    wallSeconds: 1200,
    baseEval: { pass1: 0.45 },
    stages: {
      r1Zero: { status: 'completed', eval: { pass1: 0.65, formatRate: 0.9, languageConsistency: 0.9 } },
      reasoningRl: { status: 'completed', eval: { languageConsistency: 0.98 } },
      finalRl: { status: 'completed', eval: good },
    },
  };
}

function byId(results: TargetResult[]): Record<string, TargetResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

const ALL_IDS = [
  'r1ZeroAccuracyGain',
  'r1ZeroFormatRate',
  'reasoningRlLanguageConsistency',
  'reasoningRlLanguageGain',
  'finalAccuracy',
  'finalFormatRate',
  'finalLanguageConsistency',
  'finalRefusalCorrectness',
  'finalHelpfulRate',
  'wallTime',
];

describe('evaluateTargets on the tiny preset', () => {
  test('judges every issue target, in a fixed order', () => {
    assert.deepEqual(
      evaluateTargets(boundaryReport()).map((t) => t.id),
      ALL_IDS,
    );
  });

  test('values exactly on the bar are met (0.65 − 0.45 counts as 20 points)', () => {
    const results = byId(evaluateTargets(boundaryReport()));
    for (const id of ALL_IDS) assert.equal(results[id]!.met, true, `${id} should be met`);
    assert.ok(Math.abs(results.r1ZeroAccuracyGain!.value! - 20) < 1e-9);
    assert.equal(results.r1ZeroAccuracyGain!.unit, 'points');
    assert.equal(results.wallTime!.value, 1200);
    assert.ok(Math.abs(results.reasoningRlLanguageGain!.value! - 8) < 1e-9);
  });

  test('just below each bar is not met', () => {
    const cases: Array<[string, (r: RunReport) => void]> = [
      [
        'r1ZeroAccuracyGain',
        (r) => {
          r.stages.r1Zero!.eval!.pass1 = 0.6499;
        },
      ],
      [
        'r1ZeroFormatRate',
        (r) => {
          r.stages.r1Zero!.eval!.formatRate = 0.8999;
        },
      ],
      [
        'reasoningRlLanguageConsistency',
        (r) => {
          r.stages.reasoningRl!.eval!.languageConsistency = 0.9799;
        },
      ],
      [
        'finalAccuracy',
        (r) => {
          r.stages.finalRl!.eval!.pass1 = 0.8999;
        },
      ],
      [
        'finalFormatRate',
        (r) => {
          r.stages.finalRl!.eval!.formatRate = 0.9899;
        },
      ],
      [
        'finalLanguageConsistency',
        (r) => {
          r.stages.finalRl!.eval!.languageConsistency = 0.9799;
        },
      ],
      [
        'finalRefusalCorrectness',
        (r) => {
          r.stages.finalRl!.eval!.refusalCorrectness = 0.9499;
        },
      ],
      [
        'finalHelpfulRate',
        (r) => {
          r.stages.finalRl!.eval!.helpfulRate = 0.7999;
        },
      ],
      [
        'wallTime',
        (r) => {
          r.wallSeconds = 1200.5;
        },
      ],
    ];
    for (const [id, change] of cases) {
      const report = boundaryReport();
      change(report);
      const results = byId(evaluateTargets(report));
      assert.equal(results[id]!.met, false, `${id} should not be met`);
      const others = ALL_IDS.filter((other) => other !== id && !results[other]!.met);
      assert.deepEqual(others, [], `only ${id} should change`);
    }
  });

  test('language consistency equal to R1-Zero is not "higher"', () => {
    const report = boundaryReport();
    report.stages.r1Zero!.eval!.languageConsistency = 0.98;
    const results = byId(evaluateTargets(report));
    assert.equal(results.reasoningRlLanguageGain!.met, false);
    assert.equal(results.reasoningRlLanguageConsistency!.met, true);
  });

  test('missing numbers are not met and say what is missing', () => {
    const results = byId(evaluateTargets({ version: 1, runId: 'empty', preset: 'tiny', stages: {} }));
    for (const id of ALL_IDS) {
      assert.equal(results[id]!.met, false, id);
      assert.equal(results[id]!.value, null, id);
      assert.match(results[id]!.detail ?? '', /^not measured/, id);
    }
  });

  test('the base model falls back to the pretraining eval, wall time to the timestamps', () => {
    const report = boundaryReport();
    delete report.baseEval;
    delete report.wallSeconds;
    report.stages.pretrain = { status: 'completed', eval: { pass1: 0.5 } };
    report.createdAt = '2025-06-01T10:00:00Z';
    report.finishedAt = '2025-06-01T10:25:00Z';
    const results = byId(evaluateTargets(report));
    assert.ok(Math.abs(results.r1ZeroAccuracyGain!.value! - 15) < 1e-9);
    assert.equal(results.r1ZeroAccuracyGain!.met, false);
    assert.equal(results.wallTime!.value, 1500);
    assert.equal(results.wallTime!.met, false);
  });

  test('without finalRl the final targets use the last stage with an eval and say so', () => {
    const report = boundaryReport();
    report.stages.rejectionSft = {
      status: 'completed',
      eval: { pass1: 0.95, formatRate: 1, languageConsistency: 1, refusalCorrectness: 1, helpfulRate: 1 },
    };
    report.stages.finalRl = { status: 'failed', error: 'out of memory' };
    const results = byId(evaluateTargets(report));
    assert.equal(results.finalAccuracy!.value, 0.95);
    assert.match(results.finalAccuracy!.detail ?? '', /rejectionSft/);
  });
});

// A run on a base model: R1-Zero raises the format rate by 30 points, the final model keeps pass@1.
function relativeReport(preset: string | null): RunReport {
  return {
    version: 1,
    runId: 'relative',
    preset,
    wallSeconds: 1800,
    baseEval: { pass1: 0.25, formatRate: 0.1 },
    stages: {
      r1Zero: { status: 'completed', eval: { pass1: 0.2, formatRate: 0.4 } },
      finalRl: { status: 'completed', eval: { pass1: 0.25, formatRate: 0.9 } },
    },
  };
}

describe('evaluateTargets on other presets', () => {
  test('smollm2 is judged by its base model and its 30-minute budget, not by the tiny targets', () => {
    const results = evaluateTargets(relativeReport('smollm2'));
    assert.deepEqual(
      results.map((t) => [t.id, t.met]),
      [
        ['r1ZeroFormatGain', true],
        ['finalAccuracyKept', true],
        ['wallTime', true],
      ],
    );
    const gain = byId(results).r1ZeroFormatGain!;
    assert.ok(Math.abs(gain.value! - 30) < 1e-9);
    assert.equal(byId(results).finalAccuracyKept!.detail, 'pass@1, finalRl minus base');
  });

  test('with answer accuracy on both sides, the base is compared with the format aside', () => {
    // a base that answers right in prose: pass@1 0, answers 50 %; the final model answers 40 %
    const report = relativeReport('smollm2');
    report.baseEval!.pass1 = 0;
    report.baseEval!.answerAccuracy = 0.5;
    report.stages.finalRl!.eval!.pass1 = 0.4;
    report.stages.finalRl!.eval!.answerAccuracy = 0.4;
    const kept = byId(evaluateTargets(report)).finalAccuracyKept!;
    assert.equal(kept.met, false);
    assert.ok(Math.abs(kept.value! + 10) < 1e-9, `value ${kept.value}`);
    assert.equal(kept.detail, 'answer accuracy with the format aside, finalRl minus base');
    // only one side has it (a report from before the number): pass@1 on both
    delete report.baseEval!.answerAccuracy;
    assert.equal(byId(evaluateTargets(report)).finalAccuracyKept!.met, true);
  });

  test('a run without a preset of its own gets the recipe goals only', () => {
    for (const preset of [null, 'micro', undefined]) {
      const report = relativeReport(preset ?? null);
      if (preset === undefined) delete report.preset;
      assert.deepEqual(
        evaluateTargets(report).map((t) => t.id),
        ['r1ZeroFormatGain', 'finalAccuracyKept'],
      );
    }
  });

  test('each goal fails just below its bar, and a missing base says so', () => {
    const lessFormat = relativeReport('smollm2');
    lessFormat.stages.r1Zero!.eval!.formatRate = 0.3999;
    assert.equal(byId(evaluateTargets(lessFormat)).r1ZeroFormatGain!.met, false);
    const lostAccuracy = relativeReport('smollm2');
    lostAccuracy.stages.finalRl!.eval!.pass1 = 0.2499;
    assert.equal(byId(evaluateTargets(lostAccuracy)).finalAccuracyKept!.met, false);
    const slow = relativeReport('smollm2');
    slow.wallSeconds = 1800.5;
    assert.equal(byId(evaluateTargets(slow)).wallTime!.met, false);
    const noBase = relativeReport('smollm2');
    delete noBase.baseEval;
    for (const t of evaluateTargets(noBase).slice(0, 2)) {
      assert.equal(t.met, false, t.id);
      assert.match(t.detail ?? '', /^not measured: base model/, t.id);
    }
  });
});
