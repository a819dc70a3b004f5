// The stand-in daemon is checked against the recordings of a real OpenSVC 2.1 daemon, so the other
// tests cannot pass against a daemon that behaves differently from the real one.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { journaledDiff, pyEqual } from '../../support/fake-daemon/diff.js';
import { startFakeDaemon, type FakeDaemon } from '../../support/fake-daemon/index.js';
import type { Json } from '../../../src/source/opensvc/json.js';
import { parseStanzas, stanzaUnder, type Stanza } from '../../../src/source/opensvc/patch.js';
import { openEvents, request, type EventStream } from '../../../src/source/opensvc/transport.js';
import { fixture, patched, recordedEvents, tempSocket, until } from './helpers.js';

/** The recorded status just before (`upTo` excluded) a recorded patch id. */
function statusBefore(upTo: number): Json {
  let state = fixture('daemon_status.initial.json');
  for (const { msg } of recordedEvents()) {
    if (msg.kind !== 'patch' || (msg.id ?? 0) >= upTo) continue;
    const result = patched(state, parseStanzas(msg.data) as Stanza[]);
    if (!result.ok) throw new Error(result.error);
    state = result.state;
  }
  return state;
}

function monitorStanzas(data: unknown): string[] {
  return (parseStanzas(data) as Stanza[]).filter((s) => stanzaUnder(s, 'monitor')).map((s) => JSON.stringify(s)).sort();
}

const ask = (path: string, body: { action: string; options?: unknown }) => request(path, body, { timeoutMs: 2000 });

