// Two TLS services on :443, one requiring client certificates: each filter chain's HTTP
// connection manager names a RouteConfiguration of its own that holds only the chain's own
// virtual hosts, so a client that enters through the open chain (its SNI, no certificate) cannot
// reach the protected service by sending its Host header. Checked on the messages.
import { describe, expect, it } from 'vitest';
import { Gateway, type Json } from './support/gateway.js';
import { CA, SECRETS, svc, web } from './support/specs.js';

const OPEN = 'test/svc/open';
const VAULT = 'test/svc/vault';
const WILD = 'test/svc/wild';
const L443 = '0.0.0.0:443/tcp';

function served(): Gateway {
  const g = new Gateway();
  const out = g.set(
    {
      [OPEN]: svc('10.0.0.1', web(0, { domains: ['open.example.com'], tls: {} })),
      [VAULT]: svc('10.0.0.2', web(0, { domains: ['vault.example.com', 'admin.vault.example.com'], tls: { validation: 'ca' } })),
      [WILD]: svc('10.0.0.3', web(0, { domains: ['*.example.com'], tls: {} })),
    },
    SECRETS,
  );
  expect([...out.statuses.values()].map((st) => st?.valid)).toEqual([true, true, true]);
  return g;
}

function at(obj: unknown, ...path: (string | number)[]): unknown {
  let cur = obj;
  for (const key of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[key] : undefined;
  return cur;
}

function chains(g: Gateway): Json[] {
  return g.get('listener', L443)['filter_chains'] as Json[];
}

function chain(g: Gateway, cluster: string): Json {
  const found = chains(g).find((c) => c['name'] === cluster);
  if (found === undefined) throw new Error(`no chain ${cluster}`);
  return found;
}

function routeConfigOf(c: Json): string {
  return String(at(c, 'filters', 0, 'typed_config', 'rds', 'route_config_name'));
}

/** Every domain and every cluster a RouteConfiguration can route to. */
function reach(rc: Json): { domains: string[]; clusters: string[] } {
  const vhosts = (rc['virtual_hosts'] ?? []) as Json[];
  return {
    domains: vhosts.flatMap((v) => v['domains'] as string[]).sort(),
    clusters: [...new Set(vhosts.flatMap((v) => (v['routes'] as Json[]).map((r) => String(at(r, 'route', 'cluster')))))].sort(),
  };
}

describe('TLS services sharing :443', () => {
  it('each chain names its own RouteConfiguration', () => {
    const g = served();
    expect(chains(g).map((c) => [c['name'], at(c, 'filter_chain_match', 'server_names'), routeConfigOf(c)])).toEqual([
      [`${OPEN}.expose#0`, ['open.example.com'], `${L443}/${OPEN}.expose#0`],
      [`${VAULT}.expose#0`, ['admin.vault.example.com', 'vault.example.com'], `${L443}/${VAULT}.expose#0`],
      [`${WILD}.expose#0`, ['*.example.com'], `${L443}/${WILD}.expose#0`],
    ]);
    expect(g.names('route')).toEqual(chains(g).map(routeConfigOf).sort());
  });

  it('only the protected chain asks for a client certificate', () => {
    const g = served();
    const tls = (cluster: string): Json => at(chain(g, cluster), 'transport_socket', 'typed_config') as Json;
    expect(tls(`${VAULT}.expose#0`)['require_client_certificate']).toBe(true);
    expect(at(tls(`${VAULT}.expose#0`), 'common_tls_context', 'validation_context_sds_secret_config', 'name')).toBe(CA);
    for (const open of [OPEN, WILD]) {
      expect(tls(`${open}.expose#0`)['require_client_certificate']).toBeUndefined();
      expect(JSON.stringify(tls(`${open}.expose#0`))).not.toContain('validation_context');
    }
  });

  it('the open chains cannot route a Host header to the protected service', () => {
    const g = served();
    for (const open of [OPEN, WILD]) {
      const rc = g.get('route', routeConfigOf(chain(g, `${open}.expose#0`)));
      const { domains, clusters } = reach(rc);
      expect(clusters).toEqual([`${open}.expose#0`]);
      expect(domains.some((d) => d.includes('vault'))).toBe(false);
      expect(domains).not.toContain('*');
    }
    // the wildcard's *.example.com would match vault.example.com: it is only in the wildcard chain's own configuration
    expect(reach(g.get('route', `${L443}/${WILD}.expose#0`)).domains).toEqual(['*.example.com', '*.example.com:443']);
    expect(reach(g.get('route', `${L443}/${VAULT}.expose#0`))).toEqual({
      domains: ['admin.vault.example.com', 'admin.vault.example.com:443', 'vault.example.com', 'vault.example.com:443'],
      clusters: [`${VAULT}.expose#0`],
    });
  });

  it('every RouteConfiguration and the listener pass the validator', () => {
    const g = served();
    for (const name of g.names('route')) expect(g.violations('route', name)).toEqual([]);
    expect(g.violations('listener', L443)).toEqual([]);
  });
});
