// A janitor that cannot finish starting releases what it opened: its listening sockets and its
// source (a followed daemon or a watched file would otherwise keep the process alive).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { startJanitor } from '../../src/janitor.js';
import type { Source } from '../../src/source/types.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

it('an unwritable --ports-file: startJanitor rejects naming the file, with the source and the xDS listener closed', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'xds-startup-'));
  const portsFile = path.join(dir, 'missing-folder', 'ports.json');
  const parsed = parseConfig({ port: '0', admin: 'none', janitorSocket: 'none', portsFile }, {});
  if (!parsed.ok) throw new Error(parsed.error);
  const calls: string[] = [];
  const source: Source = {
    name: 'stub',
    start: async (onEvent) => {
      calls.push('start');
      onEvent({ kind: 'snapshot', state: { services: new Map() } });
    },
    getSecret: () => Promise.reject(new Error('no secrets here')),
    setListenerPort: async () => undefined,
    close: async () => {
      calls.push('close');
    },
  };
  const logged: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  await expect(startJanitor(parsed.config, { source, logger })).rejects.toThrow(/ports\.json/);
  expect(calls).toEqual(['start', 'close']);
  const listening = logged.map((l) => JSON.parse(l) as { msg: string; xds?: string }).find((l) => l.msg === 'listening');
  const port = Number(listening?.xds?.split(':').pop());
  expect(port).toBeGreaterThan(0);
  expect(await refused(port)).toBe(true);
});
