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

/**
 * The branch of a union the input was meant for: the one that knows the most of the given keys,
 * and among those the one with the fewest problems (`model: {uri: …}` is a base model, so its
 * problems are reported against the base-model fields, not as unknown keys of the built-in GPT).
 */
function closestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] {
  const unknownKeys = (b: z.core.$ZodIssue[]) => b.filter((i) => i.code === 'unrecognized_keys').length;
  return [...branches].sort((a, b) => unknownKeys(a) - unknownKeys(b) || a.length - b.length)[0] ?? [];
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = closestBranch(issue.errors).map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      problems.push(...formatIssues(branch as z.core.$ZodIssue[]));
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(`${joinPath([...issue.path, key])}: unknown key`);
    } else {
      problems.push(`${joinPath(issue.path) || '(root)'}: ${issue.message}`);
    }
  }
  return problems;
}
