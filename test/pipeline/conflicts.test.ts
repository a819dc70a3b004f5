// Conflicts between services, through the step: what is served keeps being served; a newcomer
// (even one whose path sorts first) loses only its colliding expose and waits for the key; an
// incumbent's colliding edit keeps its earlier version; among services arriving together the
// older wins, and a restart reads back its record so it never flips a winner.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remembered, type ServiceStatus } from '../../src/pipeline/index.js';
import type { ClusterState } from '../../src/source/types.js';
import { changeSetText, fileCluster, Gateway, removed, statusOf, upserted, type ServiceSpec, type Services } from './support/gateway.js';
import { SECRETS, l4, svc, udp, web } from './support/specs.js';

const HOLDER = 'test/svc/zzz';
const NEWCOMER = 'test/svc/aaa';

interface Kind {
  readonly name: string;
  readonly holder: ServiceSpec;
  readonly newcomer: ServiceSpec;
  readonly keyword: string;
  readonly what: string;
}

const KINDS: readonly Kind[] = [
  { name: 'the same default chain (two plain TCP exposes on one port)', holder: l4(0, 2000), newcomer: l4(0, 2000), keyword: 'sni', what: 'listener 0.0.0.0:2000/tcp default filter chain (the one without server names)' },
  { name: 'the same SNI name', holder: l4(0, 8443, { sni: ['a.org', 'b.org'] }), newcomer: l4(0, 8443, { sni: ['c.org', 'B.org'] }), keyword: 'sni', what: 'listener 0.0.0.0:8443/tcp server name b.org' },
  { name: 'UDP twice on one port', holder: udp(0, 5353), newcomer: udp(0, 5353), keyword: 'listener_port', what: 'UDP listener 0.0.0.0:5353/udp (it forwards to one cluster)' },
  {
    name: 'the plain-HTTP chain with another filter_config_data',
    holder: web(0, { domains: ['a.org'], expose: { filter_config_data: '{"stream_idle_timeout": "600s"}' } }),
    newcomer: web(0, { domains: ['b.org'], expose: { filter_config_data: '{"stream_idle_timeout": "60s"}' } }),
    keyword: 'filter_config_data',
    what: 'listener 0.0.0.0:80/tcp plain-HTTP filter chain',
  },
  {
    name: 'two TLS default chains (partial-wildcard domains Envoy cannot match on SNI)',
    holder: web(0, { domains: ['*'], tls: {} }),
    newcomer: web(0, { domains: ['shop.*'], tls: {} }),
    keyword: 'vhosts',
    what: 'listener 0.0.0.0:443/tcp default filter chain (the one without server names)',
  },
];

/** A service whose expose#0 is `kind`'s, with an expose#1 of its own on `ownPort`. */
function withOwn(spec: ServiceSpec, ip: string, ownPort: number): ServiceSpec {
  return svc(ip, spec, l4(1, ownPort));
}

/** Expose rid → served, for a service. */
function servedExposes(st: ServiceStatus): Record<string, boolean> {
  return Object.fromEntries(st.exposes.map((e) => [e.rid, e.served]));
}

/** The held resources that are not the newcomer's own. */
function others(g: Gateway): string[] {
  return g.snapshot().filter((line) => !line.includes(NEWCOMER) && !line.startsWith('listener 0.0.0.0:2100/tcp'));
}

/** Both services in one cluster state, the newcomer inserted first. */
function together(k: Kind): ClusterState {
  return fileCluster({ [NEWCOMER]: withOwn(k.newcomer, '10.0.0.2', 2100), [HOLDER]: withOwn(k.holder, '10.0.0.1', 2200) });
}

