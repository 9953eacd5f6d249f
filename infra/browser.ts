// The browser the UI tests drive: Debian's `chromium` package, never a browser build downloaded
// by a test tool. The test command installs it with apt-get when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Headless flags for a machine without a display, sandbox user namespaces or outside network:
 * without the background-networking flags Chromium keeps trying to reach its update and sync
 * services, and every refused connection is noise in the logs.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `R1FLOW_CHROMIUM` (a Chromium you already have) or Debian's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.R1FLOW_CHROMIUM ?? DEBIAN_CHROMIUM;
}

function run(command: string, args: string[], log: (msg: string) => void): boolean {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** The browser's path, installing Debian's chromium first when it is missing (and saying so). */
export function ensureChromium(log: (msg: string) => void): string {
  const path = chromiumPath();
  if (existsSync(path)) return path;
  if (process.env.R1FLOW_CHROMIUM) throw new Error(`R1FLOW_CHROMIUM points at ${path}, which does not exist`);
  log(`the browser tests need ${DEBIAN_CHROMIUM}; installing Debian's chromium package with apt-get`);
  const installed =
    run('apt-get', ['install', '-y', '-q', 'chromium'], log) ||
    // a fresh machine may have no package lists yet
    (run('apt-get', ['update', '-q'], log) && run('apt-get', ['install', '-y', '-q', 'chromium'], log));
  if (!installed || !existsSync(path)) {
    throw new Error(
      `could not install Debian's chromium (needs root and apt-get); install it with \`apt-get install chromium\` or set R1FLOW_CHROMIUM to a Chromium binary`,
    );
  }
  log(`installed ${path}`);
  return path;
}
