// cluster_data and filter_config_data may not name another namespace's secrets, wherever the name
// hides: nested Anys, arrays, maps; nor a secret no certificate section of the expose brings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build, fails } from './support/build.js';
import { sdsSecretRefs } from '../../src/model/secret-refs.js';

const TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3';
const upstream = (context: object) => ({ name: 'envoy.transport_sockets.tls', typed_config: { '@type': `${TLS}.UpstreamTlsContext`, ...context } });
const sds = (name: string) => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });
const PEM = { certificate_secret: 'mine' };
const CERTS = new URL('../fixtures/certs/', import.meta.url);
const CA = readFileSync(new URL('ca.pem', CERTS), 'utf8');
const CHAIN = readFileSync(new URL('server.pem', CERTS), 'utf8');
const KEY = readFileSync(new URL('server.key', CERTS), 'utf8');

function withData(expose: Record<string, unknown>, extra: Record<string, readonly [string, Record<string, unknown>]> = {}) {
  return { 'expose#0': ['expose.envoy', { port: 443, ...expose }], ...extra } as const;
}

describe('secret names in cluster_data and filter_config_data', () => {
  it.each([
    ['a client certificate', { transport_socket: upstream({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('tls_certificate/other/sec/x')] } }) }],
    ['a validation context in a combined one', { transport_socket: upstream({ common_tls_context: { combined_validation_context: { default_validation_context: {}, validation_context_sds_secret_config: sds('validation_context/other/sec/ca') } } }) }],
    ['the second transport socket match', { transport_socket_matches: [{ name: 'a', transport_socket: upstream({}) }, { name: 'b', transport_socket: upstream({ common_tls_context: { validation_context_sds_secret_config: sds('validation_context/other/sec/ca') } }) }] }],
    ['an Any in a map', { typed_extension_protocol_options: { x: { '@type': `${TLS}.UpstreamTlsContext`, common_tls_context: { tls_certificate_sds_secret_configs: [sds('tls_certificate/other/sec/x')] } } } }],
    ["another service's inline certificate", { transport_socket: upstream({ common_tls_context: { tls_certificate_sds_secret_configs: [sds('tls_certificate/other/svc/web/certificate#0')] } }) }],
  ])('cluster_data: %s of another namespace is refused, naming it', (_what, data) => {
    const p = fails(withData({ cluster_data: data }));
    expect(p).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'cluster_data', reason: 'InvalidValue', message: expect.stringMatching(/of namespace other; a service may only use secrets of its own namespace \(test\)/) })]);
  });

  it('filter_config_data: an OAuth2 filter secret inside an HTTP filter Any', () => {
    const oauth = {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.oauth2.v3.OAuth2',
      config: { credentials: { client_id: 'c', token_secret: sds('tls_certificate/other/sec/token'), hmac_secret: sds('tls_certificate/test/sec/hmac') } },
    };
    const data = { http_filters: [{ name: 'envoy.filters.http.oauth2', typed_config: oauth }] };
    const p = fails(withData({ vhosts: ['vhost#0'], filter_config_data: data }, { 'vhost#0': ['vhost.envoy', { routes: [] }] }));
    expect(p.map((x) => [x.keyword, x.value])).toEqual([
      ['filter_config_data', 'tls_certificate/other/sec/token'],
      ['filter_config_data', 'tls_certificate/test/sec/hmac'],
    ]);
    expect(p[1]?.message).toMatch(/none of this expose's certificate sections brings/);
  });

  it("accepts the expose's own certificate secrets, and finds every name", () => {
    const data = { transport_socket: upstream({ sni: 'api.internal', common_tls_context: { validation_context_sds_secret_config: sds('validation_context/test/sec/ca') } }) };
    const model = build(withData({ cluster_data: data, cluster_certificates: ['certificate#0'] }, { 'certificate#0': ['certificate.tls', { ...PEM, validation_secret: 'ca' }] }), {
      gateway: 'envoy',
      listenerPort: () => undefined,
      secrets: (p) => (p === 'test/sec/ca' ? { trusted_ca: CA } : p === 'test/sec/mine' ? { certificate_chain: CHAIN, private_key: KEY } : undefined),
    });
    expect(model.exposes[0]?.clusterData).toBeDefined();
    expect(sdsSecretRefs('envoy.config.cluster.v3.Cluster', data).map((r) => r.path)).toEqual(['transport_socket.typed_config.common_tls_context.validation_context_sds_secret_config']);
  });
});
