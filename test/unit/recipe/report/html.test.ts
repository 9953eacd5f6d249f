import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReportHtml, type RunReport } from '../../../../recipe/report';
import { sampleReport } from './fixture';

const HOSTILE = '<script>alert("x")</script>';

// Every attribute value that could make a browser fetch or navigate somewhere.
function linkTargets(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|srcset|poster|data)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
}

describe('renderReportHtml', () => {
  test('is one complete page with every section', () => {
    const html = renderReportHtml(sampleReport());
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.trimEnd().endsWith('</html>'));
    for (const id of ['eval', 'targets', 'stages', 'samples', 'config']) assert.ok(html.includes(`id="${id}"`), id);
    for (const stage of ['pretrain', 'r1Zero', 'coldStartSft', 'reasoningRl', 'rejectionSft', 'finalRl']) {
      assert.ok(html.includes(`id="stage-${stage}"`), stage);
    }
    assert.ok((html.match(/<svg /g) ?? []).length >= 6);
  });

  test('needs no network: no scripts, no external resources; the only external link is the UI', () => {
    const report = sampleReport();
    const html = renderReportHtml(report);
    assert.ok(!/<script/i.test(html));
    assert.ok(!/<(img|link|iframe|object|embed)\b/i.test(html));
    assert.ok(!/url\(|@import/i.test(html));
    const external = linkTargets(html).filter((t) => !t.startsWith('#'));
    assert.deepEqual(external, [report.uiUrl]);
    // No other http(s) address anywhere, not even as an SVG namespace.
    const addresses = html.match(/https?:\/\/[^\s"<]*/g) ?? [];
    assert.deepEqual([...new Set(addresses)], [report.uiUrl]);
  });

  test('without a UI link there is no external address at all', () => {
    const report = sampleReport();
    delete report.uiUrl;
    const html = renderReportHtml(report);
    assert.ok(!/https?:\/\//.test(html));
    assert.deepEqual(
      linkTargets(html).filter((t) => !t.startsWith('#')),
      [],
    );
  });

  test('all user and model text is escaped', () => {
    const report = sampleReport();
    report.runId = `run${HOSTILE}`;
    report.preset = HOSTILE;
    report.environment = { [HOSTILE]: HOSTILE };
    report.samples = [
      { prompt: HOSTILE, base: HOSTILE, final: `<think>${HOSTILE}</think>`, expected: HOSTILE, category: HOSTILE },
    ];
    report.stages.coldStartSft!.data = [
      { title: HOSTILE, kept: 1, dropped: { [HOSTILE]: 2 }, details: { [HOSTILE]: HOSTILE } },
    ];
    report.stages.finalRl = {
      status: 'failed',
      error: HOSTILE,
      curve: [
        { step: 0, [HOSTILE]: 1 },
        { step: 1, [HOSTILE]: 2 },
      ],
    };
    report.config = { note: HOSTILE };
    report.targets = [
      { id: 'x', name: HOSTILE, value: 1, target: 1, comparison: '>=', unit: 'fraction', met: true, detail: HOSTILE },
    ];
    const html = renderReportHtml(report);
    assert.ok(!html.includes('<script'), 'a raw <script> tag leaked');
    assert.ok(!html.includes('<think>'), 'a raw completion tag leaked');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;think&gt;'));
  });

  test('a UI link with a quote cannot break out of its attribute', () => {
    const report = sampleReport();
    report.uiUrl = 'http://localhost:8233/x"onmouseover="alert(1)';
    const html = renderReportHtml(report);
    assert.ok(!html.includes('"onmouseover="'));
    assert.ok(html.includes('href="http://localhost:8233/x&quot;onmouseover=&quot;alert(1)"'));
  });

  test('eval table has a base row and a row per stage in pipeline order, percent formatted', () => {
    const html = renderReportHtml(sampleReport());
    const table = /<section id="eval">(.*?)<\/section>/s.exec(html)![1]!;
    const rows = [...table.matchAll(/<tr[^>]*><td>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(rows, [
      'Base model',
      'Base pretraining',
      'R1-Zero (GRPO)',
      'Cold-start SFT',
      'Reasoning RL (GRPO)',
      'Rejection sampling + SFT',
      'Final RL (GRPO)',
    ]);
    assert.ok(table.includes('<th class="num">pass@4</th>'));
    assert.ok(table.includes('31.2 %'), 'base pass@1');
    assert.ok(table.includes('92.7 %'), 'final pass@1');
    assert.ok(!table.includes('>Answer</th>'), 'no answer-accuracy column without the number');
  });

  test('the answer-accuracy column shows when an eval has the number', () => {
    const report = sampleReport();
    report.baseEval = { ...report.baseEval, pass1: 0, answerAccuracy: 0.437 };
    const table = /<section id="eval">(.*?)<\/section>/s.exec(renderReportHtml(report))![1]!;
    assert.ok(table.includes('>Answer</th>'));
    const baseRow = /<tr class="base">(.*?)<\/tr>/s.exec(table)![1]!;
    assert.ok(baseRow.includes('43.7 %'), baseRow);
  });

  test('targets are judged when the report stores none', () => {
    const html = renderReportHtml(sampleReport());
    const section = /<section id="targets">(.*?)<\/section>/s.exec(html)![1]!;
    // Every fixture number clears its bar (wall time 702 s too), so all 10 are met.
    assert.match(section, /10 of 10 met/);
    assert.ok(section.includes('+27.4 pts'));
  });

  test('a partial run (one stage, no evals, empty curve, no samples) still renders', () => {
    const report: RunReport = { version: 1, runId: 'partial', stages: { pretrain: { status: 'running', curve: [] } } };
    const html = renderReportHtml(report);
    assert.ok(html.includes('No training curve recorded.'));
    assert.ok(html.includes('No sample completions in this report.'));
    assert.match(html, /0 of 2 met/);
    assert.ok(!/NaN|undefined|Infinity/.test(html));
  });
});