describe.each(KINDS)('$name', (k) => {
  const holderOnly: Services = { [HOLDER]: withOwn(k.holder, '10.0.0.1', 2200) };
  const both: Services = { ...holderOnly, [NEWCOMER]: withOwn(k.newcomer, '10.0.0.2', 2100) };

  function served(): Gateway {
    const g = new Gateway();
    g.set(holderOnly, SECRETS);
    return g;
  }

  it('a newcomer whose path sorts first loses only the colliding expose; the holder is untouched', () => {
    const g = served();
    const before = g.snapshot();
    const out = g.set(both);
    expect(others(g)).toEqual(before);
    expect(upserted(out.changeSet)).toEqual([`cluster ${NEWCOMER}.expose#1`, `endpoint ${NEWCOMER}.expose#1`, 'listener 0.0.0.0:2100/tcp']);
    expect(removed(out.changeSet)).toEqual([]);
    const st = statusOf(out.statuses, NEWCOMER);
    expect(st).toMatchObject({ valid: false, served: true, listeners: ['0.0.0.0:2100/tcp'], clusters: [`${NEWCOMER}.expose#1`] });
    expect(servedExposes(st)).toEqual({ 'expose#0': false, 'expose#1': true });
    expect(st.exposes[0]?.conflict).toEqual({ holder: `${HOLDER} expose#0`, what: k.what });
    expect(st.problems).toEqual([expect.objectContaining({ service: NEWCOMER, section: 'expose#0', keyword: k.keyword, reason: 'Conflict' })]);
    expect(st.problems[0]?.message).toContain(`is held by ${HOLDER} expose#0`);
    expect(st.problems[0]?.message).toContain('expose#0 is not served');
    expect(out.conflicts).toEqual([{ loser: `${NEWCOMER}.expose#0`, holder: `${HOLDER}.expose#0`, what: k.what }]);
  });

  it('the waiting newcomer gets the key when the holder is removed', () => {
    const g = served();
    g.set(both);
    const out = g.set({ [NEWCOMER]: both[NEWCOMER] ?? {} });
    expect(upserted(out.changeSet)).toContain(`cluster ${NEWCOMER}.expose#0`);
    expect(removed(out.changeSet)).toContain(`cluster ${HOLDER}.expose#0`);
    expect(statusOf(out.statuses, NEWCOMER)).toMatchObject({ valid: true, problems: [] });
    expect(g.names('cluster')).toEqual([`${NEWCOMER}.expose#0`, `${NEWCOMER}.expose#1`]);
  });

  it('the waiting newcomer gets the key when the holder moves away', () => {
    const g = served();
    g.set(both);
    const holder = k.holder['expose#0'] as Record<string, unknown>;
    const moved = svc('10.0.0.1', k.holder, { 'expose#0': { ...holder, listener_port: 2999 } }, l4(1, 2200));
    const out = g.set({ ...both, [HOLDER]: moved });
    expect(upserted(out.changeSet)).toContain(`cluster ${NEWCOMER}.expose#0`);
    expect(statusOf(out.statuses, NEWCOMER)).toMatchObject({ valid: true, problems: [] });
    expect(statusOf(out.statuses, HOLDER)).toMatchObject({ valid: true, problems: [] });
    expect(g.names('listener')).toContain(`0.0.0.0:2999/${holder['protocol'] === 'udp' ? 'udp' : 'tcp'}`);
  });

  it('among services arriving together the older wins, else the first path', () => {
    const ages = new Map([[HOLDER, 1]]);
    const older = new Gateway({ remembered: { holders: new Map(), ages }, secrets: SECRETS });
    const out = older.apply(together(k));
    expect(servedExposes(statusOf(out.statuses, HOLDER))).toEqual({ 'expose#0': true, 'expose#1': true });
    expect(servedExposes(statusOf(out.statuses, NEWCOMER))).toEqual({ 'expose#0': false, 'expose#1': true });
    const unknown = new Gateway({ secrets: SECRETS }).apply(together(k));
    expect(servedExposes(statusOf(unknown.statuses, NEWCOMER))).toEqual({ 'expose#0': true, 'expose#1': true });
    expect(servedExposes(statusOf(unknown.statuses, HOLDER))).toEqual({ 'expose#0': false, 'expose#1': true });
  });

  it('a restart keeps the winner where path order would flip it, with the same bytes', () => {
    const g = served();
    g.set(both);
    const restarted = new Gateway({ remembered: remembered(g.state), secrets: SECRETS });
    const out = restarted.apply(g.cluster);
    expect(servedExposes(statusOf(out.statuses, HOLDER))).toEqual({ 'expose#0': true, 'expose#1': true });
    expect(servedExposes(statusOf(out.statuses, NEWCOMER))).toEqual({ 'expose#0': false, 'expose#1': true });
    expect(restarted.snapshot()).toEqual(g.snapshot());
  });
});

