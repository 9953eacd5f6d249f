// What the state folder holds on disk, part by part, for `r1flow dev status`: the Temporal
// database, the S3 data, the worker's checkpoint cache (against its cap), scratch space, local
// reports and logs. `r1flow gc` frees the cache and scratch parts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathBytes } from '../activities/checkpoint-cache';

export interface UsagePart {
  what: string;
  path: string;
  bytes: number;
}

export function stateUsage(dir: string): UsagePart[] {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const files = (pattern: RegExp) =>
    names.filter((n) => pattern.test(n)).reduce((t, n) => t + pathBytes(join(dir, n)), 0);
  const part = (what: string, rel: string): UsagePart => ({
    what,
    path: join(dir, rel),
    bytes: pathBytes(join(dir, rel)),
  });
  return [
    { what: 'Temporal database', path: join(dir, 'temporal.sqlite*'), bytes: files(/^temporal\.sqlite/) },
    part('S3 data (SeaweedFS)', 'seaweedfs'),
    part('checkpoint cache', join('cache', 'checkpoints')),
    part('scratch', join('cache', 'scratch')),
    part('local reports', 'reports'),
    { what: 'logs', path: join(dir, '*.log'), bytes: files(/\.log$/) },
    part('test stack', 'test-stack'),
  ];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
