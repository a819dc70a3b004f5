// Server lifecycle and bookkeeping: readiness gate, node identity and the client registry, hooks,
// the unix socket (mode, stale file), clean close, and a client that stops reading.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createResourceCache } from '../../src/xds/cache.js';
import { createXdsServer } from '../../src/xds/server.js';
import { TYPE } from '../../src/xds/types.js';
import { connectXds } from './support/client.js';
import { startHarness, TRANSPORTS, type Harness } from './support/harness.js';
import { cluster, listener, secret } from './support/resources.js';

let h: Harness | undefined;
const tmp: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmpDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'xds-srv-'));
  tmp.push(d);
  return d;
};

describe.each(TRANSPORTS)('over %s', (transport) => {
  test('no response on any stream before the first full snapshot is marked ready', async () => {
    h = await startHarness({ ready: false });
    h.put(cluster('a'));
    const s = await h.connect({ nodeId: 'n1', variant: 'sotw', transport });
    const d = await h.connect({ nodeId: 'n2', variant: 'delta', transport });
    s.request(TYPE.cluster);
    d.subscribe(TYPE.cluster, []);
    h.put(cluster('b'));
    await s.expectQuiet(200);
    await d.expectQuiet(10);
    h.cache.markReady();
    expect((await s.nextResponse(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['a', 'b']);
    expect((await d.nextResponse(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['a', 'b']);
  });

  test('node id and cluster come from the first request; the registry lists each stream', async () => {
    const seen: string[] = [];
    h = await startHarness({
      hooks: {
        onStreamOpen: (i) => seen.push(`open ${i.variant}`),
        onStreamClose: (i) => seen.push(`close ${i.nodeId}`),
        onAck: (t, node) => seen.push(`ack ${node} ${t === TYPE.cluster ? 'CDS' : t}`),
        onNack: (t, node, _v, err) => seen.push(`nack ${node} ${t === TYPE.secret ? 'SDS' : t} ${err}`),
        onResponse: (t, node, count) => seen.push(`response ${node} ${count}`),
      },
    });
    h.put(cluster('a'), secret('s1', 'v'));
    const c = await h.connect({ nodeId: 'envoy-7', nodeCluster: 'igw', variant: 'sotw', transport });
    c.request(TYPE.cluster); // carries the node
    c.ack(await c.nextResponse(TYPE.cluster));
    c.request(TYPE.secret, ['s1']); // no node on later requests
    c.nack(await c.nextResponse(TYPE.secret), 'bad secret');
    await h.until(() => seen.some((s) => s.startsWith('nack')));
    const [info] = h.server.registry.list();
    expect(info).toMatchObject({
      nodeId: 'envoy-7', nodeCluster: 'igw', userAgent: 'xds-test-client', service: 'ads', variant: 'sotw', transport,
    });
    expect(Number.isNaN(Date.parse(info?.connectedSince ?? ''))).toBe(false);
    expect(info?.types[TYPE.cluster]).toMatchObject({ wildcard: true, names: [], ackedVersion: h.cache.systemVersion(TYPE.cluster), lastNack: null });
    expect(info?.types[TYPE.secret]).toMatchObject({ wildcard: false, names: ['s1'], ackedVersion: '' });
    expect(info?.types[TYPE.secret]?.lastNack?.error).toBe('bad secret');
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    c.close();
    await h.until(() => h?.server.registry.size() === 0);
    expect(seen).toEqual([
      'open sotw', 'response envoy-7 1', 'ack envoy-7 CDS', 'response envoy-7 1', 'nack envoy-7 SDS bad secret', 'close envoy-7',
    ]);
  });

  test.each(['sotw', 'delta'] as const)('a %s client that stops reading gets the latest state when it reads again, memory stays bounded', async (variant) => {
    h = await startHarness();
    const big = (i: number) => secret('big', `${i}:`.padEnd(256 * 1024, 'x'));
    h.put(big(0));
    const c = await h.connect({ nodeId: 'slow', variant, transport });
    if (variant === 'sotw') c.request(TYPE.secret, ['big']);
    else c.subscribe(TYPE.secret, ['big']);
    c.ack(await c.nextResponse(TYPE.secret));
    c.pause();
    let maxQueued = 0;
    for (let i = 1; i <= 300; i++) {
      h.put(big(i));
      await new Promise((r) => setImmediate(r));
      maxQueued = Math.max(maxQueued, h.server.registry.list()[0]?.queuedWrites ?? 0);
    }
    expect(maxQueued).toBeLessThanOrEqual(1);
    c.resume();
    const lastText = () => JSON.stringify(c.received.at(-1)?.resources[0]?.message ?? {}).slice(0, 200);
    // the last response carries the last version (300), not an intermediate one
    await h.until(() => lastText().includes('"inline_string":"300:'), 10_000);
    expect(c.received.length).toBeLessThan(100); // coalesced, not 300 responses
  });
});

test('a restarted server with the same state resends nothing to clients that hold it', async () => {
  const state = [cluster('a'), cluster('b'), listener('l1'), secret('s1', 'v1')];
  h = await startHarness();
  h.put(...state);
  const s = await h.connect({ nodeId: 'sotw', variant: 'sotw' });
  const d = await h.connect({ nodeId: 'delta', variant: 'delta' });
  s.request(TYPE.cluster);
  s.request(TYPE.listener);
  d.subscribe(TYPE.cluster, []);
  const sotwSeen = await s.nextSotw(TYPE.cluster);
  const ldsSeen = await s.nextSotw(TYPE.listener);
  const deltaSeen = await d.nextDelta(TYPE.cluster);
  await h.close();
  // the restart: a new process builds the same resources from the same input
  h = await startHarness();
  h.put(...[...state].reverse());
  const s2 = await h.connect({ nodeId: 'sotw', variant: 'sotw' });
  const d2 = await h.connect({ nodeId: 'delta', variant: 'delta' });
  s2.request(TYPE.cluster, [], { versionInfo: sotwSeen.versionInfo });
  s2.request(TYPE.listener, [], { versionInfo: ldsSeen.versionInfo });
  d2.subscribe(TYPE.cluster, [], { initialVersions: Object.fromEntries(deltaSeen.resources.map((r) => [r.name, r.version ?? ''])) });
  const streams = () => h?.server.registry.list() ?? [];
  await h.until(() => streams().filter((c) => c.types[TYPE.cluster]).length === 2 && streams().some((c) => c.types[TYPE.listener]));
  // barrier: the first thing either stream gets is the next real change
  h.put(cluster('c'));
  const [sNext, dNext] = await Promise.all([s2.nextSotw(), d2.nextDelta()]);
  expect(sNext.resources.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  expect(dNext.resources.map((r) => r.name)).toEqual(['c']);
});

describe('unix socket and close', () => {
  test('the socket is 0660, a stale socket file is replaced, a regular file is refused', async () => {
    const dir = tmpDir();
    const sock = path.join(dir, 'x.sock');
    // leave a stale socket behind: a process that listens and dies without cleaning up
    const script = `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`;
    try {
      execFileSync(process.execPath, ['-e', script], { stdio: 'ignore' });
    } catch {
      // killed on purpose
    }
    expect(statSync(sock).isSocket()).toBe(true);
    const cache = createResourceCache();
    cache.apply({ upserts: [cluster('a')], removals: [] });
    cache.markReady();
    const server = createXdsServer({ cache });
    await server.listenUnix(sock);
    expect(statSync(sock).mode & 0o777).toBe(0o660);
    const c = await connectXds({ unixPath: sock, nodeId: 'n', variant: 'sotw' });
    c.request(TYPE.cluster);
    expect((await c.nextResponse()).resources.map((r) => r.name)).toEqual(['a']);
    const file = path.join(dir, 'plain');
    writeFileSync(file, 'keep me');
    await expect(server.listenUnix(file)).rejects.toThrow(/not a socket/);
    expect(existsSync(file)).toBe(true);
    const t0 = Date.now();
    await server.close(5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await c.ended).code).toBe(0);
    expect(existsSync(sock)).toBe(false);
    c.close();
  });

  test('close() ends open streams with status OK and refuses new ones', async () => {
    h = await startHarness();
    h.put(cluster('a'));
    const c = await h.connect({ nodeId: 'n', variant: 'delta' });
    c.subscribe(TYPE.cluster, []);
    await c.nextResponse();
    const port = h.port;
    await h.server.close(3000);
    expect(await c.ended).toMatchObject({ code: 0 });
    const late = await connectXds({ address: `127.0.0.1:${port}`, nodeId: 'late', variant: 'sotw' });
    late.request(TYPE.cluster);
    expect((await late.ended).code).not.toBe(0);
    late.close();
  });
});