describe('an incumbent\'s edit that collides', () => {
  const a = 'test/svc/a';
  const b = 'test/svc/b';
  const start: Services = { [a]: svc('10.0.0.1', l4(0, 2000)), [b]: svc('10.0.0.2', l4(0, 2001)) };
  const edited: Services = { ...start, [a]: svc('10.0.0.1', l4(0, 2001)) };

  it('keeps its earlier version served, and its status says so', () => {
    const g = new Gateway();
    g.set(start);
    const before = g.snapshot();
    const out = g.set(edited);
    expect(changeSetText(out.changeSet)).toEqual([]);
    expect(g.snapshot()).toEqual(before);
    const st = statusOf(out.statuses, a);
    expect(st).toMatchObject({ valid: false, served: true, listeners: ['0.0.0.0:2000/tcp'] });
    expect(st.exposes).toEqual([expect.objectContaining({ rid: 'expose#0', served: true, current: false, listener: '0.0.0.0:2001/tcp', conflict: { holder: `${b} expose#0`, what: 'listener 0.0.0.0:2001/tcp default filter chain (the one without server names)' } })]);
    expect(st.problems).toHaveLength(1);
    expect(st.problems[0]?.message).toContain('the version of expose#0 served before this edit is kept');
  });

  it('the edit is served once the holder lets the key go, and the earlier version goes', () => {
    const g = new Gateway();
    g.set(start);
    g.set(edited);
    const out = g.set({ [a]: svc('10.0.0.1', l4(0, 2001)), [b]: svc('10.0.0.2', l4(0, 2002)) });
    expect(statusOf(out.statuses, a)).toMatchObject({ valid: true, problems: [], listeners: ['0.0.0.0:2001/tcp'] });
    expect(g.names('listener')).toEqual(['0.0.0.0:2001/tcp', '0.0.0.0:2002/tcp']);
    expect(removed(out.changeSet)).toEqual(['listener 0.0.0.0:2000/tcp']);
  });

  it('an SNI name taken by an edit stays with its holder; the earlier version keeps its own names', () => {
    const g = new Gateway();
    g.set({ [a]: svc('10.0.0.1', l4(0, 8443, { sni: ['a.org'] })), [b]: svc('10.0.0.2', l4(0, 8443, { sni: ['b.org'] })) });
    const out = g.set({ [a]: svc('10.0.0.1', l4(0, 8443, { sni: ['a.org', 'b.org'] })), [b]: svc('10.0.0.2', l4(0, 8443, { sni: ['b.org'] })) });
    expect(changeSetText(out.changeSet)).toEqual([]);
    const chains = g.get('listener', '0.0.0.0:8443/tcp')['filter_chains'] as Record<string, unknown>[];
    expect(chains.map((c) => [c['name'], c['filter_chain_match']])).toEqual([
      [`${a}.expose#0`, { server_names: ['a.org'] }],
      [`${b}.expose#0`, { server_names: ['b.org'] }],
    ]);
    expect(statusOf(out.statuses, a).exposes[0]).toMatchObject({ served: true, current: false, conflict: { holder: `${b} expose#0` } });
  });

  it('after a restart the record keeps the key with its holder, though the editor is older', () => {
    const g = new Gateway();
    g.set({ [a]: start[a] ?? {} });
    g.set(start);
    g.set(edited);
    const memory = remembered(g.state);
    expect(memory.ages.get(a)).toBeLessThan(memory.ages.get(b) ?? 0);
    const restarted = new Gateway({ remembered: memory });
    const out = restarted.apply(g.cluster);
    expect(servedExposes(statusOf(out.statuses, b))).toEqual({ 'expose#0': true });
    expect(servedExposes(statusOf(out.statuses, a))).toEqual({ 'expose#0': false });
    // without the record of contested keys, age alone would hand it to the editor
    const forgetful = new Gateway({ remembered: { holders: new Map(), ages: memory.ages } });
    expect(servedExposes(statusOf(forgetful.apply(g.cluster).statuses, a))).toEqual({ 'expose#0': true });
  });
});

