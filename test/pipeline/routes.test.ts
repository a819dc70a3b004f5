// Plain-HTTP services sharing a host name (a path split of one domain across services): their
// routes merge into one `shared/<host>` virtual host, most specific match first; an identical
// match stays with the service that had it, and comes back to the other when it lets it go.
import { describe, expect, it } from 'vitest';
import { Gateway, statusOf, type Json, type Services } from './support/gateway.js';
import { svc, web } from './support/specs.js';

const WEB = 'test/svc/web';
const API = 'test/svc/api';
const LATE = 'test/svc/aaa';
const L80 = '0.0.0.0:80/tcp';
const HOST = 'shop.example.com';

const webRoutes = [{ match_prefix: '/' }, { match_path: '/about' }];
const apiRoutes = [{ match_prefix: '/api' }, { match_path: '/api/health' }, { match_prefix: '/api/v2' }];

function cluster(over: { api?: Json[]; late?: Json[] } = {}): Services {
  return {
    [WEB]: svc('10.0.0.1', web(0, { domains: [HOST, 'www.example.com'], routes: webRoutes })),
    [API]: svc('10.0.0.2', web(0, { domains: [HOST], routes: over.api ?? apiRoutes })),
    ...(over.late && { [LATE]: svc('10.0.0.3', web(0, { domains: [HOST], routes: over.late })) }),
  };
}

function vhosts(g: Gateway): Json[] {
  return g.get('route', L80)['virtual_hosts'] as Json[];
}

function vhost(g: Gateway, name: string): Json {
  const found = vhosts(g).find((v) => v['name'] === name);
  if (found === undefined) throw new Error(`no virtual host ${name}`);
  return found;
}

/** Each route of a virtual host as `match → cluster`. */
function routing(v: Json): string[] {
  return (v['routes'] as Json[]).map((r) => {
    const m = r['match'] as Json;
    const [kind, value] = Object.entries(m)[0] ?? ['?', '?'];
    return `${kind} ${String(value)} → ${String((r['route'] as Json | undefined)?.['cluster'])}`;
  });
}

describe('a host name shared by plain-HTTP services', () => {
  it('gets one merged virtual host, exact paths first, then longer prefixes first', () => {
    const g = new Gateway();
    const out = g.set(cluster());
    expect([...out.statuses.values()].map((st) => st?.valid)).toEqual([true, true]);
    expect(vhosts(g).map((v) => [v['name'], v['domains']])).toEqual([
      [`shared/${HOST}`, [HOST, `${HOST}:80`]],
      [`${WEB}.expose#0.vhost#0`, ['www.example.com', 'www.example.com:80']],
    ]);
    expect(routing(vhost(g, `shared/${HOST}`))).toEqual([
      `path /api/health → ${API}.expose#0`,
      `path /about → ${WEB}.expose#0`,
      `prefix /api/v2 → ${API}.expose#0`,
      `prefix /api → ${API}.expose#0`,
      `prefix / → ${WEB}.expose#0`,
    ]);
    // the host name only web has keeps web's own routes, as written
    expect(routing(vhost(g, `${WEB}.expose#0.vhost#0`))).toEqual([`prefix / → ${WEB}.expose#0`, `path /about → ${WEB}.expose#0`]);
  });

  it('an identical match leaves the younger service\'s route out, names the holder, and comes back when released', () => {
    const g = new Gateway();
    g.set(cluster());
    const late = [{ match_prefix: '/api' }, { match_prefix: '/shop' }];
    const joined = g.set(cluster({ late }));
    const merged = routing(vhost(g, `shared/${HOST}`));
    expect(merged).toContain(`prefix /shop → ${LATE}.expose#0`);
    expect(merged).toContain(`prefix /api → ${API}.expose#0`);
    expect(merged.filter((r) => r.startsWith('prefix /api '))).toHaveLength(1);
    const st = statusOf(joined.statuses, LATE);
    expect(st).toMatchObject({ valid: false, served: true, clusters: [`${LATE}.expose#0`] });
    expect(st.exposes).toEqual([expect.objectContaining({ rid: 'expose#0', served: true, current: true, lostRoutes: [{ hostname: HOST, route: 'route#00', holder: `${API} expose#0` }] })]);
    expect(st.problems).toEqual([expect.objectContaining({ service: LATE, section: 'route#00', keyword: 'match_prefix', value: '/api', reason: 'Conflict' })]);
    expect(st.problems[0]?.message).toContain(`held by ${API} expose#0`);
    // the holder drops its /api route: the younger service's comes back
    const released = g.set(cluster({ late, api: [{ match_path: '/api/health' }, { match_prefix: '/api/v2' }] }));
    expect(routing(vhost(g, `shared/${HOST}`))).toEqual([
      `path /api/health → ${API}.expose#0`,
      `path /about → ${WEB}.expose#0`,
      `prefix /api/v2 → ${API}.expose#0`,
      `prefix /shop → ${LATE}.expose#0`,
      `prefix /api → ${LATE}.expose#0`,
      `prefix / → ${WEB}.expose#0`,
    ]);
    expect(statusOf(released.statuses, LATE)).toMatchObject({ valid: true, problems: [] });
  });

  it('a removed holder gives the route back too', () => {
    const g = new Gateway();
    g.set(cluster());
    const late = [{ match_prefix: '/api' }];
    g.set(cluster({ late }));
    const { [API]: _api, ...withoutApi } = cluster({ late });
    const out = g.set(withoutApi);
    expect(routing(vhost(g, `shared/${HOST}`))).toEqual([`path /about → ${WEB}.expose#0`, `prefix /api → ${LATE}.expose#0`, `prefix / → ${WEB}.expose#0`]);
    expect(statusOf(out.statuses, LATE)).toMatchObject({ valid: true, problems: [] });
  });
});
