// The whole janitor (src/janitor.ts, wired from CLI flags like `npm start`) follows the stand-in
// daemon while it replays the recording of a real OpenSVC 2.1 daemon (fixtures/opensvc-v2.1), with
// a Delta and a SotW ADS client subscribed like Envoy. After each scenario step: what those clients
// hold (what an operator would see in Envoy's config_dump) and which responses the step caused.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { ROOT, getJson, startTestJanitor, until, type RunningJanitor } from '../e2e/support.js';
import type { FakeDaemon } from '../support/fake-daemon/index.js';
import { createReplay, recordedStatus, startRecordedDaemon, startSecretShim, type Replay, type SecretShim } from './daemon.js';
import { connectEnvoyView, type EnvoyView } from './envoy-view.js';
import { chainOf, endpointsOf, everything, latencySince, responsesSince, routesOf, typesSince, versionsOf } from './observe.js';

const SECRET = 'test/sec/web1-front-cert';
const SDS = `tls_certificate/${SECRET}`;
const WEB1 = 'test/svc/web1';
const HTTPS = '0.0.0.0:443/tcp';
const cert = (file: string): string => readFileSync(path.join(ROOT, 'test/fixtures/certs', file), 'utf8');
const SECRETS = { [SECRET]: { certificate_chain: cert('server.pem'), private_key: cert('server.key') } };
const ROTATED = cert('server-chain.pem'); // same key, chain now carries the CA

interface Stack {
  daemon: FakeDaemon;
  shim: SecretShim;
  janitor: RunningJanitor;
  views: EnvoyView[];
  cleanup(): Promise<void>;
}

async function startStack(status: unknown, secrets: typeof SECRETS): Promise<Stack> {
  const { daemon, cleanup } = await startRecordedDaemon(status, secrets);
  const shim = await startSecretShim(daemon.socketPath);
  // the flags an operator gives (`--sock`: the spelling of the OpenSVC templates); no --gateway keyword
  // in the recorded exposes, so any name serves them; Envoy's admin port is a closed one
  const janitor = await startTestJanitor({ sock: shim.socketPath, name: 'gw1', portRange: '1025-65535' });
  await janitor.janitor.ready;
  const views = [await connectEnvoyView(janitor.xds, 'envoy-delta', 'delta'), await connectEnvoyView(janitor.xds, 'envoy-sotw', 'sotw')];
  return {
    daemon, shim, janitor, views,
    async cleanup() {
      for (const v of views) v.close();
      await janitor.close();
      await shim.close();
      await daemon.close();
      cleanup();
    },
  };
}

