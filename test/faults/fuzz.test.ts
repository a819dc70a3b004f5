// The whole path from a daemon status to resources, fuzzed (issue 9): raw daemon_status documents
// with random services (random sections, keywords and values, mostly refused) and random damage to
// the document's own structure (null or malformed nodes, missing or mistyped containers, resources
// that are not objects) go through the OpenSVC source's derivation and the pipeline's step. Nothing
// throws; every service is either valid, and then every resource handed to the cache passes the
// validator, or invalid with problems located in its own sections; and what a valid service gets
// does not depend on the others being there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveClusterState } from '../../src/source/opensvc/state.js';
import type { Json } from '../../src/source/opensvc/json.js';
import type { ResourceState } from '../../src/source/types.js';
import { KEYWORD_SECRETS } from '../model/support/keywords.js';
import { changeSetText, Gateway, violations } from '../pipeline/support/gateway.js';
import { randomSections, sections, template } from '../pipeline/support/keywords.js';

const REF = 'test/svc/a-ref';
const NODES = ['n1', 'n2'];

type Resources = Record<string, unknown>;

/** A node's instance status of a service, as the daemon publishes it. */
function instance(resources: Resources): Json {
  return { avail: 'up', overall: 'up', kind: 'svc', resources } as Json;
}

function ip(address: unknown, status: string): ResourceState {
  return { type: 'ip', status, info: { ipaddr: address, expose: ['expose#0'] } } as ResourceState;
}

interface Doc {
  readonly monitor: { readonly nodes: Record<string, unknown>; services: Record<string, unknown> };
  [key: string]: unknown;
}
type Damage = (doc: Doc, n2: Record<string, unknown>) => void;

/** Damage done to the document around the services: what a confused or partial daemon could send. */
const damage = fc.constantFrom<Damage>(
  (doc) => void (doc.monitor.nodes['n3'] = null),
  (doc) => void (doc.monitor.nodes['n4'] = 'not a node'),
  (doc) => void (doc.monitor.nodes['n5'] = { services: null }),
  (doc) => void (doc.monitor.nodes['n6'] = { services: { status: [] } }),
  (_doc, n2) => void (n2['test/svc/ghost'] = {}),
  (_doc, n2) => void (n2['test/svc/junk'] = { resources: 'none' }),
  (_doc, n2) => void (n2['test/svc/odd'] = { resources: { 'expose#0': 7, 'ip#0': null } }),
  (doc) => void (doc.monitor.services = { 'test/svc/listed-only': { avail: 'up' } }),
  (doc) => void (doc['cluster'] = { name: 'fuzz' }),
);

const randomService = fc.record({
  sections: randomSections,
  address: fc.constantFrom<unknown>('10.0.0.1', 'fd00::1', null, '', 'not an ip', 42),
  status: fc.constantFrom('up', 'down', 'warn', 'n/a'),
  nodes: fc.subarray(NODES, { minLength: 1 }),
});
type RandomService = typeof randomService extends fc.Arbitrary<infer T> ? T : never;

/** A daemon status with the reference service on both nodes and the random ones where they run. */
function daemonStatus(random: readonly RandomService[], hurt: readonly Damage[]): Json {
  const status: Record<string, Record<string, Json>> = { n1: {}, n2: {} };
  const ref = { ...sections(template('ref.example.com')), 'ip#0': ip('10.9.0.1', 'up') };
  for (const node of NODES) (status[node] as Record<string, Json>)[REF] = instance(ref);
  random.forEach((r, i) => {
    const path = `test/svc/r${i}`;
    for (const node of r.nodes) (status[node] as Record<string, Json>)[path] = instance({ ...r.sections(`r${i}.example.com`), 'ip#0': ip(r.address, r.status) });
  });
  const doc: Doc = {
    monitor: { nodes: Object.fromEntries(NODES.map((n) => [n, { monitor: { status: 'idle' }, services: { status: status[n], config: {} } }])), services: {} },
  };
  for (const h of hurt) h(doc, status['n2'] as Record<string, unknown>);
  return doc as unknown as Json;
}

describe('fuzz: daemon status → resources', () => {
  it('never throws; valid services get valid resources, invalid ones located problems, and the others are unaffected', () => {
    const seen = { served: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.array(randomService, { minLength: 1, maxLength: 3 }), fc.array(damage, { maxLength: 4 }), (random, hurt) => {
        const cluster = deriveClusterState(daemonStatus(random, hurt));
        const out = new Gateway({ secrets: KEYWORD_SECRETS }).apply(cluster);
        for (const u of out.changeSet.upserts) expect(violations(u.typeUrl, u.bytes), u.name).toEqual([]);
        expect(out.statuses.get(REF)).toMatchObject({ valid: true, served: true });
        for (const [path, st] of out.statuses) {
          if (st === undefined) continue;
          if (st.valid) {
            if (path !== REF && st.served) seen.served += 1;
            continue;
          }
          seen.invalid += 1;
          for (const p of st.problems) {
            expect(p.service).toBe(path);
            expect(p.message.length).toBeGreaterThan(10);
            expect(p.section === '' || /^[a-z]+#[\w-]+$/.test(p.section), JSON.stringify(p)).toBe(true);
          }
        }
        // the reference service gets the same bytes alone, without the random services and the damage
        const alone = new Gateway({ secrets: KEYWORD_SECRETS }).apply(deriveClusterState(daemonStatus([], [])));
        // its cluster, endpoints, RouteConfiguration and secret (the shared :443 listener aside)
        const refLines = (lines: string[]): string[] => lines.filter((l) => l.includes(REF) && !l.startsWith('+ Listener'));
        expect(refLines(changeSetText(alone.changeSet)).length).toBeGreaterThanOrEqual(3);
        expect(refLines(changeSetText(out.changeSet))).toEqual(refLines(changeSetText(alone.changeSet)));
      }),
      { numRuns: 60 },
    );
    expect(seen.served).toBeGreaterThan(5);
    expect(seen.invalid).toBeGreaterThan(10);
  });
});
