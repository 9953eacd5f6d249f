// r1flow demo: the README's main command. Brings the embedded stack up, starts a worker in this
// process, checks everything end to end and (as the pipeline lands) runs the tiny recipe.
// The stack keeps running afterwards so the run can be explored in the UI; with CI=true or
// --stop everything started here is stopped again.
import { parseArgs } from 'node:util';
import { connectionFromStack } from '../infra/connection';
import { runDoctor } from '../infra/doctor';
import { logger } from '../infra/logger';
import { devDown, devUp } from '../infra/stack';
import { startWorkers } from '../workers/start';
import { printStackInfo } from './dev';
import { printChecks } from './output';

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { stop: { type: 'boolean', default: false } }, strict: true });
  const stopAfter = values.stop || process.env.CI === 'true';
  const stack = await devUp({}, (m) => console.log(m));
  printStackInfo(stack.settings);
  const connection = connectionFromStack(stack.settings);
  const workers = await startWorkers({ connection, queues: ['control', 'gpu'], log: logger() });
  let ok = false;
  try {
    ok = printChecks(await runDoctor(connection));
    console.log(ok ? 'The stack is healthy.' : 'The stack is not healthy; see the checks above.');
  } finally {
    await workers.shutdown();
    if (stopAfter && !stack.alreadyRunning) {
      await devDown();
      console.log('Stopped the embedded stack.');
    } else {
      console.log(`The stack keeps running: open ${stack.uiUrl} to explore. Stop it with: npx r1flow dev down`);
    }
  }
  return ok ? 0 : 1;
}
