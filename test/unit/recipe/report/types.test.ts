import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunReport, ReportError, type RunReport } from '../../../../recipe/report';
import { sampleReport } from './fixture';

// the report as untyped JSON, so that each test can break any field of it
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = Record<string, any>;

function withChange(change: (r: LooseJson) => void): unknown {
  const r = structuredClone(sampleReport()) as LooseJson;
  change(r);
  return r;
}

function problemsOf(value: unknown): string[] {
  try {
    parseRunReport(value, 'report.json');
  } catch (err) {
    assert.ok(err instanceof ReportError);
    assert.match(err.message, /^report\.json is not a valid run report: /);
    return err.problems;
  }
  assert.fail('expected the report to be rejected');
}

describe('RunReport schema', () => {
  test('accepts a full report and keeps its numbers', () => {
    const parsed = parseRunReport(sampleReport());
    assert.equal(parsed.stages.r1Zero?.eval?.pass1, 0.586);
    assert.equal(parsed.stages.coldStartSft?.data?.[0]?.dropped?.mixedLanguage, 95);
    assert.equal(parsed.stages.pretrain?.curve?.[1]?.step, 10);
  });

  test('accepts a minimal report of a run that has not finished a stage', () => {
    const minimal: RunReport = parseRunReport({ version: 1, runId: 'r', stages: { pretrain: { status: 'running' } } });
    assert.equal(minimal.stages.r1Zero, undefined);
    assert.equal(minimal.stages.pretrain?.status, 'running');
  });

  test('keeps extra eval numbers', () => {
    const parsed = parseRunReport(
      withChange((r) => {
        r.baseEval.customScore = 0.5;
      }),
    );
    assert.equal(parsed.baseEval?.customScore, 0.5);
  });

  test('a wrong eval value is reported with its path', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.stages.r1Zero.eval.pass1 = 'high';
      }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^stages\.r1Zero\.eval\.pass1: /);
  });

  test('a fraction above 1 is rejected (fractions are 0..1, not percent)', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.stages.finalRl.eval.formatRate = 99.5;
      }),
    );
    assert.match(problems[0]!, /^stages\.finalRl\.eval\.formatRate: /);
  });

  test('a curve value that is not a number is reported with its index', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.stages.pretrain.curve[2].loss = 'nan';
      }),
    );
    assert.match(problems[0]!, /^stages\.pretrain\.curve\[2\]\.loss: /);
  });

  test('a bad checkpoint hash, an unknown stage and a missing run id are all listed', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.stages.reasoningRl.checkpoint.sha256 = 'abc';
        r.stages.r2Zero = { status: 'completed' };
        delete r.runId;
      }),
    );
    assert.ok(
      problems.some((p) => p.startsWith('stages.reasoningRl.checkpoint.sha256: must be 64 lowercase hex digits')),
      problems.join('; '),
    );
    assert.ok(problems.includes('stages.r2Zero: unknown key'), problems.join('; '));
    assert.ok(
      problems.some((p) => p.startsWith('runId: ')),
      problems.join('; '),
    );
  });

  test('a UI link that is not http(s) is rejected', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.uiUrl = 'javascript:alert(1)';
      }),
    );
    assert.match(problems[0]!, /^uiUrl: must be an http\(s\) URL/);
  });

  test('an unknown stage status is rejected', () => {
    const problems = problemsOf(
      withChange((r) => {
        r.stages.finalRl.status = 'done';
      }),
    );
    assert.match(problems[0]!, /^stages\.finalRl\.status: /);
  });
});
