// Installs the npm dependencies when they are missing or older than the lockfile, so that the
// README's two commands work on a fresh clone. Plain JS: it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('installing npm dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    // the CPU build of onnxruntime-node ships inside the package; its installer would only try to
    // download GPU providers (set also in .npmrc)
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}
