// Killing and stopping the test stack's own services, and bringing them back with `dev up`,
// which restarts only what is not running (infra/stack).
import { readStackRecord } from '../../infra/stack-record';
import { isOurProcess, stopProcess } from '../../infra/processes';
import { devUp } from '../../infra/stack';
import type { StackService } from '../../infra/stack-settings';
import { testStackSettings } from '../../infra/test-stack';

function processOf(service: StackService) {
  const p = readStackRecord()?.processes.find((x) => x.name === service);
  if (!p) throw new Error(`the test stack has no ${service} process recorded`);
  return p;
}

/** SIGKILL, like a crashed machine: no shutdown of any kind. */
export async function killService(service: StackService): Promise<number> {
  const p = processOf(service);
  process.kill(p.pid, 'SIGKILL');
  while (isOurProcess(p.pid, p.binary)) await new Promise((r) => setTimeout(r, 50));
  return p.pid;
}

/** SIGTERM, then SIGKILL after a grace period: an orderly stop. */
export async function stopService(service: StackService): Promise<number> {
  const p = processOf(service);
  await stopProcess(p.pid, p.binary);
  return p.pid;
}

/** `dev up` on the test stack's settings; returns the services it had to start. */
export async function bringBack(): Promise<StackService[]> {
  return (await devUp(testStackSettings())).started;
}
