import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { projectRoot } from '../../../infra/paths';
import { TUNED_MALLOC, allocatorMode, runsOnGlibc, tunedAllocatorEnv, wantsTunedRerun } from '../../../infra/allocator';
import { isAlive, waitFor } from '../../../infra/processes';

test('the tuned env adds the malloc tunables and keeps the ones the caller set', () => {
  const env = tunedAllocatorEnv({ GLIBC_TUNABLES: 'glibc.malloc.mmap_max=5:glibc.cpu.hwcaps=-AVX', HOME: '/h' });
  assert.deepEqual(env.GLIBC_TUNABLES!.split(':'), [
    'glibc.malloc.mmap_max=5',
    'glibc.cpu.hwcaps=-AVX',
    TUNED_MALLOC[1],
  ]);
  assert.equal(env.HOME, '/h');
  assert.equal(env.R1FLOW_ALLOCATOR, 'tuned');
  assert.deepEqual(tunedAllocatorEnv({}).GLIBC_TUNABLES!.split(':'), [...TUNED_MALLOC]);
});

test('a process reruns itself only when it is not tuned yet and has not opted out', () => {
  assert.equal(wantsTunedRerun({ R1FLOW_ALLOCATOR: 'tuned' }), false);
  assert.equal(wantsTunedRerun({ R1FLOW_ALLOCATOR: 'system' }), false);
  assert.equal(wantsTunedRerun({}), runsOnGlibc());
  assert.equal(allocatorMode({ R1FLOW_ALLOCATOR: 'tuned' }), runsOnGlibc() ? 'tuned' : 'system');
  assert.equal(allocatorMode({ R1FLOW_ALLOCATOR: 'system' }), 'system');
  assert.equal(allocatorMode({}), 'system');
  assert.throws(
    () => wantsTunedRerun({ R1FLOW_ALLOCATOR: 'fast' }),
    /R1FLOW_ALLOCATOR must be 'tuned' or 'system', got "fast"/,
  );
});

/** Starts the fixture command and reads the report line of the process that does the work. */
async function startLauncher() {
  const launcher = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/processes/allocator-child.ts'], {
    cwd: projectRoot,
    env: { ...process.env, R1FLOW_ALLOCATOR: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: launcher.stdout! }), 'line')) as [string];
  const report = JSON.parse(line) as { pid: number; ppid: number; tunables: string | null; parentMarkLeft: boolean };
  // A failed assertion must not leave either process holding the test file open.
  after(() => {
    for (const pid of [launcher.pid, report.pid]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  return { launcher, report };
}

/** Waits up to 10 s for `pid` to be gone. */
const gone = (pid: number, after: string) =>
  waitFor(
    `the end of process ${pid} ${after}`,
    async () => !isAlive(pid),
    10_000,
    () => 'it is still running',
  );

test('the rerun child has the tunables, and the launcher passes on SIGTERM and SIGINT and their exit codes', async () => {
  for (const [signal, code] of [
    ['SIGTERM', 7],
    ['SIGINT', 3],
  ] as const) {
    const { launcher, report } = await startLauncher();
    if (runsOnGlibc()) {
      assert.notEqual(report.pid, launcher.pid);
      assert.equal(report.ppid, launcher.pid);
      for (const t of TUNED_MALLOC) assert.ok(report.tunables?.split(':').includes(t), `${t} in ${report.tunables}`);
      assert.equal(report.parentMarkLeft, false, 'processes the child starts do not inherit its launcher');
    } else {
      assert.equal(report.pid, launcher.pid);
    }
    launcher.kill(signal);
    const [exitCode] = await once(launcher, 'exit');
    assert.equal(exitCode, code, `exit code after ${signal}`);
    await gone(report.pid, `after ${signal}`);
  }
});

test('the rerun child stops on its own when its launcher is killed outright', async () => {
  const { launcher, report } = await startLauncher();
  launcher.kill('SIGKILL');
  await once(launcher, 'exit');
  await gone(report.pid, 'after its launcher was killed');
});
