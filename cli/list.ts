// r1flow list [--limit N] [--status running|completed|failed]: recent r1Pipeline runs with where
// each one is (from the search attributes the workflow upserts as it moves).
import { parseArgs } from 'node:util';
import { LINEAGE_KEY, PRESET_KEY, STAGE_KEY, STEP_KEY } from '../contracts/search-attributes';
import { fail } from './output';
import { formatDuration, formatTable } from './progress-view';
import { openClient, PIPELINE_WORKFLOW } from './run';

const STATUS_FILTERS: Record<string, string[]> = {
  running: ['Running'],
  completed: ['Completed'],
  // everything that ended without a result counts as failed for the person reading the list
  failed: ['Failed', 'TimedOut', 'Terminated', 'Canceled'],
};

/** The visibility query for `list`. */
export function listQuery(status?: string): string {
  let query = `WorkflowType = '${PIPELINE_WORKFLOW}'`;
  if (status !== undefined) {
    const names = STATUS_FILTERS[status];
    if (!names)
      fail(`--status must be one of ${Object.keys(STATUS_FILTERS).join(', ')}, got ${JSON.stringify(status)}`);
    query += ` AND (${names.map((n) => `ExecutionStatus = '${n}'`).join(' OR ')})`;
  }
  return query;
}

export function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    fail(`--limit must be a whole number from 1 to 1000, got ${JSON.stringify(text)}`);
  return n;
}

export async function listCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { limit: { type: 'string', default: '20' }, status: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) fail('usage: r1flow list [--limit N] [--status running|completed|failed]');
  const limit = parseLimit(values.limit!);
  const query = listQuery(values.status);

  const cli = await openClient();
  try {
    const rows: string[][] = [];
    for await (const info of cli.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      const sa = info.typedSearchAttributes;
      const step = sa.get(STEP_KEY);
      const end = info.closeTime ?? new Date();
      rows.push([
        info.workflowId,
        info.status.name.toLowerCase(),
        sa.get(STAGE_KEY) ?? '–',
        step !== undefined ? String(step) : '–',
        sa.get(PRESET_KEY) ?? '–',
        sa.get(LINEAGE_KEY) ?? '–',
        info.startTime.toISOString().replace('T', ' ').slice(0, 19),
        formatDuration(end.getTime() - info.startTime.getTime()),
      ]);
      if (rows.length >= limit) break;
    }
    if (rows.length === 0) {
      console.log(
        values.status ? `No ${values.status} runs.` : 'No runs yet. Start one with: r1flow run --preset tiny --follow',
      );
      return 0;
    }
    for (const line of formatTable(
      ['RUN', 'STATUS', 'STAGE', 'STEP', 'PRESET', 'LINEAGE', 'STARTED (UTC)', 'DURATION'],
      rows,
    ))
      console.log(line);
    return 0;
  } finally {
    await cli.close();
  }
}
