// Runs the r1flow command as a user runs it, from the project root, and collects its output.
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../infra/paths';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function r1flowSync(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['bin/r1flow.mjs', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: process.env,
  });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

/** `r1flow generate SOURCE --prompt TEXT --temperature 0 --max-new-tokens 12 --json …`. */
export function generateGreedy(source: string, prompt: string, ...flags: string[]): CliResult {
  return r1flowSync(
    'generate',
    source,
    '--prompt',
    prompt,
    '--temperature',
    '0',
    '--max-new-tokens',
    '12',
    '--json',
    ...flags,
  );
}
