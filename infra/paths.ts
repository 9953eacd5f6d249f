// Where the project keeps what it installs (tools) and what it runs (state).
// Both live inside the checkout by default so that nothing leaks into the user's home,
// and both can be moved with env vars (CI, or several checkouts sharing one tools folder).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function toolsDir(): string {
  return resolve(process.env.R1FLOW_TOOLS_DIR ?? join(projectRoot, '.tools'));
}

export function stateDir(): string {
  return resolve(process.env.R1FLOW_STATE_DIR ?? join(projectRoot, '.r1flow'));
}
