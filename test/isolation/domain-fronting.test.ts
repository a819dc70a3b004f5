// Isolation on a shared TLS listener, over real sockets: the janitor runs on a cluster file where
// two services share :443, `secure` requiring client certificates (validation_secret) and `open`
// not. A real xDS client fetches what is served (LDS, RDS over ADS), and resolver.ts follows
// Envoy's selection (chain by SNI → its TLS context → its RouteConfiguration → virtual host by
// Host). A client without a certificate that sends open's SNI and secure's Host must not reach
// secure: each TLS chain routes only to the virtual hosts it terminates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/proto/json.js';
import { CERTS, serve, type Served } from './serve.js';
import { resolve, type Request } from './resolver.js';

const CLUSTER = `
services:
  tenant-a/svc/secure:
    endpoints: [10.0.0.1]
    expose#0: { port: 8443, listener_port: 443, vhosts: [vhost#0], listener_certificates: [certificate#0] }
    vhost#0: { domains: [secure.acme.org], routes: [route#0] }
    route#0: { match_prefix: / }
    certificate#0: { certificate_secret: cert, validation_secret: ca }
  tenant-b/svc/open:
    endpoints: [10.0.0.2]
    expose#0: { port: 8080, listener_port: 443, vhosts: [vhost#0], listener_certificates: [certificate#0] }
    expose#1: { port: 8080, listener_port: 80, vhosts: [vhost#0] }
    vhost#0: { domains: [open.acme.org, "*.open.acme.org"], routes: [route#0] }
    route#0: { match_prefix: / }
    certificate#0: { certificate_secret: cert }
secrets:
  tenant-a/sec/cert: { certificate_chain_file: ${CERTS}/server.pem, private_key_file: ${CERTS}/server.key }
  tenant-a/sec/ca: { trusted_ca_file: ${CERTS}/ca.pem }
  tenant-b/sec/cert: { certificate_chain_file: ${CERTS}/server.pem, private_key_file: ${CERTS}/server.key }
`;

const L443 = '0.0.0.0:443/tcp';
const SECURE = 'tenant-a/svc/secure.expose#0';
const OPEN = 'tenant-b/svc/open.expose#0';

describe('a Host header never crosses TLS filter chains', () => {
  let served: Served;
  let listeners: ReadonlyMap<string, JsonObject>;
  let routes: ReadonlyMap<string, JsonObject>;

  beforeAll(async () => {
    served = await serve(CLUSTER);
    ({ listeners, routes } = served);
  }, 20_000);

  afterAll(() => served?.close());

  const go = (req: Omit<Request, 'path'>) => resolve(listeners, routes, { path: '/admin', ...req });

  it('serves one RouteConfiguration per TLS chain, each with its own virtual hosts only', () => {
    expect([...routes.keys()].sort()).toEqual(['0.0.0.0:443/tcp/tenant-a/svc/secure.expose#0', '0.0.0.0:443/tcp/tenant-b/svc/open.expose#0', '0.0.0.0:80/tcp']);
    for (const [name, config] of routes) {
      const clusters = JSON.stringify(config).match(/"cluster":"[^"]+"/g) ?? [];
      if (name.endsWith(SECURE)) expect(new Set(clusters)).toEqual(new Set([`"cluster":"${SECURE}"`]));
      else expect(clusters.join()).not.toContain('secure');
    }
  });

  it("a client without a certificate, with open's SNI and secure's Host, is not routed to secure", () => {
    for (const sni of ['open.acme.org', 'x.open.acme.org']) {
      for (const host of ['secure.acme.org', 'secure.acme.org:443', 'SECURE.acme.org']) {
        const outcome = go({ listener: L443, sni, clientCertificate: false, host });
        expect(outcome).toEqual({ kind: 'not-found', routeConfiguration: `${L443}/${OPEN}` });
      }
    }
  });

  it("with a certificate, open's SNI still cannot reach secure (the chain decides, not the Host)", () => {
    expect(go({ listener: L443, sni: 'open.acme.org', clientCertificate: true, host: 'secure.acme.org' })).toMatchObject({ kind: 'not-found' });
  });

  it("secure's own chain refuses a client without a certificate, and serves one with it", () => {
    expect(go({ listener: L443, sni: 'secure.acme.org', clientCertificate: false, host: 'secure.acme.org' })).toEqual({ kind: 'closed', why: 'client certificate required' });
    expect(go({ listener: L443, sni: 'secure.acme.org', clientCertificate: true, host: 'secure.acme.org' })).toMatchObject({ kind: 'cluster', cluster: SECURE });
  });

  it('no SNI, an unknown SNI, or the plain-HTTP listener with the Host of secure: never secure', () => {
    expect(go({ listener: L443, clientCertificate: false, host: 'secure.acme.org' })).toMatchObject({ kind: 'closed' });
    expect(go({ listener: L443, sni: 'other.acme.org', clientCertificate: false, host: 'secure.acme.org' })).toMatchObject({ kind: 'closed' });
    expect(go({ listener: '0.0.0.0:80/tcp', clientCertificate: false, host: 'secure.acme.org' })).toEqual({ kind: 'not-found', routeConfiguration: '0.0.0.0:80/tcp' });
  });

  it('the open service itself is reachable: the resolver is not refusing everything', () => {
    expect(go({ listener: L443, sni: 'open.acme.org', clientCertificate: false, host: 'open.acme.org' })).toMatchObject({ kind: 'cluster', cluster: OPEN });
    expect(go({ listener: '0.0.0.0:80/tcp', clientCertificate: false, host: 'a.open.acme.org' })).toMatchObject({ kind: 'cluster', cluster: 'tenant-b/svc/open.expose#1' });
  });

  it('would catch domain fronting: with one RouteConfiguration shared by both chains, the same request reaches secure', () => {
    const listener = structuredClone(listeners.get(L443)) as JsonObject;
    const merged = { name: 'shared', virtual_hosts: [...routes.values()].flatMap((r) => (r['virtual_hosts'] as JsonObject[] | undefined) ?? []) };
    const shared = JSON.parse(JSON.stringify(listener).replace(/"route_config_name":"[^"]+"/g, '"route_config_name":"shared"')) as JsonObject;
    const fronted = resolve(new Map([[L443, shared]]), new Map([['shared', merged]]), { listener: L443, sni: 'open.acme.org', clientCertificate: false, host: 'secure.acme.org', path: '/' });
    expect(fronted).toMatchObject({ kind: 'cluster', cluster: SECURE });
  });
});