describe('a route match on a shared host name', () => {
  it('a newcomer whose path sorts first never takes a served route match', () => {
    const g = new Gateway();
    g.set({ [HOLDER]: svc('10.0.0.1', web(0, { domains: ['shop.org'], routes: [{ match_prefix: '/api' }] })) });
    const out = g.set({
      [HOLDER]: svc('10.0.0.1', web(0, { domains: ['shop.org'], routes: [{ match_prefix: '/api' }] })),
      [NEWCOMER]: svc('10.0.0.2', web(0, { domains: ['shop.org'], routes: [{ match_prefix: '/api' }, { match_prefix: '/new' }] })),
    });
    const [vhost] = g.get('route', '0.0.0.0:80/tcp')['virtual_hosts'] as Record<string, unknown>[];
    expect((vhost?.['routes'] as Record<string, unknown>[]).map((r) => [r['match'], (r['route'] as Record<string, unknown>)['cluster']])).toEqual([
      [{ prefix: '/api' }, `${HOLDER}.expose#0`],
      [{ prefix: '/new' }, `${NEWCOMER}.expose#0`],
    ]);
    expect(out.conflicts).toEqual([{ loser: `${NEWCOMER}.expose#0`, holder: `${HOLDER}.expose#0`, what: 'listener 0.0.0.0:80/tcp host shop.org route match_prefix /api' }]);
  });
});

describe('a first snapshot', () => {
  const pool: Services = {
    'test/svc/a': svc('10.0.0.1', l4(0, 2000)),
    'test/svc/b': svc('10.0.0.2', l4(0, 2000, { sni: ['a.org'] })),
    'test/svc/c': svc('10.0.0.3', l4(0, 2000, { sni: ['a.org'] })),
    'test/svc/d': svc('10.0.0.4', web(0, { domains: ['a.org'] })),
    'test/svc/e': svc('10.0.0.5', web(0, { domains: ['a.org'], routes: [{ match_prefix: '/' }, { match_path: '/e' }] })),
    'test/svc/f': svc('10.0.0.6', udp(0, 5353)),
    'test/svc/g': svc('10.0.0.7', udp(0, 5353)),
    'test/svc/h': svc('10.0.0.8', web(0, { domains: ['b.org'], tls: {} })),
    'test/svc/i': svc('10.0.0.9', web(0, { domains: ['b.org'], tls: {} }), l4(1, 2001)),
    'test/svc/j': svc('10.0.0.10', web(0, { domains: ['c.org'], expose: { filter_config_data: '{"stream_idle_timeout": "60s"}' } })),
  };
  const cluster = fileCluster(pool);

  function outcome(order: readonly string[]): { changeSet: string[]; statuses: string } {
    const reordered: ClusterState = { services: new Map(order.map((p) => [p, cluster.services.get(p) ?? { path: p, instances: [] }])) };
    const out = new Gateway({ secrets: SECRETS }).apply(reordered, undefined, order);
    const statuses = [...out.statuses].sort(([x], [y]) => (x < y ? -1 : 1));
    return { changeSet: changeSetText(out.changeSet), statuses: JSON.stringify(statuses) };
  }

  it('does not depend on the order of the services in the cluster (property)', () => {
    const paths = [...cluster.services.keys()];
    const reference = outcome(paths);
    const losers = (JSON.parse(reference.statuses) as [string, ServiceStatus][]).filter(([, st]) => !st.valid).map(([p]) => p);
    expect(losers).toEqual(['test/svc/c', 'test/svc/e', 'test/svc/g', 'test/svc/i', 'test/svc/j']);
    fc.assert(
      fc.property(fc.shuffledSubarray(paths, { minLength: paths.length, maxLength: paths.length }), (order) => {
        expect(outcome(order)).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });
});
