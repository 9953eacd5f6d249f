// r1flow status RUN [--follow]: where a run is. Asks the workflow (progress query) and falls back
// to what the server alone knows when the run is closed and no worker can answer the query.
import { parseArgs } from 'node:util';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { LINEAGE_KEY, PRESET_KEY, STAGE_KEY, STEP_KEY } from '../contracts/search-attributes';
import type { PipelineProgress } from '../contracts/progress';
import { fail } from './output';
import {
  asPipelineResult,
  formatDuration,
  headerLine,
  reportLines,
  stageTable,
  waitingLines,
  type PipelineResultView,
} from './progress-view';
import { liveProgress } from './live-progress';
import { detachOnInterrupt, failureMessage, followRun, openClient } from './run';
import { runUiLink } from './run-id';

/** Describes a run or fails with a message naming it when there is none. */
export async function describeRun(client: Client, runId: string): Promise<WorkflowExecutionDescription> {
  try {
    return await client.workflow.getHandle(runId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      fail(`no run ${JSON.stringify(runId)} in this namespace (see: r1flow list)`);
    throw err;
  }
}

function describeLines(d: WorkflowExecutionDescription): string[] {
  const sa = d.typedSearchAttributes;
  const stage = sa.get(STAGE_KEY);
  const step = sa.get(STEP_KEY);
  const preset = sa.get(PRESET_KEY);
  const lineage = sa.get(LINEAGE_KEY);
  const lines = [`Workflow:  ${d.type} ${d.workflowId} — ${d.status.name}`];
  const end = d.closeTime ?? new Date();
  lines.push(
    `Started:   ${d.startTime.toISOString()} (${formatDuration(end.getTime() - d.startTime.getTime())}${d.closeTime ? ' total' : ' ago'})`,
  );
  if (d.closeTime) lines.push(`Closed:    ${d.closeTime.toISOString()}`);
  const where = [
    stage !== undefined ? `stage ${stage}` : '',
    step !== undefined ? `step ${step}` : '',
    preset ? `preset ${preset}` : '',
    lineage ? `lineage ${lineage}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (where) lines.push(`Latest:    ${where}`);
  return lines;
}

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { follow: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  const [runId, extra] = positionals;
  if (!runId || extra !== undefined) fail('usage: r1flow status RUN [--follow]');

  const cli = await openClient();
  try {
    const description = await describeRun(cli.client, runId);
    const uiLink = runUiLink(cli.connection.temporal, runId);
    if (values.follow && description.status.name === 'RUNNING') {
      const interrupt = detachOnInterrupt();
      try {
        const followed = await followRun(cli.client, runId, { uiLink, signal: interrupt.signal });
        return followed.outcome === 'detached' ? 0 : followed.ok ? 0 : 1;
      } finally {
        interrupt.dispose();
      }
    }

    const running = description.status.name === 'RUNNING';
    let progress: PipelineProgress | undefined;
    let queryError: string | undefined;
    try {
      progress = await liveProgress(cli.client, runId, running ? 5000 : 3000);
    } catch (err) {
      queryError = failureMessage(err);
    }
    let result: PipelineResultView | undefined;
    let failure: string | undefined;
    if (!running) {
      try {
        result = asPipelineResult(await cli.client.workflow.getHandle(runId).result());
      } catch (err) {
        failure = failureMessage(err);
      }
    }

    if (progress) console.log(headerLine(progress));
    for (const line of describeLines(description)) console.log(line);
    if (uiLink) console.log(`UI:        ${uiLink}`);
    if (!progress) {
      console.log(
        running
          ? `Progress:  not available (${queryError}); is a worker running? Start one with: r1flow worker`
          : 'Progress:  not available from a worker; showing what the server recorded.',
      );
    }
    if (progress || result) {
      console.log('');
      for (const line of stageTable(progress, result)) console.log(line);
    }
    if (progress?.waiting) {
      console.log('');
      for (const line of waitingLines(progress, 20)) console.log(line);
    }
    const report = reportLines(progress, result);
    if (report.length > 0) console.log('');
    for (const line of report) console.log(line);
    if (failure) console.log(`\nThe run did not complete: ${failure}`);
    return 0;
  } finally {
    await cli.close();
  }
}
