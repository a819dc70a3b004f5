// What the cache holds is whole and what /services says is true (property): after every step of
// any sequence of colliding gateways, every name a listener, route or cluster refers to (a
// RouteConfiguration, a Cluster, an SDS Secret) is held; nothing is held that nothing refers to;
// every Cluster has its ClusterLoadAssignment; and the services' statuses name exactly the
// clusters and listeners held.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serviceStatuses } from '../../src/pipeline/index.js';
import { gateway } from './support/arbitrary.js';
import { Gateway, type Kind, type Services } from './support/gateway.js';
import { SECRETS } from './support/specs.js';

/** Every string value under one of `keys`, anywhere in a decoded message. */
function collect(value: unknown, keys: ReadonlySet<string>, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) collect(v, keys, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (keys.has(k) && typeof v === 'string') out.add(v);
      else collect(v, keys, out);
    }
  }
  return out;
}

function referenced(g: Gateway, from: readonly Kind[], keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const kind of from) for (const name of g.names(kind)) collect(g.get(kind, name), new Set(keys), out);
  return [...out].sort();
}

/** SDS configs name their secret in `name`, beside `sds_config`. */
function secretsReferenced(g: Gateway): string[] {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const o = value as Record<string, unknown>;
      if (typeof o['name'] === 'string' && o['sds_config'] !== undefined) out.add(o['name']);
      Object.values(o).forEach(walk);
    }
  };
  for (const kind of ['listener', 'cluster'] as const) for (const name of g.names(kind)) walk(g.get(kind, name));
  return [...out].sort();
}

function checkWhole(g: Gateway): void {
  expect(referenced(g, ['listener'], ['route_config_name'])).toEqual(g.names('route'));
  for (const cluster of referenced(g, ['listener', 'route'], ['cluster'])) expect(g.names('cluster')).toContain(cluster);
  expect(secretsReferenced(g)).toEqual(g.names('secret'));
  expect(g.names('endpoint')).toEqual(g.names('cluster'));
  const statuses = serviceStatuses(g.state);
  expect(statuses.flatMap((st) => st.clusters).sort()).toEqual(g.names('cluster'));
  expect([...new Set(statuses.flatMap((st) => st.listeners))].sort()).toEqual(g.names('listener'));
}

describe('what the cache holds', () => {
  it('refers only to what it holds, holds nothing unreferenced, and matches the statuses (property)', () => {
    fc.assert(
      fc.property(fc.array(gateway(true, 4), { minLength: 1, maxLength: 4 }), (states: Services[]) => {
        const g = new Gateway({ secrets: SECRETS });
        for (const s of states) {
          g.set(s);
          checkWhole(g);
        }
        g.set({});
        expect(g.snapshot()).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
