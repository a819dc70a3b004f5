// Envoy's own checks beyond the protos (src/validate/checks.ts): each refused value, and its
// neighbour that Envoy takes.
import { describe, expect, it } from 'vitest';
import { fullCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import { Cluster } from '../../src/envoy/cluster.js';
import { httpConnectionManagerFilter } from '../../src/envoy/filters.js';
import type { JsonObject } from '../../src/proto/json.js';
import { expose } from './fixtures.js';

const cluster = (data: JsonObject): readonly string[] => fullCheck(MSG.cluster, Cluster(expose('test/svc/a', 'expose#0', { clusterData: data })));
const chain = (data: JsonObject): readonly string[] => fullCheck(MSG.filterChain, { name: 'http', filters: [httpConnectionManagerFilter('s', 'r', data)] });
const vhost = (route: JsonObject): readonly string[] => fullCheck(MSG.virtualHost, { name: 'v', domains: ['a.org'], routes: [{ name: 'route#0', match: { prefix: '/' }, ...route }] });

describe("Envoy's checks", () => {
  it('ring hash: minimum above maximum', () => {
    expect(cluster({ lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: 4096, maximum_ring_size: 1024 } })).toEqual([expect.stringContaining('minimum_ring_size (4096) > maximum_ring_size (1024)')]);
    expect(cluster({ lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: 1024, maximum_ring_size: 4096 } })).toEqual([]);
    expect(cluster({ ring_hash_lb_config: { minimum_ring_size: 8388608, maximum_ring_size: 2048 } })).toEqual([expect.stringContaining('> maximum_ring_size (2048)')]);
  });

  it('maglev: a table size that is not prime, in either form', () => {
    expect(cluster({ lb_policy: 'MAGLEV', maglev_lb_config: { table_size: 65536 } })).toEqual([expect.stringContaining('65536 is not prime')]);
    expect(cluster({ lb_policy: 'MAGLEV', maglev_lb_config: { table_size: 65537 } })).toEqual([]);
    const typed = { load_balancing_policy: { policies: [{ typed_extension_config: { name: 'maglev', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.load_balancing_policies.maglev.v3.Maglev', table_size: 100 } } }] } };
    expect(cluster(typed)).toEqual([expect.stringContaining('100 is not prime')]);
  });

  it('a regex anywhere in cluster_data is sized', () => {
    const matcher = { safe_regex: { regex: 'x'.repeat(120) } };
    const data = { health_checks: [{ timeout: '1s', interval: '5s', unhealthy_threshold: 1, healthy_threshold: 1, http_health_check: { path: '/h', service_name_matcher: matcher } }] };
    expect(cluster(data)).toEqual([expect.stringContaining("service_name_matcher.safe_regex.regex: its RE2 program has 124 instructions, over Envoy's limit of 100")]);
  });

  it('HTTP connection manager: HTTP3 on TCP, repeated upgrades, mixed options', () => {
    expect(chain({ codec_type: 'HTTP3' })).toEqual([expect.stringContaining('not QUIC')]);
    expect(chain({ codec_type: 'HTTP1' })).toEqual([]);
    expect(chain({ upgrade_configs: [{ upgrade_type: 'websocket' }, { upgrade_type: 'WebSocket' }] })).toEqual([expect.stringContaining('multiple upgrade configs')]);
    expect(chain({ strip_any_host_port: true, strip_matching_host_port: true })).toEqual([expect.stringContaining('strip_matching_host_port')]);
    const xff = { original_ip_detection_extensions: [{ name: 'xff', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.http.original_ip_detection.xff.v3.XffConfig', xff_num_trusted_hops: 1 } }] };
    expect(chain(xff).join()).toMatch(/use_remote_address|unknown type/);
  });

  it('routes: weights adding up to 0, a direct response body over 4096 bytes', () => {
    expect(vhost({ route: { weighted_clusters: { clusters: [{ name: 'a', weight: 0 }, { name: 'b', weight: 0 }] } } })).toEqual([expect.stringContaining('add up to 0')]);
    expect(vhost({ route: { weighted_clusters: { clusters: [{ name: 'a', weight: 0 }, { name: 'b', weight: 1 }] } } })).toEqual([]);
    expect(vhost({ direct_response: { status: 403, body: { inline_string: 'x'.repeat(4097) } } })).toEqual([expect.stringContaining('4097 bytes')]);
    expect(vhost({ direct_response: { status: 403, body: { inline_string: 'x'.repeat(4096) } } })).toEqual([]);
  });

  it('TLS: names or a CRL checked without a trusted CA, inline', () => {
    const tls = (validation: JsonObject): JsonObject => ({ transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', common_tls_context: { validation_context: validation } } } });
    const san = { match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'a.org' } }] };
    expect(cluster(tls(san))).toEqual([expect.stringContaining('without a trusted CA')]);
    expect(cluster(tls({ ...san, trusted_ca: { inline_string: 'x' } }))).toEqual([]);
  });
});
