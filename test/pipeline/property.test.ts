// Random keyword values through the step, beside a hand-written valid service: the step never
// throws; every service is valid, and then every resource given to the cache passes the
// validator, or invalid with problems located in its own sections; and the invalid ones change
// nothing of what the others get.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StepOutput } from '../../src/pipeline/index.js';
import type { ClusterState, ResourceState, ServiceState } from '../../src/source/types.js';
import type { TypeUrl } from '../../src/xds/types.js';
import { pem } from '../model/support/certs.js';
import { KEYWORD_SECRETS, REASONS } from '../model/support/keywords.js';
import { changeSetText, fileCluster, Gateway, violations } from './support/gateway.js';
import { randomSections, sections, template } from './support/keywords.js';
import { l4, svc, web } from './support/specs.js';

// Sorts before the random services: it wins what they would share with it.
const REF = 'test/svc/a-ref';
const reference = fileCluster({
  [REF]: svc(['10.9.0.1', '10.9.0.2'], l4(0, 2500), web(1, { domains: ['ref.example.com'], tls: { secret: 'front' } }), web(2, { domains: ['ref.example.com'], routes: [{ match_prefix: '/' }, { match_path: '/ref' }] })),
}).services.get(REF) as ServiceState;

const randomService = fc.record({
  sections: randomSections,
  ipaddr: fc.constantFrom('10.0.0.1', '10.0.0.2', 'fd00::1', null),
  status: fc.constantFrom('up', 'down', 'n/a'),
});
type RandomService = typeof randomService extends fc.Arbitrary<infer T> ? T : never;

const SECTION = /^(expose|vhost|route|hashpolicy|certificate)#\d$/;
const secretLines = [pem.serverKey, pem.otherKey].map((k) => k.split('\n')[1] ?? '');

/** The reference service and `test/svc/r<i>` for each random one (host name `r<i>.example.com`). */
function clusterOf(random: readonly RandomService[]): ClusterState {
  const services = new Map<string, ServiceState>([[REF, reference]]);
  random.forEach(({ sections, ipaddr, status }, i) => {
    const path = `test/svc/r${i}`;
    const ip: ResourceState = { type: 'ip', status, info: { ipaddr, expose: ['expose#0'] } };
    services.set(path, { path, instances: [{ node: 'n1', resources: { ...sections(`r${i}.example.com`), 'ip#0': ip } }] });
  });
  return { services };
}

const verdicts = new Map<string, readonly string[]>();

/** The validator's verdict, once per distinct resource (the reference service's come back every run). */
function checked(typeUrl: TypeUrl, bytes: Uint8Array): readonly string[] {
  const key = `${typeUrl} ${Buffer.from(bytes).toString('base64')}`;
  const known = verdicts.get(key) ?? violations(typeUrl, bytes);
  verdicts.set(key, known);
  return known;
}

function run(cluster: ClusterState): StepOutput {
  return new Gateway({ secrets: KEYWORD_SECRETS }).apply(cluster);
}

function without(cluster: ClusterState, paths: ReadonlySet<string>): ClusterState {
  return { services: new Map([...cluster.services].filter(([p]) => !paths.has(p))) };
}

describe('random keyword values through the step', () => {
  it('the template the random edits start from is valid and served', () => {
    const out = run(clusterOf([{ sections: (host) => sections(template(host)), ipaddr: '10.0.0.1', status: 'up' }]));
    expect(out.statuses.get(REF)).toMatchObject({ valid: true, served: true });
    expect(out.statuses.get('test/svc/r0')).toMatchObject({ valid: true, served: true, clusters: ['test/svc/r0.expose#0'] });
  });

  it('never throw; each service is valid with valid resources, or invalid with located problems; invalid ones change nothing for the others', () => {
    const seen = { served: 0, invalid: 0, wholeCompared: 0 };
    fc.assert(
      fc.property(fc.array(randomService, { minLength: 1, maxLength: 3 }), (random) => {
        const cluster = clusterOf(random);
        const out = run(cluster);
        for (const u of out.changeSet.upserts) expect(checked(u.typeUrl, u.bytes), u.name).toEqual([]);
        expect(out.statuses.get(REF)).toMatchObject({ valid: true, problems: [] });
        const invalid = new Set<string>();
        for (const [path, st] of out.statuses) {
          if (st === undefined || st.valid) {
            if (path !== REF && st?.served === true) seen.served += 1;
            continue;
          }
          expect(st.problems.length).toBeGreaterThan(0);
          if (!st.problems.every((p) => p.reason === 'Conflict')) {
            invalid.add(path);
            seen.invalid += 1;
            expect(st.served).toBe(false);
          }
          for (const p of st.problems) {
            expect(p.service).toBe(path);
            expect(p.section, JSON.stringify(p)).toMatch(SECTION);
            expect(REASONS).toContain(p.reason);
            if (p.reason !== 'Conflict' && p.reason !== 'ProtoViolation') expect(p.keyword, JSON.stringify(p)).toMatch(/^[a-z0-9_]+$/);
            for (const line of secretLines) expect(p.message).not.toContain(line);
          }
        }
        // the invalid services removed: the same resources (unless their port allocations moved others')
        const again = run(without(cluster, invalid));
        if (out.allocations.some((a) => invalid.has(a.service))) {
          const ours = (lines: string[]): string[] => lines.filter((l) => l.includes(REF));
          expect(ours(changeSetText(again.changeSet))).toEqual(ours(changeSetText(out.changeSet)));
        } else {
          seen.wholeCompared += 1;
          expect(changeSetText(again.changeSet)).toEqual(changeSetText(out.changeSet));
        }
      }),
      { numRuns: 100 },
    );
    // the generator reaches both: random services served, and refused
    expect(seen.served).toBeGreaterThan(15);
    expect(seen.invalid).toBeGreaterThan(20);
    expect(seen.wholeCompared).toBeGreaterThan(60);
  });
});
