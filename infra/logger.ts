// One pino logger for everything outside workflow code. JSON by default (machines read logs);
// pretty when a person watches a terminal. Secrets are redacted at the logger, so no call site
// has to remember to.
import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Paths of fields that may hold credentials, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'secretAccessKey',
  'accessKeyId',
  'sessionToken',
  'password',
  'apiKey',
  'token',
  'authorization',
  '*.secretAccessKey',
  '*.accessKeyId',
  '*.sessionToken',
  '*.password',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.*.secretAccessKey',
  '*.*.accessKeyId',
  '*.*.sessionToken',
  '*.*.password',
  '*.*.apiKey',
  'headers.authorization',
  '*.headers.authorization',
  'credentials',
  '*.credentials',
];

export interface LoggerSettings {
  level?: string;
  /** 'json' | 'pretty'; default: pretty when stdout is a TTY */
  format?: 'json' | 'pretty';
  destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name,
    level: settings.level ?? process.env.R1FLOW_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  const envFormat = process.env.R1FLOW_LOG_FORMAT;
  const format =
    settings.format ??
    (envFormat === 'json' || envFormat === 'pretty' ? envFormat : undefined) ??
    (process.stdout.isTTY ? 'pretty' : 'json');
  const destination = settings.destination ?? process.stdout;
  if (format === 'pretty') {
    return pino(options, pretty({ colorize: process.stdout.isTTY, destination, sync: true, ignore: 'pid,hostname' }));
  }
  return pino(options, destination as pino.DestinationStream);
}

let rootLogger: Logger | undefined;

/** The process-wide logger (created on first use). */
export function logger(): Logger {
  rootLogger ??= createLogger('r1flow');
  return rootLogger;
}
