// Workflows carry metrics as flat `name → number` maps (small, and readable in the UI):
// nested objects become dotted names, nulls and non-numbers are left out.
export function flattenMetrics(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && prefix) out[prefix] = value;
  } else if (typeof value === 'boolean') {
    if (prefix) out[prefix] = value ? 1 : 0;
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenMetrics(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}
