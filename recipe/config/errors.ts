// A config error lists every problem, each as `path: what is wrong`. It is a user error, so the
// pipeline fails it at once instead of retrying.
import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}invalid config: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function joinPath(path: PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(`${joinPath([...issue.path, key])}: unknown key`);
    } else {
      problems.push(`${joinPath(issue.path) || '(root)'}: ${issue.message}`);
    }
  }
  return problems;
}
