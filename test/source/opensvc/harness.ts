// A source following a stand-in daemon over a real unix socket, closed after each test, with a log
// sink checked for secret values. Used by client.test.ts and calls.test.ts.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect } from 'vitest';
import { createOpenSvcSource, type OpenSvcSourceOptions } from '../../../src/source/opensvc/index.js';
import type { Json } from '../../../src/source/opensvc/json.js';
import type { Source } from '../../../src/source/types.js';
import { startFakeDaemon, type FakeDaemon } from '../../support/fake-daemon/index.js';
import { at, clone, fixture, recorder, tempSocket } from './helpers.js';

export const WEB1 = 'test/svc/web1';
export const CERT = 'test/sec/web1-front-cert';
export const PEM = '-----BEGIN CERTIFICATE-----\nMIIBsecretvalue\n-----END CERTIFICATE-----\n';
export const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----\n';

export function edited(status: Json, mutate: (s: Record<string, unknown>) => void): Json {
  const next = clone(status) as Record<string, unknown>;
  mutate(next);
  return next as Json;
}

export const routePrefix = (value: string) => (s: Record<string, unknown>) => {
  at(s, 'monitor', 'nodes', 'vm', 'services', 'status', WEB1, 'resources', 'route#0', 'info')['match_prefix'] = value;
};

type Extra = Partial<Omit<OpenSvcSourceOptions, 'socketPath' | 'logger'>>;

/** Register the cleanup hooks of a describe block and return its setup functions. */
export function sourceHarness() {
  let fake: FakeDaemon | undefined;
  let sources: Source[] = [];
  let cleanups: (() => void)[] = [];
  let logText = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((logText += String(chunk)), done()) });

  afterEach(async () => {
    for (const source of sources) await source.close();
    await fake?.close();
    for (const cleanup of cleanups) cleanup();
    sources = [];
    cleanups = [];
    fake = undefined;
    // whatever happened, no secret value reached a log line
    expect(logText).not.toContain('secretvalue');
    expect(logText).not.toContain('MIIEvQIBADAN');
    logText = '';
  });

  /** A new source on `socketPath`, started, closed after the test. */
  async function follow(socketPath: string, extra: Extra = {}) {
    const rec = recorder();
    const source = createOpenSvcSource({ socketPath, logger: pino({ level: 'debug' }, sink), backoff: { minMs: 10, maxMs: 80 }, ...extra });
    sources.push(source);
    await source.start(rec.push);
    return { rec, source };
  }

  async function setup(opts: { startDaemon?: boolean } = {}) {
    const sock = tempSocket();
    cleanups.push(sock.cleanup);
    const secrets = { [CERT]: { certificate_chain: PEM, private_key: KEY, certificate: PEM } };
    const startDaemon = async () => {
      fake = await startFakeDaemon({ socketPath: sock.path, status: fixture('daemon_status.initial.json'), secrets });
      return fake;
    };
    if (opts.startDaemon !== false) await startDaemon();
    return { ...(await follow(sock.path)), startDaemon };
  }

  /** A stand-in daemon and a source that has received its first snapshot. */
  async function live() {
    const ctx = await setup();
    const first = await ctx.rec.next();
    expect(first.kind).toBe('snapshot');
    return { ...ctx, daemon: fake as FakeDaemon };
  }

  return { setup, live, follow, logLines: () => logText.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; socket?: string }) };
}
