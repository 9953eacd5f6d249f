// Turns a raw config object (the Temporal UI's input, a parsed file) into a validated config.
// No node imports: workflow code validates configs with this too.
import { ConfigError, formatIssues } from './errors';
import { PRESETS, presetNames } from './presets';
import { BaseModelSchema, BuiltinModelSchema, PipelineConfigSchema, type PipelineConfig } from './schema';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `over` onto `base`: objects merge key by key, everything else (arrays too) replaces.
 * Keys are own properties only: a `__proto__` or `constructor` key in hostile JSON stays a plain
 * key (which validation then refuses), never a prototype or an inherited value.
 */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = {};
  const put = (k: string, v: unknown) =>
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(base)) put(k, v);
  for (const [k, v] of Object.entries(over)) put(k, Object.hasOwn(out, k) ? deepMerge(out[k], v) : v);
  return out as T;
}

/** True for the name of a preset (an own key of PRESETS, so `constructor` or `__proto__` is not one). */
export function isPresetName(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(PRESETS, name);
}

/** Validates a raw config object (as typed into the UI or read from a file). */
export function resolveConfig(raw: unknown, source?: string): PipelineConfig {
  if (!isPlainObject(raw)) throw new ConfigError(['(root): must be an object like {"preset":"tiny"}'], source);
  let merged: unknown = raw;
  if (raw.preset !== undefined) {
    if (!isPresetName(raw.preset)) {
      throw new ConfigError(
        [`preset: unknown preset ${JSON.stringify(raw.preset)} (known: ${presetNames().join(', ')})`],
        source,
      );
    }
    const preset = JSON.parse(JSON.stringify(PRESETS[raw.preset])) as Record<string, unknown>;
    // a base model given by uri or name replaces the preset's model instead of merging into it
    if (isPlainObject(raw.model) && ('uri' in raw.model || 'name' in raw.model)) delete preset.model;
    merged = deepMerge(preset, raw);
  }
  // the keys given pick the model's branch, and its problems are reported against that branch
  // (zod reports a failed union by a branch of its own choosing, which may not be the one meant)
  const model = isPlainObject(merged) ? merged.model : undefined;
  if (isPlainObject(model)) {
    const branch = 'uri' in model || 'name' in model ? BaseModelSchema : BuiltinModelSchema;
    const checked = branch.safeParse(model);
    if (!checked.success)
      throw new ConfigError(
        formatIssues(checked.error.issues.map((issue) => ({ ...issue, path: ['model', ...issue.path] }))),
        source,
      );
  }
  const parsed = PipelineConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues), source);
  return parsed.data;
}
