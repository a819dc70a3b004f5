// SNI passthrough beside TLS termination on one listener, and the OpenSVC documentation's SNI step
// followed by its L7 step, end to end: cluster file → janitor → a real xDS client → Envoy's
// selection (resolver.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTS, serve, type Served } from './serve.js';
import { resolve } from './resolver.js';

const CLUSTER = `
services:
  test/svc/pass:
    endpoints: [10.0.0.1]
    expose#0: { port: 8443, listener_port: 443, sni: [pass.acme.org, "*.pass.acme.org"] }
  test/svc/web:
    endpoints: [10.0.0.2]
    expose#0: { port: 8080, listener_port: 443, vhosts: [vhost#0], listener_certificates: [certificate#0] }
    vhost#0: { domains: [web.acme.org], routes: [route#0] }
    route#0: { match_prefix: / }
    certificate#0: { certificate_secret: cert }
  test/svc/svcweb:
    endpoints: [10.0.0.3]
    expose#1: { listener_port: 443, port: 443, sni: svcweb.acme.org, vhosts: vhost#0, listener_certificates: certificate#1, cluster_certificates: certificate#1 }
    certificate#1: { certificate_chain_filename: /etc/envoy/server.pem, private_key_filename: /etc/envoy/server.key }
    vhost#0: { domains: alt-svcweb.acme.org, routes: "route#0 route#1" }
    route#0: { match_prefix: /realtime/generic }
    route#1: { match_prefix: / }
secrets:
  test/sec/cert: { certificate_chain_file: ${CERTS}/server.pem, private_key_file: ${CERTS}/server.key }
`;

const L = '0.0.0.0:443/tcp';

describe('TLS chains of one listener, end to end', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(CLUSTER);
  }, 20_000);
  afterAll(() => served?.close());

  const go = (sni: string, host: string, path = '/') => resolve(served.listeners, served.routes, { listener: L, sni, clientCertificate: false, host, path });

  it('passes pass.acme.org through untouched and terminates web.acme.org on the same listener', () => {
    expect(go('pass.acme.org', 'whatever')).toEqual({ kind: 'tcp', cluster: 'test/svc/pass.expose#0', terminated: false });
    expect(go('a.pass.acme.org', 'whatever')).toEqual({ kind: 'tcp', cluster: 'test/svc/pass.expose#0', terminated: false });
    expect(go('web.acme.org', 'web.acme.org')).toMatchObject({ kind: 'cluster', cluster: 'test/svc/web.expose#0' });
    expect(served.listeners.get(L)?.['listener_filters']).toEqual([expect.objectContaining({ name: 'envoy.filters.listener.tls_inspector' })]);
  });

  it("the documentation's SNI then L7 steps: TLS ends for svcweb.acme.org, HTTP is routed on alt-svcweb.acme.org, the backend is reached over TLS", () => {
    expect(go('svcweb.acme.org', 'alt-svcweb.acme.org', '/realtime/generic/x')).toMatchObject({ kind: 'cluster', cluster: 'test/svc/svcweb.expose#1' });
    expect(go('svcweb.acme.org', 'web.acme.org')).toMatchObject({ kind: 'not-found' });
    expect(served.clusters.get('test/svc/svcweb.expose#1')?.['transport_socket']).toMatchObject({ name: 'envoy.transport_sockets.tls' });
  });
});
