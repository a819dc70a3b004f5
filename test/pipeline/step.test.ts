// The pipeline's step over a small gateway (three services sharing :80 and :443, with L4 and UDP
// exposes of their own): the same cluster always gives the same bytes, and each kind of change
// gives exactly the resources it touches, no more, and only the work it needs.
import { describe, expect, it } from 'vitest';
import { keyPairParses } from '../../src/model/secrets.js';
import type { ClusterState } from '../../src/source/types.js';
import { shuffled } from '../envoy/fixtures.js';
import { goodTls } from '../model/support/certs.js';
import { changeSetText, fileCluster, Gateway, removed, statusOf, upserted, type Json, type Services } from './support/gateway.js';
import { CA, SECRETS, TLS_CERT, l4, svc, udp, web } from './support/specs.js';

const A = 'test/svc/a';
const B = 'test/svc/b';
const C = 'test/svc/c';
const L443 = '0.0.0.0:443/tcp';
const L80 = '0.0.0.0:80/tcp';

function services(over: { a?: Json[]; aIps?: Parameters<typeof svc>[0] } = {}): Services {
  const aRoutes = over.a ?? [{ match_prefix: '/' }];
  return {
    [A]: svc(over.aIps ?? ['10.0.1.1', '10.0.1.2'], l4(0, 2001), web(1, { domains: ['a.example.com'], tls: {}, routes: aRoutes })),
    [B]: svc('10.0.2.1', web(0, { domains: ['b.example.com'], tls: { validation: 'ca' } }), web(1, { domains: ['b.example.com'] })),
    [C]: svc('10.0.3.1', web(0, { domains: ['c.example.com'], routes: [{ match_prefix: '/' }, { match_path: '/x' }] }), udp(1, 5353)),
  };
}

function started(s: Services = services()): Gateway {
  const g = new Gateway();
  const first = g.set(s, SECRETS);
  expect([...first.statuses.values()].every((st) => st?.valid === true)).toBe(true);
  return g;
}

/** The same cluster with its services, their sections and their endpoints in another order. */
function reordered(s: Services, seed: number): ClusterState {
  const shuffledServices: Record<string, Json> = {};
  for (const [path, spec] of shuffled(Object.entries(s), seed)) {
    const sections = shuffled(Object.entries(spec), seed + 1);
    shuffledServices[path] = Object.fromEntries(sections);
  }
  const state = fileCluster(shuffledServices);
  return { services: new Map(shuffled([...state.services], seed + 2)) };
}

describe('determinism', () => {
  it('the same cluster in any insertion order gives the same change set, byte for byte', () => {
    const reference = changeSetText(new Gateway().apply(fileCluster(services()), SECRETS).changeSet);
    expect(reference.length).toBeGreaterThan(15);
    for (const seed of [1, 7, 42, 99, 1234]) {
      const cluster = reordered(services(), seed);
      const out = new Gateway().apply(cluster, SECRETS, shuffled([...cluster.services.keys()], seed));
      expect(changeSetText(out.changeSet)).toEqual(reference);
    }
  });

  it('a second step with nothing changed gives an empty change set and does no work', () => {
    const g = started();
    const idle = g.apply(g.cluster, SECRETS, []);
    expect(changeSetText(idle.changeSet)).toEqual([]);
    // told every service changed, but none did: the content keys say so
    const same = g.apply(fileCluster(services()), SECRETS, [A, B, C]);
    expect(changeSetText(same.changeSet)).toEqual([]);
    expect(same.work).toEqual({ compiled: 0, assignments: 0, listeners: 0, routeConfigurations: 0 });
  });
});

describe('an endpoint change', () => {
  it('an address change gives exactly the service\'s ClusterLoadAssignments, without compiling, parsing a certificate or assembling', () => {
    // a certificate of its own content (same pair, another trailing newline): never parsed before
    const own = { 'test/sec/cert': { ...goodTls, certificate_chain: `${goodTls.certificate_chain ?? ''}\n\n\n` } };
    const g = new Gateway();
    const parsesBefore = keyPairParses();
    g.set(services(), { ...SECRETS, ...own });
    expect(keyPairParses()).toBe(parsesBefore + 1);
    const parses = keyPairParses();
    const out = g.set(services({ aIps: ['10.0.1.1', '10.0.1.9'] }));
    expect(upserted(out.changeSet)).toEqual([`endpoint ${A}.expose#0`, `endpoint ${A}.expose#1`]);
    expect(removed(out.changeSet)).toEqual([]);
    expect(out.work).toEqual({ compiled: 0, assignments: 2, listeners: 0, routeConfigurations: 0 });
    expect(keyPairParses()).toBe(parses);
    expect(JSON.stringify(g.get('endpoint', `${A}.expose#1`))).toContain('10.0.1.9');
  });

  it('a status change (an ip going down) gives exactly the changed ClusterLoadAssignments', () => {
    const g = started();
    const parses = keyPairParses();
    const before = g.get('endpoint', `${A}.expose#0`);
    const out = g.set(services({ aIps: ['10.0.1.1', { ip: '10.0.1.2', status: 'down' }] }));
    expect(upserted(out.changeSet)).toEqual([`endpoint ${A}.expose#0`, `endpoint ${A}.expose#1`]);
    expect(out.work).toEqual({ compiled: 0, assignments: 2, listeners: 0, routeConfigurations: 0 });
    expect(keyPairParses()).toBe(parses);
    expect(g.get('endpoint', `${A}.expose#0`)).not.toEqual(before);
  });
});

