// The file source on real files: snapshot, edits (in place and by rename, as editors save),
// a bad edit keeping the last good state, certificate files, and in-memory port write-back.
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSource } from '../../src/source/file/index.js';
import type { Source, SourceEvent } from '../../src/source/types.js';
import { until } from '../e2e/support.js';

const BASE = `services:
  ns/svc/a:
    endpoints: [10.0.0.1]
    expose#0: { port: 80, listener_port: 8080 }
  ns/svc/b:
    endpoints: [10.0.0.2]
    expose#0: { port: 81, listener_port: 0, listener_certificates: [certificate#0] }
    certificate#0: { certificate_secret: cert }
secrets:
  ns/sec/cert:
    certificate_chain_file: cert.pem
    private_key: inline-key-text
`;

describe('file source', () => {
  let dir = '';
  let source: Source | undefined;
  let log = '';
  const events: SourceEvent[] = [];

  afterEach(async () => {
    await source?.close();
    source = undefined;
    rmSync(dir, { recursive: true, force: true });
    events.length = 0;
    expect(log).not.toContain('inline-key-text');
    expect(log).not.toContain('CHAIN-V');
    log = '';
  });

  async function start(text = BASE) {
    dir = mkdtempSync(path.join(tmpdir(), 'xds-file-'));
    const file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, text);
    writeFileSync(path.join(dir, 'cert.pem'), 'CHAIN-V1');
    const sink = new Writable({ write: (c, _e, done) => ((log += String(c)), done()) });
    source = createFileSource({ path: file, logger: pino({ level: 'debug' }, sink) });
    await source.start((e) => events.push(e));
    expect(events[0]?.kind).toBe('snapshot');
    return { file, s: source };
  }

  const changes = () => events.filter((e): e is Extract<SourceEvent, { kind: 'change' }> => e.kind === 'change');

  it('starts with a snapshot of the file', async () => {
    await start();
    const first = events[0];
    expect(first?.kind === 'snapshot' && [...first.state.services.keys()]).toEqual(['ns/sec/cert', 'ns/svc/a', 'ns/svc/b']);
  });

  it('applies an in-place edit as a change naming only the edited service', async () => {
    const { file } = await start();
    writeFileSync(file, BASE.replace('port: 80,', 'port: 90,'));
    await until(() => changes().length === 1, 3000, 'a change');
    expect(changes()[0]?.services).toEqual(new Set(['ns/svc/a']));
    expect(changes()[0]?.secrets).toEqual(new Set());
  });

  it('follows a save by rename (write a temp file, rename over), again and again', async () => {
    const { file } = await start();
    for (const port of [91, 92, 93]) {
      const tmp = path.join(dir, `.tmp-${port}`);
      writeFileSync(tmp, BASE.replace('port: 80,', `port: ${port},`));
      renameSync(tmp, file);
      await until(() => changes().some((c) => JSON.stringify(c.state.services.get('ns/svc/a')).includes(`"port":${port}`)), 3000, `port ${port}`);
    }
  });

  it('keeps the last good state on a bad edit, logs its line, and recovers on the next good one', async () => {
    const { file } = await start();
    writeFileSync(file, BASE.replace('expose#0: { port: 80, listener_port: 8080 }', 'expose#0: { port: 80, listener_prt: 8080 }'));
    await until(() => log.includes('cluster file refused'), 3000, 'the refusal log line');
    const line = log.split('\n').find((l) => l.includes('cluster file refused')) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 50, line: 4, msg: expect.stringContaining('line 4') as unknown });
    expect(changes()).toHaveLength(0);
    appendFileSync(file, '  : : broken yaml [\n');
    await new Promise((r) => setTimeout(r, 150));
    expect(changes()).toHaveLength(0);
    writeFileSync(file, BASE.replace('listener_port: 8080', 'listener_port: 8081'));
    await until(() => changes().length === 1, 3000, 'the good edit');
    expect(changes()[0]?.services).toEqual(new Set(['ns/svc/a']));
  });

  it('reads secrets from their files, and announces a certificate file change', async () => {
    const { s } = await start();
    expect(await s.getSecret('ns/sec/cert')).toEqual({ certificate_chain: 'CHAIN-V1', private_key: 'inline-key-text' });
    writeFileSync(path.join(dir, 'cert.pem'), 'CHAIN-V2');
    await until(() => changes().length > 0, 3000, 'a secret change');
    expect(changes()[0]?.secrets).toEqual(new Set(['ns/sec/cert']));
    expect((await s.getSecret('ns/sec/cert')).certificate_chain).toBe('CHAIN-V2');
    await expect(s.getSecret('ns/sec/missing')).rejects.toThrow('secret ns/sec/missing is not defined');
    rmSync(path.join(dir, 'cert.pem'));
    await expect(s.getSecret('ns/sec/cert')).rejects.toThrow(/certificate_chain file .*cert\.pem: ENOENT/);
  });

  it('keeps an allocated listener port in memory, over later edits, until the file sets one', async () => {
    const { file, s } = await start();
    expect(await s.setListenerPort('ns/svc/b', 'expose#0', 1025)).toBe('kept in memory');
    const port = (e: SourceEvent | undefined) => (e && (e.kind === 'snapshot' || e.kind === 'change') ? e.state.services.get('ns/svc/b')?.instances[0]?.resources['expose#0']?.info['listener_port'] : undefined);
    expect(changes()[0]?.services).toEqual(new Set(['ns/svc/b']));
    expect(port(changes()[0])).toBe(1025);
    expect(readFileSync(file, 'utf8')).toBe(BASE);
    writeFileSync(file, BASE.replace('port: 80,', 'port: 82,'));
    await until(() => changes().length === 2, 3000, 'the edit');
    expect(port(changes()[1])).toBe(1025);
    writeFileSync(file, BASE.replace('listener_port: 0', 'listener_port: 2000'));
    await until(() => changes().length === 3, 3000, 'the explicit port');
    expect(port(changes()[2])).toBe(2000);
  });

  it('anti-entropy: verify() reads the files again; nothing differs when every event was seen', async () => {
    const { file, s } = await start();
    writeFileSync(file, BASE.replace('port: 80,', 'port: 88,'));
    await until(() => changes().length === 1, 3000, 'the edit');
    expect(await s.verify?.()).toEqual({ checked: true, differences: 0 });
    expect(s.counts?.()).toMatchObject({ antiEntropyChecks: 1, antiEntropyRepairs: 0, refusedEdits: 0 });
    expect(changes()).toHaveLength(1);
  });

  it('refuses to start on a bad file', async () => {
    await expect(start('services: [\n')).rejects.toThrow(/cannot start: cluster file .* is unreadable or invalid/);
    expect(log).toContain('cluster file refused at line 2');
  });
});
