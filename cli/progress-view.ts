// How a run's progress looks in a terminal: one bar per stage redrawn in place on a TTY, or one
// line per change for CI logs, plus the per-stage table printed at the end. Pure functions of the
// progress query's answer, so they are tested without a server.
import type { PipelineProgress, StageProgress, StageStatus } from '../contracts/progress';
import type { EvalSummary } from '../recipe/eval/metrics';
import { EVAL_METRICS, formatMetricValue, STEP_METRICS, type MetricInfo } from '../recipe/metrics';

export interface ViewOptions {
  /** terminal width; lines are cut to it so a redraw never wraps (wrapped lines break the cursor math) */
  columns?: number;
  barWidth?: number;
  /** time since the run started, shown in the header */
  elapsedMs?: number;
}

/** A stage of a finished r1Pipeline's result, as far as the CLI reads it. */
export interface StageResultView {
  uri?: string;
  sha256?: string;
  step?: number;
  metrics?: Record<string, number>;
  eval?: Partial<EvalSummary>;
}

/** The loosely typed result of a finished r1Pipeline, as far as the CLI reads it. */
export interface PipelineResultView {
  runId?: string;
  stages: Record<string, StageResultView>;
  reportUri?: string;
  reportHtmlUri?: string;
}

const ICONS: Record<StageStatus, string> = {
  pending: '·',
  skipped: '–',
  reused: '↺',
  running: '▶',
  done: '✔',
  failed: '✘',
  waiting: '⏸',
};

/** A number a view shows: its label and format from recipe/metrics, its value read from a record. */
interface Field<T> {
  label: string;
  info: MetricInfo;
  value: (from: T) => number | null | undefined;
}

const stepField = (name: keyof typeof STEP_METRICS): Field<Record<string, number>> => ({
  label: STEP_METRICS[name].label,
  info: STEP_METRICS[name],
  value: (m) => m[name],
});

const evalField = (name: keyof typeof EVAL_METRICS): Field<Partial<EvalSummary>> => ({
  label: EVAL_METRICS[name].label,
  info: EVAL_METRICS[name],
  value: (e) => e[name],
});

/** pass@k for the largest k > 1 the eval measured. */
export function passAtLargestK(e: Partial<EvalSummary>): { k: number; value: number } | undefined {
  const ks = Object.keys(e.passAtK ?? {})
    .map(Number)
    .filter((k) => k > 1)
    .sort((a, b) => b - a);
  const value = ks.length > 0 ? e.passAtK?.[String(ks[0])] : undefined;
  return typeof value === 'number' ? { k: ks[0]!, value } : undefined;
}

const PASS_AT_K: Field<Partial<EvalSummary>> = {
  label: 'pass@k',
  info: EVAL_METRICS.pass1,
  value: (e) => passAtLargestK(e)?.value,
};

const RL_FIELDS = [stepField('reward'), stepField('accuracy')];
const SFT_FIELDS = [stepField('loss')];
const EVAL_FIELDS = [
  evalField('pass1'),
  PASS_AT_K,
  evalField('formatRate'),
  evalField('languageConsistency'),
  evalField('refusalCorrectness'),
];

function fieldText<T>(values: T | undefined, fields: readonly Field<T>[]): string {
  if (!values) return '';
  const parts: string[] = [];
  for (const f of fields) {
    const v = f.value(values);
    if (typeof v === 'number' && Number.isFinite(v)) parts.push(`${f.label} ${formatMetricValue(f.info.unit, v)}`);
  }
  return parts.join('  ');
}

/** Training numbers: reward and accuracy for RL stages, loss for the supervised ones. */
export function trainingText(metrics: Record<string, number> | undefined): string {
  return fieldText(metrics, RL_FIELDS) || fieldText(metrics, SFT_FIELDS);
}

export function evalText(evaluation: Partial<EvalSummary> | undefined): string {
  const text = fieldText(evaluation, EVAL_FIELDS);
  return text ? `eval ${text}` : '';
}

function stepsText(s: StageProgress): string {
  return s.totalSteps > 0 ? `${s.step}/${s.totalSteps}` : '–';
}