describe('stand-in daemon against the recordings', () => {
  let fake: FakeDaemon | undefined;
  let stream: EventStream | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    stream?.close();
    await fake?.close();
    cleanup?.();
  });

  async function start(status: Json, secrets?: Record<string, Record<string, string>>): Promise<FakeDaemon> {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    fake = await startFakeDaemon({ socketPath: sock.path, status, ...(secrets ? { secrets } : {}) });
    return fake;
  }

  it('answers daemon_status with the bare status object, as recorded', async () => {
    const initial = fixture('daemon_status.initial.json');
    const daemon = await start(initial);
    expect(await ask(daemon.socketPath, { action: 'daemon_status', options: {} })).toEqual(initial);
  });

  it('answers daemon_status with a selector without the objects it does not select, like filter_daemon_status', async () => {
    const initial = fixture('daemon_status.initial.json');
    const daemon = await start(initial);
    const none = await ask(daemon.socketPath, { action: 'daemon_status', options: { selector: '__xds_janitor_probe__' } });
    const some = await ask(daemon.socketPath, { action: 'daemon_status', options: { selector: 'test/svc/*' } });
    const paths = (status: unknown, ...keys: string[]): string[] => {
      let cursor = status;
      for (const key of keys) cursor = (cursor as Record<string, unknown> | undefined)?.[key];
      return Object.keys(cursor as object).sort();
    };
    expect(paths(none, 'monitor', 'services')).toEqual([]);
    expect(paths(none, 'monitor', 'nodes', 'vm', 'services', 'status')).toEqual([]);
    expect(paths(some, 'monitor', 'services')).toEqual(['test/svc/web1']);
    expect(paths(some, 'monitor', 'nodes', 'vm', 'services', 'config')).toEqual(['test/svc/web1']);
    expect(paths(initial, 'monitor', 'nodes', 'vm', 'services', 'status')).toEqual(['cluster', 'test/sec/web1-front-cert', 'test/svc/web1']);
    expect((none as { cluster?: unknown }).cluster).toEqual((initial as { cluster?: unknown }).cluster);
  });

  it('diffs initial to final into stanzas that the patch applier turns into final', () => {
    const initial = fixture('daemon_status.initial.json');
    const final = fixture('daemon_status.final.json');
    const result = patched(initial, journaledDiff(initial, final));
    expect(result.ok && result.state).toEqual(final);
  });

  it('emits, for each recorded change, the monitor stanzas the real daemon emitted', () => {
    for (const id of [43, 45, 47, 49, 58, 60, 65]) {
      const before = statusBefore(id);
      const after = statusBefore(id + 1);
      const recorded = recordedEvents().find((e) => e.msg.id === id)?.msg.data;
      expect(monitorStanzas(journaledDiff(before, after)), `patch ${id}`).toEqual(monitorStanzas(recorded));
    }
  });

  it('reproduces the v2.1 quirks: null gives set-then-delete, arrays shrink from the end', () => {
    expect(journaledDiff({ a: 1, b: { c: 2 } }, { a: null, b: { c: 2 } })).toEqual([[['a'], null], [['a']]]);
    expect(journaledDiff({ l: [1, 2, 3, 4] }, { l: [2] })).toEqual([[['l', 0], 2], [['l', 3]], [['l', 2]], [['l', 1]]]);
    expect(journaledDiff({ a: null }, { a: { b: [1] } })).toEqual([[['a'], { b: [1] }]]);
    expect(journaledDiff({ a: 1 }, { a: true })).toEqual([]);
    // a type change: per-child stanzas under a scalar (consumers fail and resync), or nothing at all
    expect(journaledDiff({ k: 1 }, { k: { x: 2 } })).toEqual([[['k', 'x'], 2]]);
    expect(journaledDiff({ k: false }, { k: {} })).toEqual([]);
  });

  it('streams patches as {kind, id, ts, data} with ids from 1, NUL framed', async () => {
    const initial = fixture('daemon_status.initial.json');
    const daemon = await start(initial);
    const got: unknown[] = [];
    stream = await openEvents(daemon.socketPath, { onMessage: (t) => got.push(JSON.parse(t)), onEnd: () => undefined });
    await until(() => daemon.subscribers() === 1);
    daemon.setStatus(statusBefore(44));
    daemon.setStatus(statusBefore(46));
    await until(() => got.length === 2);
    for (const [i, message] of got.entries()) {
      expect(Object.keys(message as object)).toEqual(['kind', 'id', 'ts', 'data']);
      expect(message).toMatchObject({ kind: 'patch', id: i + 1 });
      expect(typeof (message as { ts: unknown }).ts).toBe('number');
    }
    const last = got[1] as { data: unknown };
    expect(monitorStanzas(last.data)).toEqual(monitorStanzas(recordedEvents().find((e) => e.msg.id === 45)?.msg.data));
  });

  it('answers service_action set like the recording, and the cmd list form with status 500', async () => {
    const daemon = await start(statusBefore(65));
    const got: { data: unknown }[] = [];
    stream = await openEvents(daemon.socketPath, { onMessage: (t) => got.push(JSON.parse(t) as { data: unknown }), onEnd: () => undefined });
    await until(() => daemon.subscribers() === 1);
    const legacy = { action: 'service_action', options: { svcname: 'test/svc/web1', cmd: ['set', '--kw=expose#2.listener_port=1025'], sync: true } };
    expect(await ask(daemon.socketPath, legacy)).toMatchObject({ status: 500, error: expect.any(String) });
    const set = { action: 'service_action', options: { path: 'test/svc/web1', action: 'set', options: { kw: ['expose#2.listener_port=1026'] }, sync: true } };
    expect(await ask(daemon.socketPath, set)).toEqual({ status: 0, data: { out: '', err: '', ret: 0 } });
    await until(() => got.length === 1);
    const resourceStanzas = (data: unknown) => monitorStanzas(data).filter((s) => s.includes('"resources"'));
    expect(resourceStanzas(got[0]?.data)).toEqual(resourceStanzas(recordedEvents().find((e) => e.msg.id === 65)?.msg.data));
    expect(daemon.actions).toEqual([legacy.options, set.options]);
    expect(await ask(daemon.socketPath, { ...set, options: { ...set.options, path: 'test/svc/nope' } })).toMatchObject({ status: 404 });
  });

  it('answers get_secret_key with {status 0, data}, and status 1 errors for a missing key or object', async () => {
    const daemon = await start(fixture('daemon_status.initial.json'), { 'test/sec/web1-front-cert': { certificate_chain: 'PEM' } });
    const key = (path: string, k: string) => ask(daemon.socketPath, { action: 'get_secret_key', options: { path, key: k } });
    expect(await key('test/sec/web1-front-cert', 'certificate_chain')).toEqual({ status: 0, data: 'PEM' });
    expect(await key('test/sec/web1-front-cert', 'password')).toEqual({ status: 1, error: 'secret test/sec/web1-front-cert key password does not exist or has no value' });
    expect(await key('test/sec/nope', 'password')).toMatchObject({ status: 1, error: "'test/sec/nope'", traceback: expect.any(String) });
  });

  it('answers router errors like the daemon', async () => {
    const daemon = await start(fixture('daemon_status.initial.json'));
    expect(await ask(daemon.socketPath, { action: 'nope' })).toEqual({ status: 501, error: 'handler None nope is not supported' });
    expect(await ask(daemon.socketPath, { options: {} } as unknown as { action: string })).toEqual({ error: 'action not specified', status: 1 });
  });

  it('setSecret emits the recorded patch 60 shape', async () => {
    const daemon = await start(fixture('daemon_status.initial.json'), { 'test/sec/web1-front-cert': {} });
    const message = (() => {
      daemon.setSecret('test/sec/web1-front-cert', 'certificate_chain', 'NEW');
      return daemon.patches.at(-1);
    })();
    const paths = (data: unknown) => monitorStanzas(data).map((s) => JSON.stringify((JSON.parse(s) as [unknown])[0]));
    expect(paths(message?.data)).toEqual(paths(recordedEvents().find((e) => e.msg.id === 60)?.msg.data));
  });
});

describe('stand-in diff and patch applier together', () => {
  // No nulls: a value turned null is deleted by consumers of a real 2.1 daemon (documented quirk).
  const leaf = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', ''), fc.boolean());
  const tree = fc.letrec<{ node: Json }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  const root = fc.dictionary(fc.constantFrom('monitor', 'listener', 'k'), tree, { maxKeys: 3 });

  it('applying the diff of any two statuses gives the second one when no value changes type', () => {
    fc.assert(
      fc.property(root, root, (src, dst) => {
        fc.pre(!hasTypeChange(src, dst));
        const result = patched(src, journaledDiff(src, dst));
        expect(result.ok && pyEqual(result.state, dst)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

const kindOf = (v: Json | undefined): string => (v === undefined ? 'missing' : Array.isArray(v) ? 'array' : typeof v === 'object' && v !== null ? 'object' : 'scalar');

/** True when some path holds a container in one status and something else (not missing) in the other. */
function hasTypeChange(a: Json | undefined, b: Json | undefined): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'missing' || kb === 'missing') return false;
  if (ka !== kb) return ka !== 'scalar' || kb !== 'scalar';
  if (ka === 'array') return (a as Json[]).some((v, i) => hasTypeChange(v, (b as Json[])[i]));
  if (ka === 'object') return Object.entries(a as Record<string, Json>).some(([k, v]) => hasTypeChange(v, (b as Record<string, Json>)[k]));
  return false;
}
