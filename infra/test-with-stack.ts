// `npm test`: installs the tools, starts the test stack, runs every test file with Node's test
// runner against it, and stops the stack again, whatever the outcome. Unit tests (test/unit)
// need no services: when only they are selected, no stack is started.
//   npm test                       all tests except the long fault tests
//   npm test -- test/integration   only the files under the given paths
//   npm run test:unit              the unit tests, without the stack
//   npm run test:faults            the long fault tests (test/faults: minutes each)
//   npm run test:ui                the browser tests (installs Debian's chromium when it is missing)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ensureChromium } from './browser';
import { connectionFromStack } from './connection';
import { projectRoot } from './paths';
import { devDown, devUp } from './stack';
import { ensureTool } from './tools';
import { testStackSettings, testStateDir } from './test-stack';

/** Run only when named: each takes minutes (a storage outage, a soak), so `npm test` stays short. */
const FAULTS_DIR = join(projectRoot, 'test', 'faults');

function findTests(path: string, named = true): string[] {
  const st = statSync(path);
  if (st.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  if (!named && path === FAULTS_DIR) return [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => findTests(join(path, name), false));
}

function runNodeTest(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=NodeVersionSupportWarning', '--import', 'tsx', '--test', '--test-concurrency=1', ...files],
      {
        cwd: projectRoot,
        env,
        stdio: 'inherit',
      },
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const roots = process.argv.slice(2);
  const files = (roots.length ? roots : ['test'])
    .flatMap((r) => findTests(join(projectRoot, r), true))
    .map((f) => relative(projectRoot, f));
  if (files.length === 0) {
    console.error(`no test files under ${roots.join(' ')}`);
    return 1;
  }
  // once: testStateDir() is relative to the state folder, which this line moves
  const stateDir = testStateDir();
  process.env.R1FLOW_STATE_DIR = stateDir;
  if (files.every((f) => f.startsWith(`test${sep}unit${sep}`))) {
    // the workflow unit tests start their own throwaway Temporal server from the tools folder
    ensureTool('temporal', (m) => console.log(`[tools] ${m}`));
    return runNodeTest(files, { ...process.env, R1FLOW_STATE_DIR: stateDir });
  }
  if (files.some((f) => f.startsWith(`test${sep}ui${sep}`))) ensureChromium((m) => console.log(`[browser] ${m}`));
  const started = Date.now();
  const stack = await devUp(testStackSettings(), (m) => console.log(`[test stack] ${m}`));
  console.log(`[test stack] healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const conn = connectionFromStack(stack.settings);
  try {
    return await runNodeTest(files, {
      ...process.env,
      // the tests share the stack's state folder, so fault tests can find its processes
      R1FLOW_STATE_DIR: stateDir,
      R1FLOW_TEMPORAL_ADDRESS: conn.temporal.address,
      R1FLOW_TEMPORAL_NAMESPACE: conn.temporal.namespace,
      // the test stack's Web UI, which the browser tests open
      R1FLOW_TEMPORAL_UI_URL: conn.temporal.uiUrl,
      R1FLOW_S3_ENDPOINT: conn.s3.endpoint,
      R1FLOW_S3_BUCKET: conn.s3.bucket,
      R1FLOW_S3_ACCESS_KEY_ID: conn.s3.accessKeyId,
      R1FLOW_S3_SECRET_ACCESS_KEY: conn.s3.secretAccessKey,
      R1FLOW_S3_LINK_ACCESS_KEY_ID: conn.s3.linkAccessKeyId,
      R1FLOW_S3_LINK_SECRET_ACCESS_KEY: conn.s3.linkSecretAccessKey,
      R1FLOW_TEST_STACK: '1',
    });
  } finally {
    if (!stack.alreadyRunning || process.env.CI === 'true') await devDown();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
