import { describe, expect, it } from 'vitest';
import { exposeListenerPart, listenerKind, partListener } from '../../src/envoy/listener.js';
import { fullCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import type { JsonObject } from '../../src/proto/json.js';
import { certificate, expose, httpExpose } from './fixtures.js';

const P = 'test/svc/web1';

function listenerOf(e: ReturnType<typeof expose>): JsonObject {
  const part = exposeListenerPart(e);
  return partListener(part);
}

function valid(obj: JsonObject): JsonObject {
  expect(fullCheck(MSG.listener, obj)).toEqual([]);
  return obj;
}

describe('Listener', () => {
  it('plain TCP: one tcp_proxy chain to the expose cluster, named <addr>:<port>/<protocol>', () => {
    const l = valid(listenerOf(expose(P, 'expose#1')));
    expect(l).toEqual({
      name: '0.0.0.0:1026/tcp',
      address: { socket_address: { address: '0.0.0.0', port_value: 1026 } },
      filter_chains: [
        {
          name: 'test/svc/web1.expose#1',
          filters: [
            {
              name: 'envoy.filters.network.tcp_proxy',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
                stat_prefix: 'test/svc/web1_expose#1',
                cluster: 'test/svc/web1.expose#1',
              },
            },
          ],
        },
      ],
    });
  });

  it('IPv6 listener address: bracketed name, bare address', () => {
    const l = valid(listenerOf(expose(P, 'expose#1', { listener: { address: '::', port: 443, protocol: 'tcp' } })));
    expect(l['name']).toBe('[::]:443/tcp');
    expect(l['address']).toEqual({ socket_address: { address: '::', port_value: 443 } });
  });

  it('SNI passthrough: tls_inspector and a chain matching the sorted SNI names', () => {
    const l = valid(listenerOf(expose(P, 'expose#1', { sni: ['b.example.com', 'a.example.com'] })));
    expect(l['listener_filters']).toEqual([
      { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' } },
    ]);
    const [chain] = l['filter_chains'] as JsonObject[];
    expect(chain?.['filter_chain_match']).toEqual({ server_names: ['a.example.com', 'b.example.com'] });
  });

  it('HTTP: HCM with RDS named like the listener, router, websocket, HTTP/1.0, codec auto, remote address', () => {
    const e = httpExpose(P, 'expose#1', ['web.example.com'], 8080);
    expect(listenerKind(e)).toBe('http');
    const l = valid(listenerOf(e));
    const [chain] = l['filter_chains'] as JsonObject[];
    expect(chain?.['name']).toBe('http');
    expect(chain?.['filter_chain_match']).toBeUndefined();
    const [hcm] = chain?.['filters'] as JsonObject[];
    expect(hcm).toEqual({
      name: 'envoy.filters.network.http_connection_manager',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        stat_prefix: '0_0_0_0:8080/tcp',
        codec_type: 'AUTO',
        upgrade_configs: [{ upgrade_type: 'websocket' }],
        http_protocol_options: { accept_http_10: true },
        use_remote_address: { value: true },
        normalize_path: { value: true },
        merge_slashes: true,
        rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: '0.0.0.0:8080/tcp' },
        strip_trailing_host_dot: true,
        http_filters: [
          { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
        ],
      },
    });
  });

  it('TLS termination: chain on the vhost hostnames, SDS certificate, TLS 1.2, ALPN, client certs when a validation secret exists', () => {
    const certs = [certificate('certificate#0', 'tls_certificate/test/sec/web', 'validation_context/test/sec/ca')];
    const e = httpExpose(P, 'expose#1', ['b.example.com', 'a.example.com', 'a.example.com'], 443, { listenerCertificates: certs });
    expect(listenerKind(e)).toBe('https');
    const l = valid(listenerOf(e));
    expect((l['listener_filters'] as JsonObject[]).map((f) => f['name'])).toEqual(['envoy.filters.listener.tls_inspector']);
    const [chain] = l['filter_chains'] as JsonObject[];
    expect(chain?.['filter_chain_match']).toEqual({ server_names: ['a.example.com', 'b.example.com'] });
    const ads = { ads: {}, resource_api_version: 'V3' };
    expect(chain?.['transport_socket']).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
          alpn_protocols: ['h2', 'http/1.1'],
          tls_certificate_sds_secret_configs: [{ name: 'tls_certificate/test/sec/web', sds_config: ads }],
          validation_context_sds_secret_config: { name: 'validation_context/test/sec/ca', sds_config: ads },
        },
        require_client_certificate: { value: true },
      },
    });
  });

  it('TLS termination without a validation secret does not ask for client certificates', () => {
    const e = httpExpose(P, 'expose#1', ['a.example.com'], 443, { listenerCertificates: [certificate('certificate#0', 'tls_certificate/test/sec/web')] });
    const [chain] = valid(listenerOf(e))['filter_chains'] as JsonObject[];
    const ctx = (chain?.['transport_socket'] as JsonObject)['typed_config'] as JsonObject;
    expect(ctx['require_client_certificate']).toBeUndefined();
    expect((ctx['common_tls_context'] as JsonObject)['validation_context_sds_secret_config']).toBeUndefined();
  });

  it('UDP: a UDP socket address and the udp_proxy listener filter routing to the cluster', () => {
    const l = valid(listenerOf(expose(P, 'expose#2', { protocol: 'udp', listener: { address: '0.0.0.0', port: 53, protocol: 'udp' } })));
    expect(l['name']).toBe('0.0.0.0:53/udp');
    expect(l['address']).toEqual({ socket_address: { protocol: 'UDP', address: '0.0.0.0', port_value: 53 } });
    expect(l['filter_chains']).toBeUndefined();
    expect(l['listener_filters']).toEqual([
      {
        name: 'envoy.filters.udp_listener.udp_proxy',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig',
          stat_prefix: 'test/svc/web1_expose#2',
          matcher: {
            on_no_match: {
              action: {
                name: 'route',
                typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.udp.udp_proxy.v3.Route', cluster: 'test/svc/web1.expose#2' },
              },
            },
          },
        },
      },
    ]);
  });

  it('filter_config_data keeps weighted_clusters (a split the model checked) in place of the cluster', () => {
    const split = { clusters: [{ name: 'test/svc/web1.expose#1', weight: 3 }, { name: 'test/svc/other.expose#0', weight: 1 }] };
    const l = valid(listenerOf(expose(P, 'expose#1', { filterConfigData: { cluster: 'elsewhere', weighted_clusters: split } })));
    const [chain] = l['filter_chains'] as JsonObject[];
    const [tcp] = chain?.['filters'] as JsonObject[];
    expect(tcp?.['typed_config']).toMatchObject({ weighted_clusters: split });
    expect(tcp?.['typed_config']).not.toHaveProperty('cluster');
  });

  it('filter_config_data overrides defaults but never the cluster the janitor routes to', () => {
    const data = { stat_prefix: 'mine', idle_timeout: { seconds: 60 }, cluster: 'elsewhere' };
    const l = valid(listenerOf(expose(P, 'expose#1', { filterConfigData: data })));
    const [chain] = l['filter_chains'] as JsonObject[];
    const [tcp] = chain?.['filters'] as JsonObject[];
    expect(tcp?.['typed_config']).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      stat_prefix: 'mine',
      idle_timeout: { seconds: 60 },
      cluster: 'test/svc/web1.expose#1',
    });
  });

  it('filter_config_data on HTTP: deep merge, RDS kept, the router stays last', () => {
    const data = {
      http_protocol_options: { header_key_format: { proper_case_words: {} } },
      route_config: { name: 'inline' },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }, { name: 'x' }],
    };
    const l = listenerOf(httpExpose(P, 'expose#1', ['a.example.com'], 80, { filterConfigData: data }));
    // An HTTP filter without typed_config passes the proto rules; Envoy (and so fullCheck) refuses it.
    expect(fullCheck(MSG.listener, l)).toEqual(['filter_chains[0].filters[0].typed_config.http_filters[0]: filter "x" has no typed_config; Envoy finds a filter by its type URL']);
    const [chain] = l['filter_chains'] as JsonObject[];
    const hcm = ((chain?.['filters'] as JsonObject[])[0]?.['typed_config'] ?? {}) as JsonObject;
    expect(hcm['http_protocol_options']).toEqual({ accept_http_10: true, header_key_format: { proper_case_words: {} } });
    expect(hcm['route_config']).toBeUndefined();
    expect((hcm['rds'] as JsonObject)['route_config_name']).toBe('0.0.0.0:80/tcp');
    expect((hcm['http_filters'] as JsonObject[]).map((f) => f['name'])).toEqual(['x', 'envoy.filters.http.router']);
  });

  it('a Host with a trailing dot is matched without it, whatever filter_config_data says (bank.test. is bank.test, not another namespace\'s wildcard)', () => {
    for (const data of [undefined, { strip_trailing_host_dot: false }]) {
      const l = listenerOf(httpExpose(P, 'expose#1', ['a.example.com'], 80, data === undefined ? {} : { filterConfigData: data }));
      const [chain] = l['filter_chains'] as JsonObject[];
      const hcm = ((chain?.['filters'] as JsonObject[])[0]?.['typed_config'] ?? {}) as JsonObject;
      expect(hcm['strip_trailing_host_dot']).toBe(true);
    }
  });
});
