// Run ids: a run id is the pipeline's workflow id, and it ends up in S3 keys, so it is kept to
// characters that are safe everywhere.
import { randomBytes } from 'node:crypto';
import type { TemporalSettings } from '../infra/connection';
import { fail } from './output';

export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Why `id` is not a valid run id, or undefined when it is. */
export function runIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (id.length > 128) return `is ${id.length} characters long (at most 128)`;
  const bad = /[^A-Za-z0-9._-]/.exec(id);
  if (bad) return `contains ${JSON.stringify(bad[0])}; use only letters, digits, ".", "_" and "-"`;
  if (id === '.' || id === '..') return 'cannot be "." or ".."';
  return undefined;
}

/** Returns `id` when valid; otherwise a usage error naming `what` (e.g. "--id"). */
export function checkRunId(id: string, what = 'run id'): string {
  const problem = runIdProblem(id);
  if (problem) fail(`${what} ${JSON.stringify(id)} ${problem}`);
  return id;
}

/** `yyyymmdd-hhmmss` in UTC. */
export function utcStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** `r1-<preset or custom>-<yyyymmdd-hhmmss>-<4 hex>`; the random tail keeps two runs started in the same second apart. */
export function generateRunId(
  preset: string | undefined,
  now: Date = new Date(),
  hex: string = randomBytes(2).toString('hex'),
): string {
  const name = (preset ?? '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'custom';
  return `r1-${name}-${utcStamp(now)}-${hex}`;
}

/** The run's page in the Temporal UI, when the UI's address is known. */
export function runUiLink(
  temporal: Pick<TemporalSettings, 'uiUrl' | 'namespace'>,
  workflowId: string,
): string | undefined {
  if (!temporal.uiUrl) return undefined;
  const base = temporal.uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
