// The markdown shown in the Temporal UI's "current details" of a pipeline run: what the run is,
// where it is, the latest numbers, what to do when it waits, and links to its report and
// exported model. Column names and number formats come from recipe/metrics, as the CLI's and the
// report's do. The UI shows it in a half-width panel without table styling, so the table keeps
// to the few columns that fit there; `r1flow status` and the report have the rest.
import type { LiveStageProgress, PipelineProgress } from '../contracts/progress';
import { EVAL_METRICS, formatMetricValue, PROGRESS_METRICS, STEP_METRICS } from '../recipe/metrics';

const METRICS_SHOWN = ['reward', 'accuracy', 'loss'] as const satisfies readonly (typeof PROGRESS_METRICS)[number][];
const EVAL_SHOWN = ['pass1'] as const;

/** `2026-12-08 22:00 UTC` */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function progressMarkdown(p: PipelineProgress, summary?: string): string {
  const lines = [`### r1flow run \`${p.runId}\` — ${p.status}`, ''];
  if (summary) lines.push(summary, '');
  if (p.waiting) {
    lines.push(
      `**Stage \`${p.waiting.stage}\` failed** and the run is waiting: ${p.waiting.error}`,
      '',
      `Resume with \`r1flow resume ${p.runId} [--patch FILE]\` (or send the \`resume\` update from this page with \`{"patch":{…}}\`), or abort with \`r1flow abort ${p.runId}\`.`,
      '',
    );
  }
  const headers = [
    'stage',
    'status',
    'step',
    ...METRICS_SHOWN.map((k) => STEP_METRICS[k].title),
    ...EVAL_SHOWN.map((k) => `eval ${EVAL_METRICS[k].title}`),
  ];
  lines.push(`| ${headers.join(' | ')} |`, '|' + ' --- |'.repeat(headers.length));
  for (const s of p.stages) {
    const cells = [
      s.stage,
      s.status,
      s.totalSteps > 0 ? `${s.step}/${s.totalSteps}` : s.step > 0 ? String(s.step) : '–',
      ...METRICS_SHOWN.map((k) => formatMetricValue(STEP_METRICS[k].unit, s.metrics[k])),
      ...EVAL_SHOWN.map((k) => formatMetricValue(EVAL_METRICS[k].unit, s.eval?.[k])),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const running = p.stages.find((s) => s.status === 'running' && s.workflowId);
  if (running)
    lines.push(
      '',
      `Live steps of \`${running.stage}\` are on its workflow \`${running.workflowId}\` (its current details; for pretraining and SFT the pending activity's heartbeat details). This table changes when a stage starts or ends; \`r1flow status ${p.runId}\` shows both together.`,
    );
  lines.push('', ...reportLines(p));
  return lines.join('\n');
}

/**
 * The current details of a stage workflow: its latest step and numbers. `range` names the steps
 * this workflow run covers, since a GRPO stage's runs after a continue-as-new have no static
 * summary of their own.
 */
export function stageMarkdown(runId: string, p: LiveStageProgress, range: string, note?: string): string {
  const headers = ['step', ...PROGRESS_METRICS.map((k) => STEP_METRICS[k].title)];
  const cells = [
    p.totalSteps > 0 ? `${p.step}/${p.totalSteps}` : String(p.step),
    ...PROGRESS_METRICS.map((k) => formatMetricValue(STEP_METRICS[k].unit, p.metrics[k])),
  ];
  const lines = [
    `### \`${p.stage}\` of run \`${runId}\` — ${range}`,
    '',
    `| ${headers.join(' | ')} |`,
    '|' + ' --- |'.repeat(headers.length),
    `| ${cells.join(' | ')} |`,
  ];
  if (note) lines.push('', note);
  return lines.join('\n');
}

/** The report link (refreshed after every stage) and the exported model's slot. */
function reportLines(p: PipelineProgress): string[] {
  const lines: string[] = [];
  const regenerate = `regenerate with \`r1flow report ${p.runId}\``;
  if (p.reportLink) {
    const state = p.status === 'done' ? 'final' : 'so far';
    lines.push(
      `**Report** (${state}): [open report.html](${p.reportLink.url}) — the link works until ${utcMinute(p.reportLink.expiresAt)}; after that ${regenerate}${p.reportUri ? ` (\`${p.reportUri}\`)` : ''}.`,
    );
  } else if (p.reportUri) {
    lines.push(`**Report**: \`${p.reportUri}\` (${regenerate})`);
  } else {
    lines.push('**Report**: linked here once the first stage is done.');
  }
  if (p.exportedModelUri) lines.push('', `**Exported model**: \`${p.exportedModelUri}\``);
  else if (p.status === 'done') lines.push('', '**Exported model**: none recorded in the run manifest.');
  return lines;
}
