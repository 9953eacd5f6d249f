// r1flow demo: the README's main command. Brings the embedded stack up, starts a worker in this
// process, checks the whole path, runs the recipe on the tiny task with live progress, and writes
// the report. The stack keeps running afterwards so the run can be explored in the UI; with
// CI=true or --stop everything started here is stopped again.
import { parseArgs } from 'node:util';
import { connectionFromStack } from '../infra/connection';
import { runDoctor } from '../infra/doctor';
import { logger } from '../infra/logger';
import { devDown, devUp } from '../infra/stack';
import { connectClient } from '../infra/temporal-client';
import { startWorkers } from '../workers/start';
import { printStackInfo } from './dev';
import { printChecks } from './output';
import { printReportLocation, saveReportLocally } from './report';
import { followRun, rawConfigFromFlags, startPipelineRun } from './run';
import { generateRunId, runUiLink } from './run-id';

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stop: { type: 'boolean', default: false },
      preset: { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const stopAfter = values.stop || process.env.CI === 'true';
  const started = rawConfigFromFlags({
    preset: values.preset ?? (values.config ? undefined : 'tiny'),
    config: values.config,
  });
  const { raw, source } = started;
  const stack = await devUp({}, (m) => console.log(m));
  printStackInfo(stack.settings);
  const connection = connectionFromStack(stack.settings);
  const workers = await startWorkers({
    connection,
    queues: ['control', 'gpu'],
    log: logger().child({ component: 'worker' }),
  });
  let ok: boolean | undefined;
  try {
    if (!printChecks(await runDoctor(connection))) {
      console.log('The stack is not healthy; see the checks above.');
      return 1;
    }
    const client = await connectClient(connection.temporal);
    try {
      const runId = generateRunId(typeof raw.preset === 'string' ? raw.preset : undefined);
      await startPipelineRun(client, runId, started);
      const uiLink = runUiLink(connection.temporal, runId);
      console.log(`\nStarted run ${runId} (${source})${uiLink ? `\nTemporal UI: ${uiLink}` : ''}\n`);
      const followed = await followRun(client, runId, { uiLink });
      ok = followed.ok;
      if (ok) printReportLocation(connection, await saveReportLocally(connection, runId));
    } finally {
      await client.connection.close();
    }
  } finally {
    await workers.shutdown();
    if (stopAfter && !stack.alreadyRunning) {
      await devDown();
      console.log('Stopped the embedded stack.');
    } else {
      console.log(
        `\nThe stack keeps running: open ${stack.uiUrl} to explore the run. Stop it with: npx r1flow dev down`,
      );
    }
  }
  return ok ? 0 : 1;
}
