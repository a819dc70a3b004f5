// The README recipes end to end: a cluster file using each seed use case, in its cluster-file
// keyword form and in the form OpenSVC passes (cluster_data, filter_config_data, secret keys), is
// served by the janitor and seen by a real xDS client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTS, serve, type Served } from '../isolation/serve.js';
import { resolve } from '../isolation/resolver.js';

const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const CLUSTER = `
services:
  shop/svc/api:
    endpoints: [10.0.0.1]
    expose#0:
      port: 8443
      listener_port: 80
      vhosts: [vhost#0]
      cluster_certificates: [certificate#ca]
      cluster_sni: api.internal
      circuit_breakers_max_connections: 100
      outlier_detection_consecutive_5xx: 5
    vhost#0: { domains: [api.acme.org], routes: [route#0, route#1] }
    route#0: { match_prefix: /v1/, route_weighted_clusters: ["shop/svc/api.expose#0=9", "shop/svc/canary.expose#0=1"] }
    route#1: { match_prefix: /, direct_response_status: 403 }
    certificate#ca: { validation_secret: ca }
  shop/svc/canary:
    endpoints: [10.0.0.2]
    expose#0: { port: 8443, listener_port: 8081 }
  shop/svc/orders:
    endpoints: [10.0.0.3]
    expose#0:
      port: 8443
      listener_port: 443
      vhosts: [vhost#0]
      listener_certificates: [certificate#0]
      cluster_data:
        outlier_detection: { consecutive_5xx: 3 }
        transport_socket: { name: envoy.transport_sockets.tls, typed_config: { "@type": "${UPSTREAM_TLS}", sni: orders.internal } }
      filter_config_data:
        local_reply_config: { mappers: [{ filter: { response_flag_filter: { flags: [NR] } }, status_code: 403 }] }
    vhost#0: { domains: [web1.acme.org], routes: [route#0] }
    route#0: { match_prefix: /orders/ }
    certificate#0: { certificate_secret: cert, validation_secret: ledger }
secrets:
  shop/sec/ca: { trusted_ca_file: ${CERTS}/ca.pem }
  shop/sec/cert: { certificate_chain_file: ${CERTS}/server.pem, private_key_file: ${CERTS}/server.key }
  shop/sec/ledger: { trusted_ca_file: ${CERTS}/ca.pem, verify_subject_alt_name: "DNS:frontend.acme.org" }
`;

describe('the recipes, served', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(CLUSTER);
  }, 20_000);
  afterAll(() => served?.close());

  it('upstream TLS with an explicit SNI and no client certificate; circuit breakers and outlier detection', () => {
    const api = served.clusters.get('shop/svc/api.expose#0');
    expect(api?.['transport_socket']).toMatchObject({ typed_config: { '@type': UPSTREAM_TLS, sni: 'api.internal', common_tls_context: { validation_context_sds_secret_config: { name: 'validation_context/shop/sec/ca' } } } });
    expect(JSON.stringify(api)).not.toContain('tls_certificate_sds_secret_configs');
    expect(api).toMatchObject({ circuit_breakers: { thresholds: [{ max_connections: 100 }] }, outlier_detection: { consecutive_5xx: 5 } });
    expect(served.clusters.get('shop/svc/orders.expose#0')).toMatchObject({ outlier_detection: { consecutive_5xx: 3 }, transport_socket: { typed_config: { sni: 'orders.internal' } } });
  });

  it('a weighted split within the namespace, and 403 for the paths no route takes', () => {
    const config = served.routes.get('0.0.0.0:80/tcp');
    expect(JSON.stringify(config)).toContain('"weighted_clusters":{"clusters":[{"name":"shop/svc/api.expose#0","weight":9},{"name":"shop/svc/canary.expose#0","weight":1}]}');
    expect(resolve(served.listeners, served.routes, { listener: '0.0.0.0:80/tcp', clientCertificate: false, host: 'api.acme.org', path: '/other' })).toMatchObject({ kind: 'direct' });
    const chain = JSON.stringify(served.listeners.get('0.0.0.0:443/tcp'));
    expect(chain).toContain('"response_flag_filter":{"flags":["NR"]}');
  });

  it("client-certificate names from the validation secret's key, over SDS", async () => {
    const secrets = await served.secrets(['validation_context/shop/sec/ledger']);
    expect(secrets.get('validation_context/shop/sec/ledger')).toMatchObject({ validation_context: { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'frontend.acme.org' } }] } });
  });
});
