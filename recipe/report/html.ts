// The run report as one self-contained HTML page: inline CSS and SVG, no scripts, no fonts or
// images to fetch, so it opens from S3, a file or an e-mail attachment alike. The only link that
// leaves the page is the run's Temporal UI address, when the report has one.
import type { StageName } from '../config/schema';
import { renderCurveCharts } from './charts';
import { escapeText as esc } from './escape';
import { formatDuration, formatNumber, formatPercent, formatPoints, formatTimestamp, MISSING } from './format';
import { evaluateTargets } from './targets';
import {
  REPORT_STAGES,
  type DataReport,
  type ModelEval,
  type RunReport,
  type SampleCompletion,
  type StageReport,
  type TargetResult,
} from './types';

export const STAGE_LABELS: Record<StageName, string> = {
  pretrain: 'Base pretraining',
  r1Zero: 'R1-Zero (GRPO)',
  coldStartSft: 'Cold-start SFT',
  reasoningRl: 'Reasoning RL (GRPO)',
  rejectionSft: 'Rejection sampling + SFT',
  finalRl: 'Final RL (GRPO)',
};

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#1d232a;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1180px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #e1e5ea}
h3{font-size:15px;margin:20px 0 6px}
h4{font-size:13px;margin:10px 0 4px;color:#3a434d}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.muted{color:#5b6570}
.meta{display:flex;flex-wrap:wrap;gap:4px 20px;margin:6px 0 0;padding:0;list-style:none}
.meta b{font-weight:600;color:#3a434d}
nav{margin:10px 0 0;font-size:13px}
nav a{color:#1f5fa8;margin-right:14px;text-decoration:none}
nav a:hover{text-decoration:underline}
a{color:#1f5fa8}
table{border-collapse:collapse;font-size:13px;margin:4px 0}
th,td{padding:4px 10px;border-bottom:1px solid #e6e9ed;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.base td{background:#fbfbf7}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;white-space:nowrap}
.ok{background:#e3f4e8;color:#17602f}
.bad{background:#fbe9e9;color:#9b1c1c}
.neutral{background:#eef0f3;color:#4a535c}
.busy{background:#e6effa;color:#1f4f8a}
.note{font-size:12px;color:#5b6570;margin:4px 0}
.stage-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px}
.stage-head h3{margin-bottom:2px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:8px 12px;margin:6px 0}
.charts figure{margin:0}
.charts svg{max-width:100%;height:auto;display:block}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;padding:6px 8px;background:#f7f8fa;border:1px solid #e1e5ea;border-radius:4px;max-height:320px;overflow:auto}
pre.error{border-color:#efc4c4;background:#fdf5f5}
.sample{border:1px solid #e1e5ea;border-radius:6px;padding:8px 10px;margin:10px 0}
.sample .pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin-top:6px}
.sample h4{display:flex;gap:8px;align-items:baseline}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
footer{margin-top:30px;font-size:12px;color:#6b7580}
`;

function formatTargetValue(unit: TargetResult['unit'], value: number | null): string {
  if (unit === 'fraction') return formatPercent(value);
  if (unit === 'points') return formatPoints(value);
  return formatDuration(value);
}

function formatTargetBar(t: TargetResult): string {
  const sign = t.comparison === '>=' ? '≥' : t.comparison === '<=' ? '≤' : '>';
  const amount =
    t.unit === 'fraction'
      ? `${formatNumber(t.target * 100, 1)} %`
      : t.unit === 'points'
        ? `${formatNumber(t.target, 1)} pts`
        : formatDuration(t.target);
  return `${sign} ${amount}`;
}

function statusBadge(status: StageReport['status']): string {
  const kind =
    status === 'completed' || status === 'reused'
      ? 'ok'
      : status === 'failed'
        ? 'bad'
        : status === 'running'
          ? 'busy'
          : 'neutral';
  return `<span class="badge ${kind}">${esc(status)}</span>`;
}

function passAtKs(evals: readonly ModelEval[]): string[] {
  const ks = new Set<number>();
  for (const e of evals) for (const k of Object.keys(e.passAtK ?? {})) if (Number(k) > 1) ks.add(Number(k));
  return [...ks].sort((a, b) => a - b).map(String);
}

function renderHeader(report: RunReport): string {
  const items: Array<[string, string]> = [
    ['preset', report.preset ? esc(report.preset) : MISSING],
    ['seed', report.seed === null || report.seed === undefined ? MISSING : esc(report.seed)],
    ['started', esc(formatTimestamp(report.createdAt))],
    ['finished', esc(formatTimestamp(report.finishedAt))],
    ['wall time', esc(formatDuration(report.wallSeconds ?? wallFromTimes(report)))],
  ];
  for (const [key, value] of Object.entries(report.environment ?? {})) items.push([esc(key), esc(value ?? MISSING)]);
  const ui =
    (report.uiUrl && /^https?:\/\//i.test(report.uiUrl)
      ? `<p>Temporal UI: <a href="${esc(report.uiUrl)}">${esc(report.uiUrl)}</a></p>`
      : '') +
    (report.baseModel
      ? `<p>Base model: <code>${esc(report.baseModel.source)}</code> (sha256 <code>${esc(report.baseModel.sha256)}</code>)</p>`
      : '') +
    (report.model
      ? `<p>Final model (Hugging Face folder): <code>${esc(report.model.uri)}</code> — <code>r1flow export ${esc(report.runId)} --format hf --out DIR</code> writes it locally</p>`
      : '');
  return (
    `<header><h1>r1flow run <code>${esc(report.runId)}</code></h1>` +
    `<ul class="meta">${items.map(([k, v]) => `<li><b>${k}</b> ${v}</li>`).join('')}</ul>${ui}` +
    '<nav><a href="#eval">Eval</a><a href="#targets">Targets</a><a href="#stages">Stages</a><a href="#samples">Samples</a><a href="#config">Config</a></nav></header>'
  );
}

function wallFromTimes(report: RunReport): number | null {
  if (!report.createdAt || !report.finishedAt) return null;
  const ms = Date.parse(report.finishedAt) - Date.parse(report.createdAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

function renderEvalTable(report: RunReport): string {
  const rows: Array<{ label: string; stage?: StageReport; eval: ModelEval | null | undefined; base?: boolean }> = [];
  rows.push({ label: 'Base model', eval: report.baseEval, base: true });
  for (const name of REPORT_STAGES) {
    const stage = report.stages[name];
    if (stage) rows.push({ label: STAGE_LABELS[name], stage, eval: stage.eval });
  }
  const evals = rows.map((r) => r.eval).filter((e): e is ModelEval => !!e);
  const ks = passAtKs(evals);
  const showHelpful = evals.some((e) => typeof e.helpfulRate === 'number');
  const showAnswer = evals.some((e) => typeof e.answerAccuracy === 'number');
  const head = [
    '<th>Model</th><th>Status</th><th class="num">Wall time</th><th class="num">pass@1</th>',
    ...ks.map((k) => `<th class="num">pass@${esc(k)}</th>`),
    showAnswer ? '<th class="num" title="pass@1 with the format aside">Answer</th>' : '',
    '<th class="num">Format</th><th class="num">Language</th><th class="num">Refusal</th>',
    showHelpful ? '<th class="num">Helpful</th>' : '',
    '<th class="num">Mean length</th>',
  ].join('');
  const body = rows
    .map((row) => {
      const e = row.eval ?? {};
      const pass1 = e.pass1 ?? e.passAtK?.['1'];
      const cells = [
        `<td>${esc(row.label)}</td>`,
        `<td>${row.stage ? statusBadge(row.stage.status) : MISSING}</td>`,
        `<td class="num">${esc(formatDuration(row.stage?.wallSeconds))}</td>`,
        `<td class="num">${esc(formatPercent(pass1))}</td>`,
        ...ks.map((k) => `<td class="num">${esc(formatPercent(e.passAtK?.[k]))}</td>`),
        showAnswer ? `<td class="num">${esc(formatPercent(e.answerAccuracy))}</td>` : '',
        `<td class="num">${esc(formatPercent(e.formatRate))}</td>`,
        `<td class="num">${esc(formatPercent(e.languageConsistency))}</td>`,
        `<td class="num">${esc(formatPercent(e.refusalCorrectness))}</td>`,
        showHelpful ? `<td class="num">${esc(formatPercent(e.helpfulRate))}</td>` : '',
        `<td class="num">${esc(formatNumber(e.meanLength, 1))}</td>`,
      ];
      return `<tr${row.base ? ' class="base"' : ''}>${cells.join('')}</tr>`;
    })
    .join('');
  const s = report.evalSetup;
  const setup = s
    ? `<p class="note">Held-out problems: ${esc(s.problems ?? MISSING)} reasoning × ${esc(s.samples ?? MISSING)} samples at temperature ${esc(s.temperature ?? MISSING)}` +
      `, ${esc(s.generalPrompts ?? MISSING)} general prompts, up to ${esc(s.maxNewTokens ?? MISSING)} new tokens. ` +
      "Language = share of chain-of-thought words in the prompt's language; refusal = unsafe prompts refused and harmless ones answered.</p>"
    : '';
  return `<section id="eval"><h2>Held-out eval after each stage</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${setup}</section>`;
}

function renderTargets(targets: readonly TargetResult[]): string {
  const rows = targets
    .map(
      (t) =>
        `<tr><td>${esc(t.name)}</td>` +
        `<td class="num">${esc(formatTargetValue(t.unit, t.value))}</td>` +
        `<td class="num">${esc(formatTargetBar(t))}</td>` +
        `<td>${t.met ? '<span class="badge ok">✓ met</span>' : '<span class="badge bad">✗ not met</span>'}</td>` +
        `<td class="muted">${esc(t.detail ?? '')}</td></tr>`,
    )
    .join('');
  const met = targets.filter((t) => t.met).length;
  return (
    `<section id="targets"><h2>Targets <span class="muted">(${met} of ${targets.length} met)</span></h2>` +
    `<table><thead><tr><th>Target</th><th class="num">Value</th><th class="num">Needed</th><th>Result</th><th>Note</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function renderDataReport(data: DataReport): string {
  const rows: string[] = [];
  if (data.kept !== undefined && data.kept !== null)
    rows.push(`<tr><td>kept</td><td class="num">${esc(data.kept)}</td></tr>`);
  const dropped = Object.entries(data.dropped ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const droppedTotal = dropped.reduce((s, [, n]) => s + n, 0);
  if (dropped.length > 0) {
    rows.push(`<tr><td>dropped</td><td class="num">${esc(droppedTotal)}</td></tr>`);
    for (const [reason, n] of dropped)
      rows.push(`<tr><td>&nbsp;&nbsp;${esc(reason)}</td><td class="num">${esc(n)}</td></tr>`);
  }
  for (const [key, value] of Object.entries(data.details ?? {})) {
    const shown = typeof value === 'number' ? formatNumber(value, 4) : (value ?? MISSING);
    rows.push(`<tr><td>${esc(key)}</td><td class="num">${esc(shown)}</td></tr>`);
  }
  const keptShare =
    typeof data.kept === 'number' && data.kept + droppedTotal > 0 && dropped.length > 0
      ? ` <span class="muted">(kept ${esc(formatPercent(data.kept / (data.kept + droppedTotal)))})</span>`
      : '';
  return `<div><h4>${esc(data.title)}${keptShare}</h4><table><tbody>${rows.join('')}</tbody></table></div>`;
}

function renderStage(name: StageName, index: number, stage: StageReport): string {
  const curve = stage.curve ?? [];
  const lastStep = curve.length > 0 ? curve[curve.length - 1]!.step : null;
  const facts: string[] = [
    statusBadge(stage.status),
    `<span class="muted">wall ${esc(formatDuration(stage.wallSeconds))}</span>`,
  ];
  if (lastStep !== null)
    facts.push(`<span class="muted">${esc(curve.length)} logged steps, last ${esc(lastStep)}</span>`);
  const parts = [`<div class="stage-head"><h3>${index} · ${esc(STAGE_LABELS[name])}</h3>${facts.join(' ')}</div>`];
  if (stage.checkpoint) {
    const c = stage.checkpoint;
    parts.push(
      `<p class="note">checkpoint step ${esc(c.step)} · <code>${esc(c.uri)}</code> · sha256 <code title="${esc(c.sha256)}">${esc(c.sha256.slice(0, 16))}…</code></p>`,
    );
  }
  if (stage.error) parts.push(`<pre class="text error">${esc(stage.error)}</pre>`);
  // Data reports share the chart grid: an SFT stage has one chart, and its filter table fills the
  // space next to it instead of starting a new row.
  const cells = [
    ...renderCurveCharts(curve).map((c) => `<figure>${c}</figure>`),
    ...(stage.data ?? []).map(renderDataReport),
  ];
  if (curve.every((p) => Object.keys(p).length <= 1)) parts.push('<p class="note">No training curve recorded.</p>');
  if (cells.length > 0) parts.push(`<div class="charts">${cells.join('')}</div>`);
  return `<section id="stage-${esc(name)}">${parts.join('')}</section>`;
}

function renderStages(report: RunReport): string {
  const sections: string[] = [];
  REPORT_STAGES.forEach((name, index) => {
    const stage = report.stages[name];
    if (stage) sections.push(renderStage(name, index, stage));
  });
  const body = sections.length > 0 ? sections.join('') : '<p class="note">This run has no stages yet.</p>';
  return `<section id="stages"><h2>Stages</h2>${body}</section>`;
}

function correctness(value: boolean | undefined): string {
  if (value === undefined) return '';
  return value ? '<span class="badge ok">✓ correct</span>' : '<span class="badge bad">✗ wrong</span>';
}

function renderSample(sample: SampleCompletion, i: number): string {
  const tags = [
    sample.category ? `<span class="badge neutral">${esc(sample.category)}</span>` : '',
    sample.expected !== undefined ? `<span class="muted">expected: <code>${esc(sample.expected)}</code></span>` : '',
  ].join(' ');
  return (
    `<div class="sample"><h4>Sample ${i + 1} ${tags}</h4><pre class="text">${esc(sample.prompt)}</pre>` +
    '<div class="pair">' +
    `<div><h4>Base model ${correctness(sample.correct?.base)}</h4><pre class="text">${esc(sample.base)}</pre></div>` +
    `<div><h4>Final model ${correctness(sample.correct?.final)}</h4><pre class="text">${esc(sample.final)}</pre></div>` +
    '</div></div>'
  );
}

function renderSamples(samples: readonly SampleCompletion[]): string {
  const body =
    samples.length > 0
      ? samples.map(renderSample).join('')
      : '<p class="note">No sample completions in this report.</p>';
  return `<section id="samples"><h2>Sample completions: base vs final</h2>${body}</section>`;
}

function renderConfig(report: RunReport): string {
  const json = report.config === undefined ? null : JSON.stringify(report.config, null, 2);
  const body =
    json === null || json === undefined
      ? '<p class="note">The report holds no config.</p>'
      : `<details><summary>Resolved config</summary><pre class="text">${esc(json)}</pre></details>`;
  return `<section id="config"><h2>Config</h2>${body}</section>`;
}

/** Renders the whole report page. Uses the report's stored targets, or judges them when absent. */
export function renderReportHtml(report: RunReport): string {
  const targets = report.targets ?? evaluateTargets(report);
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>r1flow run ${esc(report.runId)}</title><style>${CSS}</style></head><body><main>`,
    renderHeader(report),
    renderEvalTable(report),
    renderTargets(targets),
    renderStages(report),
    renderSamples(report.samples ?? []),
    renderConfig(report),
    `<footer>r1flow run report, format version ${esc(report.version)}. Every number on this page is in report.json next to it.</footer>`,
    '</main></body></html>',
  ].join('\n');
}
