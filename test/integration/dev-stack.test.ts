// `dev up` / `dev down` on a second stack with its own ports and state folder.
import { execSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkPortFree, isAlive } from '../../infra/processes';
import { devDown, devStatus, devUp } from '../../infra/stack';
import { stackPorts, StackSettingsSchema } from '../../infra/stack-settings';

// distinct from the dev and test stacks' ports and their SeaweedFS gRPC twins (+10000), and moved
// by the test port offset like the test stack's, so checkouts side by side do not collide
const OFFSET = Number(process.env.R1FLOW_TEST_PORT_OFFSET ?? 0);
const PORTS = {
  temporalPort: 14233 + OFFSET,
  temporalUiPort: 14234 + OFFSET,
  s3Port: 14333 + OFFSET,
  seaweedMasterPort: 14335 + OFFSET,
  seaweedVolumePort: 14340 + OFFSET,
  seaweedFilerPort: 14888 + OFFSET,
};
const previousStateDir = process.env.R1FLOW_STATE_DIR;
process.env.R1FLOW_STATE_DIR = mkdtempSync(join(tmpdir(), 'r1flow-devstack-'));
after(async () => {
  await devDown();
  process.env.R1FLOW_STATE_DIR = previousStateDir;
});

test('dev up twice is harmless and dev down leaves no process behind', async () => {
  const first = await devUp(PORTS);
  assert.equal(first.alreadyRunning, false);
  const pids = devStatus().processes.map((p) => p.pid);
  assert.equal(pids.length, 2);
  assert.ok(pids.every(isAlive));

  const second = await devUp(PORTS);
  assert.equal(second.alreadyRunning, true);
  assert.deepEqual(
    devStatus().processes.map((p) => p.pid),
    pids,
  );

  const stopped = await devDown();
  assert.deepEqual(
    stopped.map((s) => s.result),
    ['stopped', 'stopped'],
  );
  assert.ok(
    pids.every((pid) => !isAlive(pid)),
    'a stack process is still alive',
  );
  assert.equal(devStatus().running, false);
  const settings = StackSettingsSchema.parse(PORTS);
  // the kernel may take a moment to release a port after its process is gone
  for (const { port } of stackPorts(settings)) {
    let free = false;
    for (let i = 0; i < 50 && !free; i++) {
      free = await checkPortFree(settings.host, port);
      if (!free) await new Promise((r) => setTimeout(r, 200));
    }
    if (!free)
      console.log(
        execSync('ss -tanp')
          .toString()
          .split('\n')
          .filter((l: string) => l.includes(`:${port} `))
          .join('\n'),
      );
    assert.ok(free, `port ${port} still taken 10 s after dev down`);
  }
});

test('dev up brings back whichever service died and leaves the healthy one running', async () => {
  await devUp(PORTS);
  try {
    for (const victim of ['seaweedfs', 'temporal'] as const) {
      const before = new Map(devStatus().processes.map((p) => [p.name, p.pid]));
      process.kill(before.get(victim)!, 'SIGKILL');
      while (isAlive(before.get(victim)!)) await new Promise((r) => setTimeout(r, 50));
      assert.equal(devStatus().running, false, `the stack reads as not running once ${victim} died`);

      const again = await devUp(PORTS);
      assert.deepEqual(again.started, [victim], `only ${victim} is started again`);
      const after = new Map(devStatus().processes.map((p) => [p.name, p.pid]));
      const survivor = victim === 'temporal' ? 'seaweedfs' : 'temporal';
      assert.equal(after.get(survivor), before.get(survivor), `${survivor} kept running under its pid`);
      assert.notEqual(after.get(victim), before.get(victim));
      assert.ok(devStatus().running);
    }
  } finally {
    await devDown();
  }
});

test('a port already taken is a clear error, not a hang', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(PORTS.s3Port, '127.0.0.1', resolve));
  try {
    await assert.rejects(
      devUp(PORTS),
      new RegExp(`port ${PORTS.s3Port} \\(SeaweedFS S3\\) on 127\\.0\\.0\\.1 is already in use.*--s3-port`),
    );
    assert.equal(devStatus().record, undefined, 'nothing should have been started');
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
