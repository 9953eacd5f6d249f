/**
 * JSON with object keys sorted at every level and no whitespace, so that equal values always
 * serialise to equal bytes (and so hash equally) whatever order their keys were built in.
 */
export function canonicalJson(value: unknown, where = '(root)'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Value at ${where} is ${value}; JSON cannot hold non-finite numbers.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item, i) => canonicalJson(item, `${where}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item, `${where}.${key}`)}`).join(',')}}`;
  }
  throw new Error(`Value at ${where} has type ${typeof value}, which JSON cannot hold.`);
}
