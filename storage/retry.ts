// Retries an operation on transient failures (network resets, 5xx, throttling) with exponential
// backoff and jitter. The SDK already retries single requests; this covers whole operations
// whose body is a stream the SDK cannot replay (a file upload is re-read from the start). A
// store that cannot be reached at all (connection refused, 5xx: restarting, failing over)
// is waited for much longer, so an activity rides out a storage outage of minutes in place
// instead of failing its attempts one after another. A store that answers 5xx to everything is
// down too (SeaweedFS's S3 gateway answers 500 while its filer stops or starts).

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** how long a store that cannot be reached is waited for, from the first such failure (default 5 min) */
  outageMs?: number;
}

/** Default of `outageMs`; `R1FLOW_S3_OUTAGE_SECONDS` changes it for a worker. */
export const DEFAULT_OUTAGE_MS = 300_000;

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** The store is not there (down, restarting, unreachable, failing every request), as opposed to refusing one request. */
export function isUnreachable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return (
    (e.code !== undefined && UNREACHABLE_CODES.has(e.code)) || (status !== undefined && status >= 500 && status < 600)
  );
}

export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

export async function withRetry<T>(op: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  const outageMs = options.outageMs ?? DEFAULT_OUTAGE_MS;
  let firstFailure: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isTransient(err) && !isUnreachable(err)) throw err;
      firstFailure ??= Date.now();
      const waitingOut = isUnreachable(err) && Date.now() - firstFailure < outageMs;
      if (attempt >= attempts && !waitingOut) throw err;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
