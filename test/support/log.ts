// A real pino logger whose JSON lines are kept, for tests that check what the janitor says.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/log.js';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, unknown>[];
  /** The lines whose message is `msg`. */
  withMsg(msg: string): Record<string, unknown>[];
}

export function captureLog(level: 'debug' | 'info' = 'debug'): CapturedLog {
  let text = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  const lines = (): Record<string, unknown>[] =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger: pino({ level }, sink), lines, withMsg: (msg) => lines().filter((l) => l['msg'] === msg) };
}
