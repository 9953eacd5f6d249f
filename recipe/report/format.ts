// Number and time formatting for the page. Pure and locale-independent, so the same report always
// renders the same bytes.

export const MISSING = '—';

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A 0..1 fraction as a percentage with one decimal, e.g. `93.8 %`. */
export function formatPercent(value: number | null | undefined): string {
  return isNumber(value) ? `${(value * 100).toFixed(1)} %` : MISSING;
}

/** Percentage points with a sign, e.g. `+23.4 pts`. */
export function formatPoints(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${sign}${Math.abs(value).toFixed(1)} pts`;
}

/** A plain number with at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (!isNumber(value)) return MISSING;
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return String(Number(value.toFixed(digits)));
}

/** Seconds as `42 s`, `3 min 05 s` or `1 h 02 min`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNumber(seconds) || seconds < 0) return MISSING;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** An ISO timestamp as `2025-01-31 14:05:09 UTC`; anything unparsable is returned unchanged. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
