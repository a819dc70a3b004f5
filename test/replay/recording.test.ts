// The whole janitor (src/janitor.ts, wired from CLI flags like `npm start`) follows the stand-in
// daemon while it replays the recording of a real OpenSVC 2.1 daemon (fixtures/opensvc-v2.1), with
// a Delta and a SotW ADS client subscribed like Envoy. After each scenario step: what those clients
// hold (what an operator would see in Envoy's config_dump) and which responses the step caused.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientInfo } from '../../src/xds/registry.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { getJson, until } from '../e2e/support.js';
import { createReplay, recordedStatus, type Replay } from './daemon.js';
import { connectEnvoyView, type EnvoyView } from './envoy-view.js';
import { HTTPS, HTTPS_ROUTES, ROTATED, SDS, SECRET, SECRETS, WEB1, cert, startStack, type Stack } from './stack.js';
import { chainOf, endpointsOf, everything, latencySince, responsesSince, routesOf, typesSince, versionsOf } from './observe.js';

describe('the janitor replaying the OpenSVC 2.1 recording', () => {
  let s: Stack;
  let replay: Replay;
  const latencies: { step: string; delta?: number; sotw?: number; other?: number }[] = [];

  beforeAll(async () => {
    s = await startStack(recordedStatus('initial'), SECRETS);
    replay = createReplay(s.daemon);
  });
  afterAll(async () => {
    const ms = (x?: number): string => (x === undefined ? '-' : x.toFixed(1)).padStart(6);
    const line = (l: (typeof latencies)[number]): string =>
      l.other === undefined ? `  ${l.step.padEnd(36)} delta ${ms(l.delta)}  sotw ${ms(l.sotw)}` : `  ${l.step.padEnd(36)} ${ms(l.other)}`;
    console.log(`recorded event → last response of the step at the client (ms):\n${latencies.map(line).join('\n')}`);
    await s?.cleanup();
  });

  /** Act, wait until every view satisfies `done`, record each view's latency; returns the marks before. */
  async function step(name: string, act: () => void, done: (v: EnvoyView) => boolean): Promise<number[]> {
    const marks = s.views.map((v) => v.seen.length);
    const t0 = performance.now();
    act();
    await until(() => s.views.every(done), 5000, name);
    const [delta, sotw] = s.views.map((v, i) => latencySince(v, marks[i] ?? 0, t0));
    latencies.push({ step: name, delta, sotw });
    return marks;
  }
  const stable = (v: EnvoyView) => ({ lds: versionsOf(v, TYPE.listener), cds: versionsOf(v, TYPE.cluster) });
  const [delta, sotw] = [() => s.views[0] as EnvoyView, () => s.views[1] as EnvoyView];
  const servicesOf = async (): Promise<string[]> => ((await getJson(`${s.janitor.admin}/services`)).body as { path: string }[]).map((x) => x.path);

  it('serves the initial recording: two listeners, two clusters, the HTTPS routes, the certificate, endpoints down', async () => {
    await until(() => s.views.every((v) => v.names(TYPE.endpoint).length === 2 && v.names(TYPE.route).length === 1 && v.names(TYPE.secret).length === 1), 5000, 'the initial state');
    for (const v of s.views) {
      expect(v.names(TYPE.listener)).toEqual([HTTPS, '0.0.0.0:8080/tcp']);
      expect(v.names(TYPE.cluster)).toEqual([`${WEB1}.expose#0`, `${WEB1}.expose#1`]);
      expect(routesOf(v, HTTPS_ROUTES)).toEqual({ [`${WEB1}.expose#1.vhost#0`]: { domains: ['web1.acme.org', 'web1.acme.org:443'], routes: ['/realtime (timeout 30s)', '/'] } });
      expect(v.names(TYPE.secret)).toEqual([SDS]);
      expect(chainOf(v, SDS)).toBe(SECRETS[SECRET].certificate_chain);
      expect(endpointsOf(v)).toEqual({ [`${WEB1}.expose#0`]: ['127.0.0.11:80 UNHEALTHY'], [`${WEB1}.expose#1`]: ['127.0.0.11:443 UNHEALTHY'] });
    }
  });

  it('patch 43, route#0.match_prefix=/live: a new RouteConfiguration only, no listener or cluster churn', async () => {
    const before = s.views.map(stable);
    const marks = await step('43 route#0 match_prefix /live', () => replay.through(43), (v) => routesOf(v, HTTPS_ROUTES)[`${WEB1}.expose#1.vhost#0`]?.routes[0] === '/live (timeout 30s)');
    for (const [i, v] of s.views.entries()) {
      expect(routesOf(v, HTTPS_ROUTES)[`${WEB1}.expose#1.vhost#0`]?.routes).toEqual(['/live (timeout 30s)', '/']);
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['RDS']);
      expect(stable(v)).toEqual(before[i]);
    }
    expect(responsesSince(delta(), marks[0] ?? 0)).toEqual([`RDS +${HTTPS_ROUTES}`]);
  });

  it('patch 45, a new expose#2 with listener_port 0: allocated once (1025, lowest free), written back in the 2.1 set form, served', async () => {
    const held = s.views.map(everything);
    const before = s.views.map(stable);
    const listening = (v: EnvoyView) => v.names(TYPE.listener).includes('0.0.0.0:1025/tcp') && v.names(TYPE.endpoint).includes(`${WEB1}.expose#2`);
    const marks = await step('45 new expose#2 (listener_port 0)', () => replay.through(45), listening);
    // the write-back reached the stand-in once, in the form 2.1 accepts, and came back as a patch
    await until(() => s.daemon.patches.some((p) => JSON.stringify(p.data).includes('envoy expose 22/tcp via 0.0.0.0:1025')), 5000, 'the write-back patch');
    expect(s.daemon.actions).toEqual([{ path: WEB1, action: 'set', options: { kw: ['expose#2.listener_port=1025'] }, sync: true }]);
    await until(() => /"service":"test\/svc\/web1","rid":"expose#2","port":1025,"msg":"listener port written back to the cluster"/.test(s.janitor.log()), 5000, 'the write-back logged');
    for (const [i, v] of s.views.entries()) {
      expect(v.names(TYPE.listener)).toEqual(['0.0.0.0:1025/tcp', HTTPS, '0.0.0.0:8080/tcp']);
      expect(v.names(TYPE.cluster)).toEqual([`${WEB1}.expose#0`, `${WEB1}.expose#1`, `${WEB1}.expose#2`]);
      expect(endpointsOf(v)[`${WEB1}.expose#2`]).toEqual(['127.0.0.11:22 UNHEALTHY']);
      expect(JSON.stringify(v.message(TYPE.listener, '0.0.0.0:1025/tcp'))).toContain(`"cluster":"${WEB1}.expose#2"`);
      // the existing listeners and clusters are untouched (SotW has one version per type: compare contents)
      for (const [type, was] of [['LDS', held[i]?.['LDS']], ['CDS', held[i]?.['CDS']]] as const) {
        for (const [name, message] of Object.entries(was ?? {})) expect(everything(v)[type]?.[name]).toEqual(message);
      }
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['CDS', 'EDS', 'LDS']);
    }
    // Delta: only the new resources, the cluster first; its endpoints go out once the client asks
    // for them (after that cluster arrived, as Envoy does), so they may come after the listener
    const [first, ...rest] = responsesSince(delta(), marks[0] ?? 0);
    expect(first).toBe(`CDS +${WEB1}.expose#2`);
    expect(rest.sort()).toEqual([`EDS +${WEB1}.expose#2`, 'LDS +0.0.0.0:1025/tcp']);
    // and the old ones keep their versions
    expect(stable(delta()).lds).toMatchObject(before[0]?.lds ?? {});
    expect(stable(delta()).cds).toMatchObject(before[0]?.cds ?? {});
  });

  it('patch 47, ip#1.ipname=127.0.0.12: endpoints only', async () => {
    const before = s.views.map(stable);
    const moved = (v: EnvoyView) => Object.values(endpointsOf(v)).flat().every((e) => e.startsWith('127.0.0.12:'));
    const marks = await step('47 ipaddr 127.0.0.12', () => replay.through(47), moved);
    for (const [i, v] of s.views.entries()) {
      expect(endpointsOf(v)).toEqual({
        [`${WEB1}.expose#0`]: ['127.0.0.12:80 UNHEALTHY'], [`${WEB1}.expose#1`]: ['127.0.0.12:443 UNHEALTHY'], [`${WEB1}.expose#2`]: ['127.0.0.12:22 UNHEALTHY'],
      });
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['EDS']);
      expect(stable(v)).toEqual(before[i]);
    }
    expect(responsesSince(delta(), marks[0] ?? 0).join(' ').split(' ').filter((x) => x !== 'EDS').sort()).toEqual([0, 1, 2].map((n) => `+${WEB1}.expose#${n}`));
  });

  let quietFrom: number[] = [];
  it('patches 49-58: a refused secret add, then web2 (gateway othergw) created and deleted: nothing served changes', async () => {
    quietFrom = s.views.map((v) => v.seen.length);
    const fetches = s.shim.fetches.length;
    replay.through(49);
    replay.through(53);
    // the janitor has taken web2 in (it is listed) and serves nothing for it
    await until(async () => (await servicesOf()).includes('test/svc/web2'), 5000, 'web2 known to the janitor');
    const web2 = ((await getJson(`${s.janitor.admin}/services`)).body as { path: string; listeners: string[]; clusters: string[] }[]).find((x) => x.path === 'test/svc/web2');
    expect(web2).toMatchObject({ valid: true, listeners: [], clusters: [] });
    replay.through(58);
    await until(async () => !(await servicesOf()).includes('test/svc/web2'), 5000, 'web2 gone');
    for (const [i, v] of s.views.entries()) expect(responsesSince(v, quietFrom[i] ?? 0)).toEqual([]);
    expect(JSON.stringify((await getJson(`${s.janitor.admin}/config_dump`)).body)).not.toContain('web2');
    expect(s.shim.fetches.length).toBe(fetches); // the refused add (49) touched only the secret's status: no refetch
  });

  it('a daemon restart mid-replay (ids back to 1): not ready meanwhile, clients kept and served, one resync, nothing pushed', async () => {
    const statusCalls = s.daemon.count('daemon_status');
    const secretReads = (): number => s.janitor.log().split('"msg":"secret fetched"').length - 1;
    const readsBefore = secretReads();
    const held = s.views.map(everything);
    await s.daemon.stop();
    await until(async () => (await getJson(`${s.janitor.admin}/readyz`)).status === 503, 5000, 'not ready');
    // an Envoy (re)starting meanwhile gets the last state, not an empty one
    const late = await connectEnvoyView(s.janitor.xds, 'envoy-late', 'delta');
    try {
      await until(() => late.names(TYPE.secret).length === 1 && late.names(TYPE.endpoint).length === 3, 5000, 'the last state for a new client');
      expect(everything(late)).toEqual(held[0]);
    } finally {
      late.close();
    }
    const t0 = performance.now();
    await s.daemon.restart();
    await until(async () => (await getJson(`${s.janitor.admin}/readyz`)).status === 200, 5000, 'ready again');
    latencies.push({ step: 'daemon restart → /readyz 200 (polled)', other: performance.now() - t0 });
    expect(s.daemon.count('daemon_status')).toBe(statusCalls + 1);
    expect(s.janitor.log()).toContain('"msg":"source resynced"');
    // the resync reads the secret again (same value: nothing to push); wait for it, so that it
    // cannot meet the rotation of the next step
    await until(() => secretReads() > readsBefore, 5000, 'the secret read again after the resync');
    for (const [i, v] of s.views.entries()) {
      expect(responsesSince(v, quietFrom[i] ?? 0)).toEqual([]);
      expect(everything(v)).toEqual(held[i]);
    }
    const ended = await Promise.race(s.views.map((v) => v.client.ended.then(() => true)).concat(Promise.resolve(false)));
    expect(ended).toBe(false);
  });

  it('patch 60, certificate_chain changed: the janitor fetches the secret again and pushes the Secret only (no listener drain)', async () => {
    const before = s.views.map(stable);
    const fetches = s.shim.fetches.length;
    s.shim.change(SECRET, 'certificate_chain', ROTATED); // what `sec change --key certificate_chain` stored; the stream shows only patch 60
    const marks = await step('60 secret certificate_chain change', () => replay.through(60), (v) => chainOf(v, SDS) === ROTATED);
    expect(s.shim.fetches.slice(fetches)).toContain(`${SECRET} certificate_chain`);
    for (const [i, v] of s.views.entries()) {
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['SDS']);
      expect(stable(v)).toEqual(before[i]);
    }
    expect(responsesSince(delta(), marks[0] ?? 0)).toEqual([`SDS +${SDS}`]);
  });

  // The recording's patch 65 is the operator's own write-back (no janitor ran): listener_port 1026.
  // Here the janitor had written 1025 (patch 46 as the stand-in numbered it). What the daemon says
  // is configured wins: a non-zero listener_port is the operator's choice, not ours to defend or to
  // write over, so the listener moves to 1026 (one LDS update) and nothing is written back again.
  it('patch 65, listener_port 1026 set by hand over the janitor\'s 1025: the listener moves, no new write-back', async () => {
    const before = s.views.map(stable);
    const held = s.views.map(everything);
    const moved = (v: EnvoyView) => v.names(TYPE.listener).includes('0.0.0.0:1026/tcp') && !v.names(TYPE.listener).includes('0.0.0.0:1025/tcp');
    const marks = await step('65 listener_port 1026 (write-back)', () => replay.through(65), moved);
    for (const [i, v] of s.views.entries()) {
      expect(v.names(TYPE.listener)).toEqual(['0.0.0.0:1026/tcp', HTTPS, '0.0.0.0:8080/tcp']);
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['LDS']);
      expect(stable(v).cds).toEqual(before[i]?.cds);
      for (const name of [HTTPS, '0.0.0.0:8080/tcp']) expect(everything(v)['LDS']?.[name]).toEqual(held[i]?.['LDS']?.[name]);
    }
    // Delta: the new listener and the old one's removal (in one response or two, the new one first)
    const lds = responsesSince(delta(), marks[0] ?? 0).join(' ').split(' ');
    expect(lds.filter((x) => x !== 'LDS')).toEqual(['+0.0.0.0:1026/tcp', '-0.0.0.0:1025/tcp']);
    expect(stable(delta()).lds[HTTPS]).toBe(before[0]?.lds[HTTPS]);
    expect(s.daemon.actions).toHaveLength(1);
  });

  it('the rest of the recording (66-67, stats noise): nothing more is pushed; the ids the stand-in gave', async () => {
    const marks = s.views.map((v) => v.seen.length);
    replay.through(Number.MAX_SAFE_INTEGER);
    expect(replay.done()).toBe(true);
    // nothing observable to wait for: a quiet window, ten times the slowest step above
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const [i, v] of s.views.entries()) expect(responsesSince(v, marks[i] ?? 0)).toEqual([]);
    // before the restart the ids after the janitor's own write-back shifted by one; after it, from 1
    expect(replay.emittedIds.get(45)).toBe(45);
    expect(replay.emittedIds.get(47)).toBe(48);
    expect(replay.emittedIds.get(59)).toBe(1);
    expect(replay.emittedIds.get(67)).toBe(9);
    expect(s.daemon.actions).toHaveLength(1);
    expect(s.janitor.log()).not.toContain('gap in patch ids');
    expect(s.janitor.log()).not.toContain('PRIVATE KEY');
    // what the admin page shows of the two Envoys: every type ACKed at the version sent, no NACK,
    // subscribed to exactly the names they hold
    for (const v of s.views) expect(v.failure()).toBeUndefined();
    const clients = (await getJson(`${s.janitor.admin}/clients`)).body as ClientInfo[];
    expect(clients.map((c) => `${c.nodeId} ${c.variant}`).sort()).toEqual(['envoy-delta delta', 'envoy-sotw sotw']);
    for (const c of clients) {
      const view = c.variant === 'delta' ? delta() : sotw();
      for (const [typeUrl, t] of Object.entries(c.types)) {
        expect(t.lastNack).toBeNull();
        expect(t.ackedVersion).toBe(t.sentVersion);
        if (!t.wildcard) expect([...t.names].sort()).toEqual(view.names(typeUrl as TypeUrl));
      }
    }
  });

  it('ends where a janitor started on daemon_status.final.json is: same resources, same versions', async () => {
    const secrets = { [SECRET]: { certificate_chain: ROTATED, private_key: cert('server.key') } };
    const fresh = await startStack(recordedStatus('final'), secrets);
    try {
      await until(() => fresh.views.every((v) => v.names(TYPE.endpoint).length === 3 && v.names(TYPE.route).length === 1 && v.names(TYPE.secret).length === 1), 5000, 'the final state');
      expect(fresh.daemon.actions).toEqual([]); // 1026 is configured there: nothing to allocate
      for (const [i, v] of fresh.views.entries()) {
        const replayed = s.views[i] as EnvoyView;
        expect(everything(replayed)).toEqual(everything(v));
      }
      expect(versionsOf(delta(), TYPE.listener)).toEqual(versionsOf(fresh.views[0] as EnvoyView, TYPE.listener));
      for (const t of [TYPE.route, TYPE.cluster, TYPE.endpoint, TYPE.secret]) expect(versionsOf(delta(), t)).toEqual(versionsOf(fresh.views[0] as EnvoyView, t));
      const dump = async (admin: string) => ((await getJson(`${admin}/config_dump`)).body as Record<string, { resources: unknown[] }>);
      const [a, b] = [await dump(s.janitor.admin), await dump(fresh.janitor.admin)];
      for (const key of Object.keys(b)) expect(a[key]?.resources).toEqual(b[key]?.resources);
      expect(routesOf(sotw(), HTTPS_ROUTES)[`${WEB1}.expose#1.vhost#0`]?.routes).toEqual(['/live (timeout 30s)', '/']);
    } finally {
      await fresh.cleanup();
    }
  });
});
