// Issue 10: "a janitor restart must not flip a winner". Real janitors on a real cluster file: b holds
// a TCP port and a host name's route; a (first by path) arrives claiming both and loses them. A
// restart with the same --state-dir keeps b the holder, seen by a real xDS client and /services;
// a restart without it settles the conflict by path, and a wins: the state file is what holds it.
// Both services are of one namespace: across namespaces the host name alone would be refused
// (test/faults/tenancy.test.ts), and the route keys tested here are how one tenant's services share it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/pipeline/index.js';
import { TYPE } from '../../src/xds/types.js';
import { getJson, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';

const B = `  shop/svc/b:
    endpoints: [127.0.0.1]
    expose#0: { port: 6000, listener_port: 15000 }
    expose#1: { port: 8080, listener_port: 15080, vhosts: [vhost#0] }
    vhost#0: { domains: [web.example], routes: [route#0] }
    route#0: { match_prefix: / }
`;
const A = `  shop/svc/a:
    endpoints: [127.0.0.2]
    expose#0: { port: 6000, listener_port: 15000 }
    expose#1: { port: 6001, listener_port: 15001 }
    expose#2: { port: 8080, listener_port: 15080, vhosts: [vhost#0] }
    vhost#0: { domains: [web.example], routes: [route#0, route#1] }
    route#0: { match_prefix: / }
    route#1: { match_prefix: /a }
`;
const TCP = '0.0.0.0:15000/tcp';
const HTTP = '0.0.0.0:15080/tcp';

async function services(j: RunningJanitor): Promise<Map<string, ServiceStatus>> {
  const { body } = await getJson(`${j.admin}/services`);
  return new Map((body as ServiceStatus[]).map((s) => [s.path, s]));
}

/** Which cluster a TCP listener forwards to, and which clusters the web.example routes go to. */
function served(view: EnvoyView): { tcp: string[]; routes: string[] } {
  const clusters = (m: unknown): string[] => [...JSON.stringify(m).matchAll(/"cluster":"([^"]+)"/g)].map((x) => x[1] ?? '');
  return { tcp: clusters(view.message(TYPE.listener, TCP)), routes: clusters(view.message(TYPE.route, HTTP)) };
}

describe('a janitor restart never flips a winner (issue 10)', () => {
  let cluster: TempCluster | undefined;
  let stateDir = '';
  const running: RunningJanitor[] = [];
  const views: EnvoyView[] = [];
  afterEach(async () => {
    for (const v of views.splice(0)) v.close();
    for (const j of running.splice(0)) await j.close();
    cluster?.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function start(withState: boolean): Promise<RunningJanitor> {
    const j = await startTestJanitor({ source: `file:${cluster?.file ?? ''}`, name: 'gw', ...(withState && { stateDir }) });
    running.push(j);
    await j.janitor.ready;
    return j;
  }
  async function stop(j: RunningJanitor): Promise<void> {
    running.splice(running.indexOf(j), 1);
    await j.close();
  }
  async function view(j: RunningJanitor): Promise<EnvoyView> {
    const v = await connectEnvoyView(j.xds, `envoy-${views.length}`, 'delta');
    views.push(v);
    await until(() => v.names(TYPE.route).includes(HTTP) && v.names(TYPE.listener).includes(TCP), 5000, 'the listeners and routes');
    return v;
  }

  it('keeps the holder across a restart with --state-dir, and flips it without', async () => {
    cluster = tempCluster(`services:\n${B}`);
    stateDir = mkdtempSync(path.join(tmpdir(), 'xds-state-'));
    const first = await start(true);
    cluster.write(`services:\n${A}${B}`);
    await until(async () => (await services(first)).has('shop/svc/a'), 5000, 'a to arrive');
    expect(first.log()).toContain('"loser":"shop/svc/a.expose#0","holder":"shop/svc/b.expose#0","what":"listener 0.0.0.0:15000/tcp default filter chain (the one without server names)","msg":"conflict: the holder keeps it"');
    expect(first.log()).toContain('"loser":"shop/svc/a.expose#2","holder":"shop/svc/b.expose#1","what":"listener 0.0.0.0:15080/tcp host web.example route match_prefix /","msg":"conflict: the holder keeps it"');
    await stop(first);

    // the same file, the same --state-dir: b still holds the port and the route
    const second = await start(true);
    const v = await view(second);
    expect(served(v)).toEqual({ tcp: ['shop/svc/b.expose#0'], routes: ['shop/svc/a.expose#2', 'shop/svc/b.expose#1'] });
    expect(JSON.stringify(v.message(TYPE.route, HTTP))).toMatch(/"prefix":"\/a"[^}]*\}[^}]*"cluster":"shop\/svc\/a\.expose#2"/);
    expect(v.names(TYPE.cluster)).toEqual(['shop/svc/a.expose#1', 'shop/svc/a.expose#2', 'shop/svc/b.expose#0', 'shop/svc/b.expose#1']);
    const after = await services(second);
    const a = after.get('shop/svc/a');
    expect(a?.exposes.map((e) => [e.rid, e.served, e.conflict?.holder ?? null, e.lostRoutes.map((r) => `${r.hostname} ${r.route} ${r.holder}`)])).toEqual([
      ['expose#0', false, 'shop/svc/b expose#0', []],
      ['expose#1', true, null, []],
      ['expose#2', true, null, ['web.example route#0 shop/svc/b expose#1']],
    ]);
    expect(a).toMatchObject({ served: true, valid: false, listeners: ['0.0.0.0:15001/tcp', HTTP], clusters: ['shop/svc/a.expose#1', 'shop/svc/a.expose#2'] });
    expect(after.get('shop/svc/b')).toMatchObject({ valid: true, listeners: [TCP, HTTP], clusters: ['shop/svc/b.expose#0', 'shop/svc/b.expose#1'] });
    expect(second.log()).toContain('"loser":"shop/svc/a.expose#0","holder":"shop/svc/b.expose#0"');
    await stop(second);

    // without the state file, both arrive together and the path decides: a wins
    const third = await start(false);
    const w = await view(third);
    expect(served(w).tcp).toEqual(['shop/svc/a.expose#0']);
    expect((await services(third)).get('shop/svc/b')?.exposes.find((e) => e.rid === 'expose#0')).toMatchObject({ served: false, conflict: { holder: 'shop/svc/a expose#0' } });
  });

  // The restart record reserves route keys too (register() honours it): found by this test, when
  // only exclusive keys were reserved and the older service took back the route it had lost.
  it('keeps the holder when the older service is the one that edits itself into the conflict', async () => {
    const aAlone = A.replace('    expose#0: { port: 6000, listener_port: 15000 }\n', '').replace('route#0, route#1', 'route#1');
    cluster = tempCluster(`services:\n${aAlone}`);
    stateDir = mkdtempSync(path.join(tmpdir(), 'xds-state-'));
    const first = await start(true);
    cluster.write(`services:\n${aAlone}${B}`);
    await until(async () => (await services(first)).has('shop/svc/b'), 5000, 'b to arrive');
    // a, the older, now asks for b's port and route
    cluster.write(`services:\n${A}${B}`);
    await until(async () => (await services(first)).get('shop/svc/a')?.valid === false, 5000, "a's edit");
    await stop(first);

    const second = await start(true);
    const v = await view(second);
    expect(served(v).tcp).toEqual(['shop/svc/b.expose#0']);
    expect(JSON.stringify(v.message(TYPE.route, HTTP))).toMatch(/"prefix":"\/"[^}]*\}[^}]*"cluster":"shop\/svc\/b\.expose#1"/);
    const a = (await services(second)).get('shop/svc/a');
    expect(a?.exposes.map((e) => [e.rid, e.served, e.conflict?.holder ?? null, e.lostRoutes.map((r) => r.holder)])).toEqual([
      ['expose#0', false, 'shop/svc/b expose#0', []],
      ['expose#1', true, null, []],
      ['expose#2', true, null, ['shop/svc/b expose#1']],
    ]);
  });
});