describe('a definition change', () => {
  it('a route edit on a TLS service sharing :443 gives only its own RouteConfiguration', () => {
    const g = started();
    const out = g.set(services({ a: [{ match_prefix: '/', route_timeout: '5s' }] }));
    expect(upserted(out.changeSet)).toEqual([`route ${L443}/${A}.expose#1`]);
    expect(removed(out.changeSet)).toEqual([]);
    expect(out.work).toMatchObject({ compiled: 1, listeners: 0, routeConfigurations: 0 });
    expect(JSON.stringify(g.get('route', `${L443}/${A}.expose#1`))).toContain('"timeout":"5s"');
  });

  it('a new service on a shared listener re-assembles that listener only', () => {
    const g = started();
    const d = 'test/svc/d';
    const out = g.set({ ...services(), [d]: svc('10.0.4.1', web(0, { domains: ['d.example.com'], tls: {} })) });
    expect(upserted(out.changeSet)).toEqual([`cluster ${d}.expose#0`, `endpoint ${d}.expose#0`, `listener ${L443}`, `route ${L443}/${d}.expose#0`]);
    expect(out.work).toEqual({ compiled: 1, assignments: 1, listeners: 1, routeConfigurations: 0 });
    const chains = g.get('listener', L443)['filter_chains'] as Json[];
    expect(chains.map((c) => c['name'])).toEqual([`${A}.expose#1`, `${B}.expose#0`, `${d}.expose#0`]);
  });

  it('removing a service removes exactly its resources; a secret goes only with its last user', () => {
    const g = started();
    const { [B]: _b, ...withoutB } = services();
    const out = g.set(withoutB);
    expect(removed(out.changeSet)).toEqual([
      `cluster ${B}.expose#0`, `cluster ${B}.expose#1`, `endpoint ${B}.expose#0`, `endpoint ${B}.expose#1`, `route ${L443}/${B}.expose#0`, `secret ${CA}`,
    ]);
    // its listeners are shared: :443 loses a chain; :80's one plain-HTTP chain is unchanged, its routes are not
    expect(upserted(out.changeSet)).toEqual([`listener ${L443}`, `route ${L80}`]);
    expect(g.names('secret')).toEqual([TLS_CERT]);
    expect(JSON.stringify(g.get('route', L80))).not.toContain('b.example.com');
    const { [A]: _a, ...onlyC } = withoutB;
    const last = g.set(onlyC);
    expect(removed(last.changeSet)).toEqual([
      `cluster ${A}.expose#0`, `cluster ${A}.expose#1`, `endpoint ${A}.expose#0`, `endpoint ${A}.expose#1`,
      'listener 0.0.0.0:2001/tcp', `listener ${L443}`, `route ${L443}/${A}.expose#1`, `secret ${TLS_CERT}`,
    ]);
    expect(upserted(last.changeSet)).toEqual([]);
    expect(last.statuses.get(A)).toBeUndefined();
    expect(last.statuses.has(A)).toBe(true);
  });
});

describe('a service that becomes invalid', () => {
  it('keeps its last valid resources, its status lists the problems, and its endpoints still follow', () => {
    const g = started();
    const held = g.snapshot();
    const broken = g.set(services({ a: [{ match_regex: 'a(' }] }));
    expect(changeSetText(broken.changeSet)).toEqual([]);
    expect(g.snapshot()).toEqual(held);
    const st = statusOf(broken.statuses, A);
    expect(st).toMatchObject({ valid: false, served: true });
    expect(st.problems[0]).toMatchObject({ service: A, section: 'route#10', keyword: 'match_regex', reason: 'InvalidRegex' });
    expect(st.problems.map((p) => p.section)).toEqual(['route#10', 'vhost#1', 'expose#1']);
    expect(st.exposes.map((e) => [e.rid, e.served, e.current])).toEqual([['expose#0', true, false], ['expose#1', true, false]]);
    // still broken, an instance moves: its ClusterLoadAssignments follow, nothing else
    const moved = g.set(services({ a: [{ match_regex: 'a(' }], aIps: ['10.0.1.7'] }));
    expect(upserted(moved.changeSet)).toEqual([`endpoint ${A}.expose#0`, `endpoint ${A}.expose#1`]);
    expect(JSON.stringify(g.get('endpoint', `${A}.expose#0`))).toContain('10.0.1.7');
    expect(JSON.stringify(g.get('endpoint', `${A}.expose#0`))).not.toContain('10.0.1.1');
    // fixed: the new definition is served, with the endpoints as they are now
    const fixed = g.set(services({ a: [{ match_prefix: '/fixed' }], aIps: ['10.0.1.7'] }));
    expect(upserted(fixed.changeSet)).toEqual([`route ${L443}/${A}.expose#1`]);
    expect(statusOf(fixed.statuses, A)).toMatchObject({ valid: true, problems: [] });
  });
});
