// The logger: JSON lines with the level as a name, errors under `err`, secret-ish fields censored
// even if a caller slips, and the gRPC library's own lines turned into JSON lines.
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { experimental, logVerbosity, setLogger, setLogVerbosity } from '@grpc/grpc-js';
import { afterEach, expect, it } from 'vitest';
import { createLogger, routeGrpcLogs } from '../../src/log.js';
import { ROOT } from '../e2e/support.js';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let out = '';
  const stream = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  return { stream, lines: () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

afterEach(() => {
  setLogger(console);
  setLogVerbosity(logVerbosity.ERROR);
});

it('writes one JSON line per event and censors private keys, passwords and inline data', () => {
  const s = sink();
  const log = createLogger('info', s.stream);
  log.info({ service: 'a/svc/b', private_key: 'K1', tls: { password: 'P1', private_key: 'K2' }, secret: { keys: { inline_string: 'S1' } } }, 'event');
  log.debug({ private_key: 'K3' }, 'hidden below the level');
  const lines = s.lines();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ msg: 'event', service: 'a/svc/b', private_key: '[redacted]', tls: { password: '[redacted]', private_key: '[redacted]' } });
  for (const value of ['K1', 'K2', 'K3', 'P1', 'S1']) expect(JSON.stringify(lines)).not.toContain(value);
});

it('names the level, and puts errors under err with at least a message', () => {
  const s = sink();
  const log = createLogger('debug', s.stream);
  log.warn({ err: new TypeError('bad thing') }, 'an Error');
  log.error({ err: 'a plain reason' }, 'a message');
  log.debug({ err: { code: 14, details: 'unavailable' } }, 'a status object');
  const [first, second, third] = s.lines();
  expect(first).toMatchObject({ level: 'warn', msg: 'an Error', err: { type: 'TypeError', message: 'bad thing' } });
  expect((first?.['err'] as { stack: string }).stack).toContain('TypeError: bad thing');
  expect(second).toMatchObject({ level: 'error', err: { message: 'a plain reason' } });
  expect(third).toMatchObject({ level: 'debug', err: { code: 14, details: 'unavailable' } });
});

it('turns the gRPC library lines into JSON lines of component grpc, tracer lines with their tracer', () => {
  const s = sink();
  routeGrpcLogs(createLogger('debug', s.stream));
  setLogVerbosity(logVerbosity.DEBUG);
  experimental.log(logVerbosity.ERROR, 'No address added out of total 1 resolved');
  experimental.log(logVerbosity.DEBUG, `${new Date().toISOString()} | v1.14.7 ${process.pid} | server | Received call to method /x`);
  expect(s.lines()).toEqual([
    expect.objectContaining({ level: 'error', component: 'grpc', msg: 'No address added out of total 1 resolved' }),
    expect.objectContaining({ level: 'debug', component: 'grpc', tracer: 'server', msg: 'Received call to method /x' }),
  ]);
});

it('turns a Node.js warning and a crash into JSON lines, and still exits 1 on the crash', () => {
  const script = [
    "import { createLogger, routeProcessEvents } from './src/log.ts';",
    "routeProcessEvents(createLogger('info'));",
    "process.emitWarning('something deprecated', 'DeprecationWarning');",
    "setTimeout(() => { throw new Error('boom'); }, 10);",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  // pino flushes a fatal line at once, the others from its buffer: the order may differ
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toHaveLength(2);
  expect(lines).toEqual(expect.arrayContaining([
    expect.objectContaining({ level: 'warn', component: 'node', msg: 'process warning: something deprecated', err: expect.objectContaining({ name: 'DeprecationWarning', message: 'something deprecated' }) as unknown }),
    expect.objectContaining({ level: 'fatal', component: 'node', msg: 'uncaught exception', err: expect.objectContaining({ message: 'boom' }) as unknown }),
  ]));
});
