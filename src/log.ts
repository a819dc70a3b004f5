// The janitor's logger: pino, one JSON line per event worth knowing, the level as a name
// (`"level":"warn"`), errors under `err` (an object with at least `message`). Secret-ish paths are
// redacted as a second line of defence; the first is never to put a secret value in a log call.
// The gRPC library's own lines and Node.js process warnings go through it too, so stdout and
// stderr carry nothing but JSON lines.
import { format } from 'node:util';
import { setLogger } from '@grpc/grpc-js';
import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';

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

/** `err`: an Error with its type, message and stack; a plain message as `{message}`. */
export function serializeErr(value: unknown): unknown {
  if (value instanceof Error) return pino.stdSerializers.err(value);
  if (typeof value === 'object' && value !== null) return value;
  return { message: String(value) };
}

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { name: 'xds' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeErr },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/** grpc-js trace lines read `<time> | v<version> <pid> | <tracer> | <text>`. */
const GRPC_TRACE = /^\S+ \| v\S+ \d+ \| ([^|]+?) \| ([\s\S]*)$/;

function grpcLine(log: (fields: object, msg: string) => void) {
  return (...args: unknown[]): void => {
    const text = format(...args);
    const trace = GRPC_TRACE.exec(text);
    if (trace) log({ tracer: trace[1] }, trace[2] ?? '');
    else log({}, text);
  };
}

/**
 * Route the gRPC library's logging (process-wide) through `logger`, as `component: "grpc"` lines.
 * Which lines it emits stays its own choice: GRPC_VERBOSITY (default ERROR) and GRPC_TRACE.
 */
export function routeGrpcLogs(logger: Logger): void {
  const grpc = logger.child({ component: 'grpc' });
  setLogger({
    error: grpcLine((fields, msg) => grpc.error(fields, msg)),
    info: grpcLine((fields, msg) => grpc.info(fields, msg)),
    debug: grpcLine((fields, msg) => grpc.debug(fields, msg)),
  });
}

/**
 * What Node.js would print on stderr itself, as JSON lines: process warnings (deprecations,
 * listener leaks) at warn; an uncaught exception or unhandled rejection at fatal, then exit 1 as
 * Node.js would.
 */
export function routeProcessEvents(logger: Logger): void {
  const node = logger.child({ component: 'node' });
  process.removeAllListeners('warning');
  process.on('warning', (warning) => node.warn({ err: warning }, `process warning: ${warning.message}`));
  const crash = (what: string) => (error: unknown) => {
    node.fatal({ err: error }, what);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled promise rejection'));
}
