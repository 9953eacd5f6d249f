// r1flow schedule create|list|describe|pause|unpause|trigger|delete: retraining on a timetable
// with Temporal Schedules. Each scheduled run starts r1Pipeline with the config as written plus
// `lineage: NAME`, so it continues the lineage from its latest good checkpoint.
import { parseArgs } from 'node:util';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleSpec,
  type ScheduleSpecDescription,
} from '@temporalio/client';
import { CONTROL_QUEUE } from '../contracts/queues';
import { fail } from './output';
import { formatDuration, formatTable } from './progress-view';
import { r1Pipeline } from '../workflows/pipeline';
import { pipelineStartMetadata } from '../workflows/run-metadata';
import { openClient, PIPELINE_WORKFLOW, rawConfigFromFlags } from './run';

/** A schedule's name is also its lineage and the prefix of its runs' ids, so it follows the lineage rule. */
export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkScheduleName(name: string | undefined, usage: string): string {
  if (name === undefined) fail(`usage: ${usage}`);
  if (!SCHEDULE_NAME_PATTERN.test(name)) {
    fail(
      `schedule name ${JSON.stringify(name)} must start with a letter or digit and use only letters, digits, ".", "_" or "-" (at most 64 characters)`,
    );
  }
  return name;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30s`, `15m`, `6h`, `1d`, `2w` or combinations like `1h30m`, in milliseconds (at least one second). */
export function parseDuration(text: string, flag = '--every'): number {
  const trimmed = text.trim();
  const unit = /(\d+(?:\.\d+)?)\s*([smhdw])/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = unit.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = unit.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length) {
    fail(`${flag} must be a duration like 30m, 6h, 1d or 1h30m, got ${JSON.stringify(text)}`);
  }
  if (total < 1000) fail(`${flag} must be at least 1s, got ${JSON.stringify(text)}`);
  return Math.round(total);
}

export const OVERLAP_POLICIES = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
} as const;

export type OverlapName = keyof typeof OVERLAP_POLICIES;

export function parseOverlap(text: string): ScheduleOverlapPolicy {
  const policy = (OVERLAP_POLICIES as Record<string, ScheduleOverlapPolicy>)[text];
  if (!policy)
    fail(`--overlap must be one of ${Object.keys(OVERLAP_POLICIES).join(', ')}, got ${JSON.stringify(text)}`);
  return policy;
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** A light check of a cron expression (the server has the final word): 5 to 7 fields or a macro. */
export function checkCron(text: string): string {
  const expr = text.trim().replace(/\s+/g, ' ');
  if (CRON_MACROS.includes(expr)) return expr;
  const fields = expr === '' ? [] : expr.split(' ');
  if (fields.length < 5 || fields.length > 7) {
    fail(
      `--cron must have 5 fields (minute hour day-of-month month day-of-week) like "0 3 * * *", got ${JSON.stringify(text)}`,
    );
  }
  const bad = fields.find((f) => !/^[0-9A-Za-z*?,/#-]+$/.test(f));
  if (bad !== undefined) fail(`--cron field ${JSON.stringify(bad)} is not a cron field, in ${JSON.stringify(text)}`);
  return expr;
}

/** The schedule spec from --cron or --every (exactly one), and how to describe it to a person. */
export function scheduleSpec(flags: { cron?: string; every?: string }): { spec: ScheduleSpec; text: string } {
  if ((flags.cron === undefined) === (flags.every === undefined))
    fail('give exactly one of --cron EXPR or --every DURATION');
  if (flags.cron !== undefined) {
    const cron = checkCron(flags.cron);
    return { spec: { cronExpressions: [cron] }, text: `cron "${cron}" (UTC)` };
  }
  const every = parseDuration(flags.every!);
  return { spec: { intervals: [{ every }] }, text: `every ${flags.every!.trim()}` };
}

/** Best-effort words for a spec read back from the server (cron comes back as calendars). */
export function specDescription(
  spec: ScheduleSpecDescription | undefined,
  memo: Record<string, unknown> | undefined,
): string {
  if (typeof memo?.r1flowSpec === 'string') return memo.r1flowSpec;
  const parts: string[] = [];
  for (const i of spec?.intervals ?? []) parts.push(`every ${formatDuration(i.every)}`);
  if (spec?.calendars?.length) parts.push(`${spec.calendars.length} calendar rule(s)`);
  return parts.join(', ') || '–';
}

const USAGE =
  'r1flow schedule create NAME (--cron EXPR | --every DURATION) [--preset P | --config FILE] ' +
  '[--overlap skip|buffer-one|allow-all|cancel-other] [--pause-on-failure] | list | describe NAME | pause NAME | unpause NAME | trigger NAME | delete NAME';

async function withSchedule<T>(client: Client, name: string, fn: (handle: ScheduleHandle) => Promise<T>): Promise<T> {
  try {
    return await fn(client.schedule.getHandle(name));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) fail(`no schedule ${JSON.stringify(name)} (see: r1flow schedule list)`);
    throw err;
  }
}

function iso(d: Date | undefined): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 19) : '–';
}

function describeLines(d: ScheduleDescription): string[] {
  const lines = [
    `Schedule:  ${d.scheduleId}${d.state.paused ? ' — PAUSED' : ''}${d.state.note ? ` (${d.state.note})` : ''}`,
    `When:      ${specDescription(d.spec, d.memo)}`,
    `Overlap:   ${d.policies.overlap}${d.policies.pauseOnFailure ? ', pauses on failure' : ''}`,
    `Config:    ${JSON.stringify(d.action.args?.[0] ?? null)}`,
    `Runs:      ${d.info.numActionsTaken} started, ${d.info.numActionsSkippedOverlap} skipped for overlap`,
    `Next:      ${
      d.info.nextActionTimes
        .slice(0, 3)
        .map((t) => iso(t))
        .join(', ') || '–'
    } (UTC)`,
  ];
  for (const a of d.info.runningActions) lines.push(`Running:   ${a.workflow.workflowId}`);
  const recent = d.info.recentActions.slice(-5);
  for (const a of recent) lines.push(`Recent:    ${iso(a.takenAt)}  ${a.action.workflow.workflowId}`);
  return lines;
}

export async function scheduleCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') return createSchedule(rest);
  const { values, positionals } = parseArgs({
    args: rest,
    options: { note: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [name, extra] = positionals;
  if (extra !== undefined) fail(`unexpected argument ${JSON.stringify(extra)}; usage: ${USAGE}`);
  if (sub !== 'list' && !['describe', 'pause', 'unpause', 'trigger', 'delete'].includes(sub ?? '')) {
    fail(`unknown schedule command ${JSON.stringify(sub ?? '')}; usage: ${USAGE}`);
  }

  const cli = await openClient();
  try {
    const client = cli.client;
    switch (sub) {
      case 'list': {
        const rows: string[][] = [];
        for await (const s of client.schedule.list()) {
          if (s.action?.workflowType !== PIPELINE_WORKFLOW) continue;
          const last = s.info.recentActions.at(-1);
          rows.push([
            s.scheduleId,
            specDescription(s.spec, s.memo),
            s.state.paused ? 'paused' : 'active',
            iso(s.info.nextActionTimes[0]),
            last ? last.action.workflow.workflowId : '–',
          ]);
        }
        if (rows.length === 0)
          console.log('No r1flow schedules. Create one with: r1flow schedule create NAME --every 1d --preset tiny');
        else
          for (const line of formatTable(['NAME', 'WHEN', 'STATE', 'NEXT (UTC)', 'LAST RUN'], rows)) console.log(line);
        return 0;
      }
      case 'describe': {
        const n = checkScheduleName(name, 'r1flow schedule describe NAME');
        const d = await withSchedule(client, n, (h) => h.describe());
        for (const line of describeLines(d)) console.log(line);
        return 0;
      }
      case 'pause': {
        const n = checkScheduleName(name, 'r1flow schedule pause NAME [--note TEXT]');
        await withSchedule(client, n, (h) => h.pause(values.note ?? 'paused from the command line'));
        console.log(`Paused schedule ${n}. Resume it with: r1flow schedule unpause ${n}`);
        return 0;
      }
      case 'unpause': {
        const n = checkScheduleName(name, 'r1flow schedule unpause NAME [--note TEXT]');
        await withSchedule(client, n, (h) => h.unpause(values.note ?? 'unpaused from the command line'));
        console.log(`Schedule ${n} is active again.`);
        return 0;
      }
      case 'trigger': {
        const n = checkScheduleName(name, 'r1flow schedule trigger NAME');
        await withSchedule(client, n, (h) => h.trigger());
        console.log(`Triggered schedule ${n} (its overlap policy applies); the run shows in: r1flow list`);
        return 0;
      }
      default: {
        const n = checkScheduleName(name, 'r1flow schedule delete NAME');
        await withSchedule(client, n, (h) => h.delete());
        console.log(`Deleted schedule ${n}; runs it started are not affected.`);
        return 0;
      }
    }
  } finally {
    await cli.close();
  }
}

async function createSchedule(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      cron: { type: 'string' },
      every: { type: 'string' },
      preset: { type: 'string' },
      config: { type: 'string' },
      overlap: { type: 'string', default: 'skip' },
      'pause-on-failure': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [nameArg, extra] = positionals;
  if (extra !== undefined) fail(`unexpected argument ${JSON.stringify(extra)}; usage: ${USAGE}`);
  const name = checkScheduleName(
    nameArg,
    'r1flow schedule create NAME (--cron EXPR | --every DURATION) [--preset P | --config FILE]',
  );
  const { spec, text } = scheduleSpec(values);
  const overlap = parseOverlap(values.overlap!);
  const { raw, config, source } = rawConfigFromFlags(values, { lineage: name });

  const cli = await openClient();
  try {
    try {
      await cli.client.schedule.create({
        scheduleId: name,
        spec,
        action: {
          type: 'startWorkflow',
          workflowType: r1Pipeline,
          taskQueue: CONTROL_QUEUE,
          args: [raw],
          // Temporal appends the scheduled time, so each run has its own id under this prefix.
          workflowId: name,
          ...pipelineStartMetadata(config),
        },
        policies: { overlap, pauseOnFailure: values['pause-on-failure'] },
        memo: { r1flowSpec: text, r1flowConfig: source },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning)
        fail(`a schedule named ${name} already exists (see: r1flow schedule describe ${name})`);
      throw err;
    }
    console.log(
      `Created schedule ${name}: ${text}, ${source}, lineage ${name}, overlap ${values.overlap}` +
        `${values['pause-on-failure'] ? ', pauses on failure' : ''}.`,
    );
    console.log(`Run it now with: r1flow schedule trigger ${name}`);
    return 0;
  } finally {
    await cli.close();
  }
}