describe('the janitor replaying the OpenSVC 2.1 recording', () => {
  let s: Stack;
  let replay: Replay;
  const latencies: { step: string; delta?: number; sotw?: number }[] = [];

  beforeAll(async () => {
    s = await startStack(recordedStatus('initial'), SECRETS);
    replay = createReplay(s.daemon);
  });
  afterAll(async () => {
    console.log(`event → client latency (ms):\n${latencies.map((l) => `  ${l.step.padEnd(34)} delta ${l.delta?.toFixed(1) ?? '-'}  sotw ${l.sotw?.toFixed(1) ?? '-'}`).join('\n')}`);
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
      expect(routesOf(v, HTTPS)).toEqual({ [`${WEB1}.expose#1.vhost#0`]: { domains: ['web1.acme.org', 'web1.acme.org:443'], routes: ['/realtime (timeout 30s)', '/'] } });
      expect(v.names(TYPE.secret)).toEqual([SDS]);
      expect(chainOf(v, SDS)).toBe(SECRETS[SECRET].certificate_chain);
      expect(endpointsOf(v)).toEqual({ [`${WEB1}.expose#0`]: ['127.0.0.11:80 UNHEALTHY'], [`${WEB1}.expose#1`]: ['127.0.0.11:443 UNHEALTHY'] });
    }
  });

  it('patch 43, route#0.match_prefix=/live: a new RouteConfiguration only, no listener or cluster churn', async () => {
    const before = s.views.map(stable);
    const marks = await step('43 route#0 match_prefix /live', () => replay.through(43), (v) => routesOf(v, HTTPS)[`${WEB1}.expose#1.vhost#0`]?.routes[0] === '/live (timeout 30s)');
    for (const [i, v] of s.views.entries()) {
      expect(routesOf(v, HTTPS)[`${WEB1}.expose#1.vhost#0`]?.routes).toEqual(['/live (timeout 30s)', '/']);
      expect(typesSince(v, marks[i] ?? 0)).toEqual(['RDS']);
      expect(stable(v)).toEqual(before[i]);
    }
    expect(responsesSince(delta(), marks[0] ?? 0)).toEqual([`RDS +${HTTPS}`]);
  });

  it('patch 45, a new expose#2 with listener_port 0: allocated once (1025, lowest free), written back in the 2.1 set form, served', async () => {
    const held = s.views.map(everything);
    const before = s.views.map(stable);
    const listening = (v: EnvoyView) => v.names(TYPE.listener).includes('0.0.0.0:1025/tcp') && v.names(TYPE.endpoint).includes(`${WEB1}.expose#2`);
    const marks = await step('45 new expose#2 (listener_port 0)', () => replay.through(45), listening);
    // the write-back reached the stand-in once, in the form 2.1 accepts, and came back as a patch
    await until(() => s.daemon.patches.some((p) => JSON.stringify(p.data).includes('envoy expose 22/tcp via 0.0.0.0:1025')), 5000, 'the write-back patch');
    expect(s.daemon.actions).toEqual([{ path: WEB1, action: 'set', options: { kw: ['expose#2.listener_port=1025'] }, sync: true }]);
    await until(() => /"service":"test\/svc\/web1","rid":"expose#2","port":1025,"msg":"listener port written back"/.test(s.janitor.log()), 5000, 'the write-back logged');
    for (const [i, v] of s.views.entries()) {
      expect(v.names(TYPE.listener)).toEqual(['0.0.0.0:1025/tcp', HTTPS, '0.0.0.0:8080/tcp']);
      expect(v.names(TYPE.cluster)).toEqual([`${WEB1}.expose#0`, `${WEB1}.expose#1`, `${WEB1}.expose#2`]);
      expect(endpointsOf(v)[`${WEB1}.expose#2`]).toEqual(['127.0.0.11:22 UNHEALTHY']);
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
    expect(web2).toMatchObject({ listeners: [], clusters: [] });
    replay.through(58);
    await until(async () => !(await servicesOf()).includes('test/svc/web2'), 5000, 'web2 gone');
    for (const [i, v] of s.views.entries()) expect(responsesSince(v, quietFrom[i] ?? 0)).toEqual([]);
    expect(JSON.stringify((await getJson(`${s.janitor.admin}/config_dump`)).body)).not.toContain('web2');
    expect(s.shim.fetches.length).toBe(fetches); // the refused add (49) touched only the secret's status: no refetch
  });

  it('a daemon restart mid-replay (ids back to 1): not ready meanwhile, clients kept and served, one resync, nothing pushed', async () => {
    const statusCalls = s.daemon.count('daemon_status');
    const held = s.views.map(everything);
    await s.daemon.stop();
    await until(async () => (await getJson(`${s.janitor.admin}/readyz`)).status === 503, 5000, 'not ready');
    for (const [i, v] of s.views.entries()) expect(everything(v)).toEqual(held[i]);
    await s.daemon.restart();
    await until(async () => (await getJson(`${s.janitor.admin}/readyz`)).status === 200, 5000, 'ready again');
    expect(s.daemon.count('daemon_status')).toBe(statusCalls + 1);
    expect(s.janitor.log()).toContain('"msg":"source resynced"');
    // the resync re-reads the secret; same value, nothing to push
    await until(() => s.shim.fetches.length > 0 && s.daemon.subscribers() === 1, 5000, 'resubscribed');
    for (const [i, v] of s.views.entries()) {
      expect(responsesSince(v, quietFrom[i] ?? 0)).toEqual([]);
      expect(everything(v)).toEqual(held[i]);
    }
    const ended = await Promise.race(s.views.map((v) => v.client.ended.then(() => true)).concat(Promise.resolve(false)));
    expect(ended).toBe(false);
  });
});
