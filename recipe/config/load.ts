// Loads a pipeline config from a preset name, a JSON or YAML file, or an object (the Temporal
// UI's input), and validates it. Every failure is a ConfigError that names what is wrong.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors';
import { presetNames } from './presets';
import { isPresetName, resolveConfig } from './resolve';
import type { PipelineConfig } from './schema';

function lineColumnOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Parses JSON or YAML text; a syntax error names the line. */
export function parseConfigText(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const message = (err as Error).message;
      const pos = /position (\d+)/.exec(message);
      const where = pos ? lineColumnOf(text, Number(pos[1])) : 'unknown position';
      throw new ConfigError([`(syntax) malformed JSON at ${where}: ${message}`], source);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `(syntax) malformed YAML at ${lineColumnOf(text, e.pos[0])}: ${e.message.split('\n')[0]}`),
      source,
    );
  }
  return doc.toJS();
}

/** `spec` is a preset name or a path to a .json/.yaml/.yml file. */
export function loadConfig(spec: string): PipelineConfig {
  if (isPresetName(spec)) return resolveConfig({ preset: spec });
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const known = presetNames().join(', ');
    throw new ConfigError([
      code === 'ENOENT'
        ? `${spec} is neither a preset (${known}) nor an existing file`
        : `cannot read ${spec}: ${(err as Error).message}`,
    ]);
  }
  return resolveConfig(parseConfigText(text, spec), spec);
}
