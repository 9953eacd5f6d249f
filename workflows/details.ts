// The markdown shown in the Temporal UI's "current details" of a pipeline run: where it is, the
// latest numbers, and what to do when it waits. Column names and number formats come from
// recipe/metrics, as the CLI's and the report's do.
import type { LiveStageProgress, PipelineProgress } from '../contracts/progress';
import { EVAL_METRICS, formatMetricValue, PROGRESS_METRICS, STEP_METRICS } from '../recipe/metrics';

const EVAL_SHOWN = ['pass1', 'formatRate'] as const;

export function progressMarkdown(p: PipelineProgress): string {
  const lines = [`### r1flow run \`${p.runId}\` — ${p.status}`, ''];
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
    ...PROGRESS_METRICS.map((k) => STEP_METRICS[k].title),
    ...EVAL_SHOWN.map((k) => `eval ${EVAL_METRICS[k].title}`),
  ];
  lines.push(`| ${headers.join(' | ')} |`, '|' + ' --- |'.repeat(headers.length));
  for (const s of p.stages) {
    const cells = [
      s.stage,
      s.status,
      `${s.step}/${s.totalSteps}`,
      ...PROGRESS_METRICS.map((k) => formatMetricValue(STEP_METRICS[k].unit, s.metrics[k])),
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
  if (p.reportUri) lines.push('', `Report: \`${p.reportUri}\` (regenerate with \`r1flow report ${p.runId}\`)`);
  return lines.join('\n');
}

/** The current details of a stage workflow: its latest step and numbers. */
export function stageMarkdown(runId: string, p: LiveStageProgress, note?: string): string {
  const headers = ['step', ...PROGRESS_METRICS.map((k) => STEP_METRICS[k].title)];
  const cells = [
    p.totalSteps > 0 ? `${p.step}/${p.totalSteps}` : String(p.step),
    ...PROGRESS_METRICS.map((k) => formatMetricValue(STEP_METRICS[k].unit, p.metrics[k])),
  ];
  const lines = [
    `### \`${p.stage}\` of run \`${runId}\``,
    '',
    `| ${headers.join(' | ')} |`,
    '|' + ' --- |'.repeat(headers.length),
    `| ${cells.join(' | ')} |`,
  ];
  if (note) lines.push('', note);
  return lines.join('\n');
}
