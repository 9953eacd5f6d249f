// The markdown shown in the Temporal UI's "current details" of a pipeline run: where it is, the
// latest numbers, and what to do when it waits.
import type { PipelineProgress } from './definitions';

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toFixed(3);
}

const SHOWN = ['reward', 'accuracy', 'format', 'language', 'kl', 'loss', 'meanLength'];

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
  lines.push(
    '| stage | status | step | ' + SHOWN.join(' | ') + ' | eval pass@1 | eval format |',
    '|' + ' --- |'.repeat(SHOWN.length + 5),
  );
  for (const s of p.stages) {
    const m = s.metrics;
    lines.push(
      `| ${s.stage} | ${s.status} | ${s.step}/${s.totalSteps} | ${SHOWN.map((k) => fmt(m[k])).join(' | ')} | ${fmt(s.eval?.pass1)} | ${fmt(s.eval?.formatRate)} |`,
    );
  }
  if (p.reportUri) lines.push('', `Report: \`${p.reportUri}\` (regenerate with \`r1flow report ${p.runId}\`)`);
  return lines.join('\n');
}
