// The janitor's logger: pino, one JSON line per event worth knowing. Secret-ish paths are
// redacted as a second line of defence; the first is never to put a secret value in a log call.
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Paths censored wherever they appear (one or two levels deep, as pino's redact syntax allows). */
export const REDACT_PATHS: readonly string[] = [
  'private_key',
  'password',
  'values',
  '*.private_key',
  '*.password',
  '*.inline_string',
  '*.inline_bytes',
  '*.values',
  '*.*.private_key',
  '*.*.password',
  '*.*.inline_string',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { name: 'xds' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
