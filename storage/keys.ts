// Object keys are built from user input (run ids, stage names). Validating every key keeps a
// hostile or mistyped run id inside its prefix and out of other runs' data.
import { InvalidKeyError } from './errors';

const MAX_KEY_BYTES = 1024;

export function validateKey(key: string): string {
  const fail = (why: string): never => {
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(key)}: ${why}`, key);
  };
  if (key.length === 0) fail('it is empty');
  if (key.startsWith('/')) fail('it starts with "/"');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) fail(`it is longer than ${MAX_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) fail('it contains a control character');
  if (key.includes('\\')) fail('it contains a backslash');
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.') fail(`it contains a "${segment}" segment`);
  }
  if (key.includes('//')) fail('it contains an empty segment ("//")');
  return key;
}

/** A single path segment from user input (run id, stage): no "/" at all. */
export function validateSegment(segment: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(segment)) {
    throw new InvalidKeyError(
      `invalid ${what} ${JSON.stringify(segment)}: use letters, digits, ".", "_" and "-" (at most 128, not starting with a symbol)`,
      segment,
    );
  }
  return segment;
}

export function joinKey(...parts: string[]): string {
  return validateKey(parts.filter((p) => p.length > 0).join('/'));
}

/** `runs/<run>/…`: the root of everything one run writes. */
export function runPrefix(runId: string): string {
  return joinKey('runs', validateSegment(runId, 'run id'));
}

/** Parses `s3://bucket/key` into its parts. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new InvalidKeyError(`invalid S3 URI ${JSON.stringify(uri)}: expected s3://bucket/key`, uri);
  return { bucket: match[1]!, key: validateKey(match[2]!) };
}