export function progressBar(s: StageProgress, width: number): string {
  let ratio = s.totalSteps > 0 ? s.step / s.totalSteps : 0;
  if (s.status === 'done' || s.status === 'reused') ratio = 1;
  const filled = Math.max(0, Math.min(width, Math.round(ratio * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const STAGE_COLUMN = 12;

export function stageLine(s: StageProgress, options: ViewOptions = {}): string {
  const parts = [
    `${ICONS[s.status] ?? '?'} ${s.stage.padEnd(STAGE_COLUMN)}`,
    progressBar(s, options.barWidth ?? 20),
    stepsText(s).padStart(9),
    s.status.padEnd(7),
  ];
  const train = trainingText(s.metrics);
  if (train) parts.push(train);
  const ev = evalText(s.eval);
  if (ev) parts.push(`│ ${ev}`);
  return parts.join('  ');
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

const RUN_STATUS_TEXT: Record<PipelineProgress['status'], string> = {
  running: 'running',
  'waiting-for-resume': 'WAITING for resume or abort',
  done: 'done',
  aborted: 'aborted',
};

export function headerLine(p: PipelineProgress, options: ViewOptions = {}): string {
  let line = `r1flow run ${p.runId}`;
  if (p.preset) line += ` (${p.preset})`;
  line += ` — ${RUN_STATUS_TEXT[p.status] ?? p.status}`;
  if (p.currentStage && p.status === 'running') line += `, stage ${p.currentStage}`;
  if (options.elapsedMs !== undefined) line += ` · ${formatDuration(options.elapsedMs)}`;
  return line;
}

/** What to do when the run waits after a failed stage: the error and the exact commands. */
export function waitingLines(p: PipelineProgress, maxErrorLines = 6): string[] {
  if (!p.waiting) return [];
  const { stage, error, since } = p.waiting;
  const errorLines = error.split('\n').filter((l) => l.trim() !== '');
  const shown = errorLines.slice(0, maxErrorLines);
  if (errorLines.length > shown.length)
    shown.push(`… (${errorLines.length - shown.length} more lines; see the Temporal UI)`);
  return [
    `Stage ${stage} failed and the run is waiting (since ${since}):`,
    ...shown.map((l) => `    ${l}`),
    'Fix the cause, then resume the stage (optionally with a config patch) or abort the run:',
    `    r1flow resume ${p.runId}`,
    `    r1flow resume ${p.runId} --patch FILE`,
    `    r1flow abort ${p.runId}`,
  ];
}

function clip(line: string, columns: number | undefined): string {
  if (!columns || columns < 10) return line;
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, columns - 2).join('')}…`;
}

/** The whole live view: header, a bar per stage, the error block when waiting, the report. */
export function renderProgress(p: PipelineProgress, options: ViewOptions = {}): string[] {
  const lines = [headerLine(p, options)];
  for (const s of p.stages) {
    lines.push(`  ${stageLine(s, options)}`);
    if (s.error && s.status === 'failed' && !(p.waiting && p.waiting.stage === s.stage))
      lines.push(`      error: ${s.error.split('\n')[0]}`);
  }
  const waiting = waitingLines(p);
  if (waiting.length > 0) lines.push('', ...waiting);
  if (p.reportUri) lines.push(`report: ${p.reportUri}`);
  return lines.map((l) => clip(l, options.columns));
}

const ESC = '\x1b[';

/**
 * The bytes that replace the previous frame (`previousLineCount` lines, cursor below it) with
 * `lines`: cursor up, each line cleared and rewritten, anything left below erased.
 */
export function redrawFrame(previousLineCount: number, lines: readonly string[]): string {
  let out = previousLineCount > 0 ? `${ESC}${previousLineCount}A\r` : '';
  for (const line of lines) out += `${ESC}2K${line}\n`;
  out += `${ESC}J`;
  return out;
}

function stageSummary(s: StageProgress): string {
  const parts = [s.status, stepsText(s)];
  const train = trainingText(s.metrics);
  if (train) parts.push(train);
  const ev = evalText(s.eval);
  if (ev) parts.push(ev);
  if (s.error && s.status === 'failed') parts.push(`error: ${s.error.split('\n')[0]}`);
  return parts.join('  ');
}

/**
 * Plain output for logs: one line per change since `prev` (run status, a stage's status or step,
 * the waiting block once per failure, the report once).
 */
export function plainUpdates(prev: PipelineProgress | undefined, next: PipelineProgress): string[] {
  const lines: string[] = [];
  if (!prev || prev.status !== next.status)
    lines.push(`[run] ${next.runId} ${next.status}${next.preset ? ` (preset ${next.preset})` : ''}`);
  const before = new Map((prev?.stages ?? []).map((s) => [s.stage, s]));
  for (const s of next.stages) {
    const old = before.get(s.stage);
    const changed = old
      ? old.status !== s.status || old.step !== s.step || (s.eval !== undefined && old.eval === undefined)
      : s.status !== 'pending';
    if (changed) lines.push(`[${s.stage}] ${stageSummary(s)}`);
  }
  if (next.waiting && (prev?.waiting?.since !== next.waiting.since || prev?.waiting?.stage !== next.waiting.stage)) {
    lines.push(...waitingLines(next, 20));
  }
  if (next.reportUri && prev?.reportUri !== next.reportUri) lines.push(`[run] report: ${next.reportUri}`);
  return lines;
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbersOf(v: unknown): Record<string, number> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
}

/** Reads a finished run's result without trusting its shape (it crosses a process boundary as JSON). */
export function asPipelineResult(value: unknown): PipelineResultView | undefined {
  if (!isRecord(value)) return undefined;
  const stages: PipelineResultView['stages'] = {};
  if (isRecord(value.stages)) {
    for (const [name, s] of Object.entries(value.stages)) {
      if (!isRecord(s) || !isRecord(s.checkpoint)) continue;
      const c = s.checkpoint;
      stages[name] = {
        uri: typeof c.uri === 'string' ? c.uri : undefined,
        sha256: typeof c.sha256 === 'string' ? c.sha256 : undefined,
        step: typeof c.step === 'number' ? c.step : undefined,
        metrics: numbersOf(c.metrics),
        eval: isRecord(s.eval) ? (s.eval as Partial<EvalSummary>) : undefined,
      };
    }
  }
  return {
    runId: typeof value.runId === 'string' ? value.runId : undefined,
    stages,
    reportUri: typeof value.reportUri === 'string' ? value.reportUri : undefined,
    reportHtmlUri: typeof value.reportHtmlUri === 'string' ? value.reportHtmlUri : undefined,
  };
}

const TABLE_HEADERS = [
  'STAGE',
  'STATUS',
  'STEPS',
  'TRAIN',
  'PASS@1',
  'PASS@K',
  'FORMAT',
  'LANG',
  'REFUSAL',
  'LENGTH',
  'CHECKPOINT',
];

/**
 * The per-stage table: from the progress query when there is one, completed by the result's
 * checkpoints (or built from the result alone when the query is not available).
 */
export function stageTable(progress: PipelineProgress | undefined, result: PipelineResultView | undefined): string[] {
  const names = progress ? progress.stages.map((s) => s.stage as string) : Object.keys(result?.stages ?? {});
  const byName = new Map((progress?.stages ?? []).map((s) => [s.stage as string, s]));
  const rows: string[][] = [];
  for (const name of names) {
    const s = byName.get(name);
    const r = result?.stages[name];
    const ev = s?.eval ?? r?.eval;
    const metric = (field: Field<Partial<EvalSummary>>) =>
      ev ? formatMetricValue(field.info.unit, field.value(ev)) : '–';
    const steps = s ? stepsText(s) : r?.step !== undefined ? String(r.step) : '–';
    rows.push([
      name,
      s?.status ?? (r ? 'done' : '–'),
      steps,
      trainingText(s?.metrics ?? r?.metrics) || '–',
      ...EVAL_FIELDS.map(metric),
      metric(evalField('meanLength')),
      r?.sha256 ? `sha256:${r.sha256.slice(0, 12)}` : s?.checkpointUri ? 'saved' : '–',
    ]);
  }
  return formatTable(TABLE_HEADERS, rows);
}

/** Where the report is, from whichever of result and progress knows. */
export function reportLines(progress: PipelineProgress | undefined, result: PipelineResultView | undefined): string[] {
  const lines: string[] = [];
  const html = result?.reportHtmlUri;
  const json = result?.reportUri ?? progress?.reportUri;
  if (html) lines.push(`Report (HTML): ${html}`);
  if (json && json !== html) lines.push(`Report${html ? ' (JSON)' : ''}: ${json}`);
  return lines;
}
