// The proto validator on real Envoy v3 messages: valid resources pass, and each kind of mistake
// the translation could make is caught with the field path an operator can act on. Every expected
// rule below was checked against the (validate.rules) options in the loaded .proto files.
import { describe, expect, it } from 'vitest';
import { deprecatedFields, validateMessage, type ValidationIssue } from '../../src/validate/validate.js';

const LISTENER = 'envoy.config.listener.v3.Listener';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const ROUTE = 'envoy.config.route.v3.RouteConfiguration';
const CLA = 'envoy.config.endpoint.v3.ClusterLoadAssignment';
const SECRET = 'envoy.extensions.transport_sockets.tls.v3.Secret';
const T = 'type.googleapis.com/';
const ADS = { ads: {}, resource_api_version: 'V3' };

const hcm = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  stat_prefix: 'ingress_http',
  codec_type: 'AUTO',
  rds: { route_config_name: '0.0.0.0:443/tcp', config_source: ADS },
  http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` } }],
  upgrade_configs: [{ upgrade_type: 'websocket' }],
  http_protocol_options: { accept_http_10: true },
  ...over,
});

const httpsListener = (over: Record<string, unknown> = {}, hcmOver: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: '0.0.0.0:443/tcp',
  address: { socket_address: { address: '0.0.0.0', port_value: 443 } },
  listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': `${T}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector` } }],
  filter_chains: [{
    filter_chain_match: { server_names: ['www.example.com'] },
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': `${T}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
        require_client_certificate: true,
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
          alpn_protocols: ['h2', 'http/1.1'],
          tls_certificate_sds_secret_configs: [{ name: 'tls_certificate/test/sec/web', sds_config: ADS }],
          validation_context_sds_secret_config: { name: 'validation_context/test/sec/ca', sds_config: ADS },
        },
      },
    },
    filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm(hcmOver) }],
  }],
  ...over,
});

const tcpListener = {
  name: '[::]:5432/tcp',
  address: { socket_address: { address: '::', port_value: 5432, ipv4_compat: true } },
  filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: {
    '@type': `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, stat_prefix: 'pg', cluster: 'test/svc/db.expose#1',
    idle_timeout: '0s',
  } }] }],
};

const udpListener = {
  name: '0.0.0.0:53/udp',
  address: { socket_address: { protocol: 'UDP', address: '0.0.0.0', port_value: 53 } },
  listener_filters: [{ name: 'envoy.filters.udp_listener.udp_proxy', typed_config: {
    '@type': `${T}envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig`, stat_prefix: 'dns', cluster: 'test/svc/dns.expose#1',
  } }],
};

const cluster = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'test/svc/web1.expose#1',
  type: 'EDS',
  eds_cluster_config: { eds_config: ADS, service_name: 'test/svc/web1.expose#1' },
  connect_timeout: '5s',
  lb_policy: 'RING_HASH',
  ring_hash_lb_config: { minimum_ring_size: 1024, maximum_ring_size: '8388608' },
  health_checks: [{ timeout: '5s', interval: { seconds: 10 }, unhealthy_threshold: 3, healthy_threshold: { value: 1 }, tcp_health_check: {} }],
  common_lb_config: { healthy_panic_threshold: { value: 50 } },
  transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: {
    '@type': `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`, sni: 'web1.internal',
    common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'tls_certificate/test/sec/client', sds_config: ADS }] },
  } },
  metadata: { filter_metadata: { opensvc: { path: 'test/svc/web1', rid: 'expose#1', weight: 1.5, tags: ['a', null] } } },
  ...over,
});

const routeAction = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  cluster: 'test/svc/web1.expose#1', timeout: '30s', prefix_rewrite: '/', host_rewrite_literal: 'web1.internal',
  hash_policy: [
    { cookie: { name: 'sticky', ttl: '3600s', path: '/' } },
    { header: { header_name: 'x-user' } },
    { connection_properties: { source_ip: true }, terminal: true },
  ],
  ...over,
});

const routeConfig = (vhostOver: Record<string, unknown> = {}, actionOver: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: '0.0.0.0:443/tcp',
  virtual_hosts: [{
    name: 'test/svc/web1.vhost#1',
    domains: ['www.example.com', 'www.example.com:443'],
    routes: [
      { match: { prefix: '/', case_sensitive: false }, route: routeAction(actionOver) },
      { match: { safe_regex: { regex: '^/old/.*' } }, redirect: { https_redirect: true, response_code: 'PERMANENT_REDIRECT' } },
      { match: { path: '/hc', headers: [{ name: 'x-probe', present_match: true }] }, direct_response: { status: 200 } },
    ],
    request_headers_to_add: [{ header: { key: 'x-gateway', value: 'envoy' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
    ...vhostOver,
  }],
});

const cla = {
  cluster_name: 'test/svc/web1.expose#1',
  endpoints: [{
    locality: { sub_zone: 'node1' },
    load_balancing_weight: 1,
    lb_endpoints: [
      { endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 8080 } } }, health_status: 'HEALTHY' },
      { endpoint: { address: { socket_address: { address: 'fd00::2', port_value: 8080 } } }, health_status: 'UNHEALTHY' },
    ],
  }],
};

const secretTls = {
  name: 'tls_certificate/test/sec/web',
  tls_certificate: { certificate_chain: { inline_string: '-----BEGIN CERTIFICATE-----\n...' }, private_key: { filename: '/etc/envoy/key.pem' }, password: { inline_string: 'x' } },
};
const secretCa = {
  name: 'validation_context/test/sec/ca',
  validation_context: { trusted_ca: { inline_bytes: Buffer.from('ca') }, verify_certificate_hash: ['a'.repeat(64)] },
};

function paths(issues: ValidationIssue[]): string[] {
  return issues.map((i) => i.path);
}

describe('valid Envoy resources pass', () => {
  it.each([
    ['HTTPS listener', LISTENER, httpsListener()],
    ['TCP listener', LISTENER, tcpListener],
    ['UDP listener', LISTENER, udpListener],
    ['EDS cluster', CLUSTER, cluster()],
    ['route configuration', ROUTE, routeConfig()],
    ['cluster load assignment', CLA, cla],
    ['tls_certificate secret', SECRET, secretTls],
    ['validation_context secret', SECRET, secretCa],
  ])('%s', (_what, type, obj) => {
    expect(validateMessage(type, obj)).toEqual([]);
  });
});

interface Case {
  what: string;
  type: string;
  obj: unknown;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  { what: 'port above 65535', type: LISTENER, obj: httpsListener({ address: { socket_address: { address: '0.0.0.0', port_value: 70000 } } }), path: 'address.socket_address.port_value', message: /must be <= 65535, got 70000/ },
  { what: 'empty socket address', type: CLA, obj: { cluster_name: 'c', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { port_value: 1 } } } }] }] }, path: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address', message: /at least 1 character/ },
  { what: 'socket address without a port', type: LISTENER, obj: httpsListener({ address: { socket_address: { address: '0.0.0.0' } } }), path: 'address.socket_address', message: /oneof port_specifier: one of port_value, named_port is required/ },
  { what: 'empty cluster name', type: CLUSTER, obj: cluster({ name: '' }), path: 'name', message: /at least 1 character/ },
  { what: 'unknown field', type: CLUSTER, obj: cluster({ lb_polcy: 'ROUND_ROBIN' }), path: 'lb_polcy', message: /unknown field "lb_polcy" in envoy.config.cluster.v3.Cluster/ },
  { what: 'camelCase field', type: CLUSTER, obj: cluster({ connectTimeout: '1s' }), path: 'connectTimeout', message: /did you mean "connect_timeout"/ },
  { what: 'bad enum name', type: CLUSTER, obj: cluster({ lb_policy: 'ROUND_ROBINS' }), path: 'lb_policy', message: /unknown LbPolicy value "ROUND_ROBINS"/ },
  { what: 'undefined enum number', type: CLUSTER, obj: cluster({ lb_policy: 42 }), path: 'lb_policy', message: /42 is not a defined value of LbPolicy/ },
  { what: 'two oneof members', type: ROUTE, obj: routeConfig({}, { cluster_header: 'x-cluster' }), path: 'virtual_hosts[0].routes[0].route', message: /oneof cluster_specifier: only one of cluster, cluster_header may be set/ },
  { what: 'route action without cluster', type: ROUTE, obj: routeConfig({}, { cluster: undefined }), path: 'virtual_hosts[0].routes[0].route', message: /oneof cluster_specifier: one of .* is required/ },
  { what: 'Any of an unknown type', type: LISTENER, obj: httpsListener({ listener_filters: [{ name: 'x', typed_config: { '@type': `${T}envoy.extensions.filters.listener.nope.v3.Nope` } }] }), path: 'listener_filters[0].typed_config', message: /unknown type .*nope.v3.Nope/ },
  { what: 'Any without @type', type: LISTENER, obj: httpsListener({ listener_filters: [{ name: 'x', typed_config: {} }] }), path: 'listener_filters[0].typed_config', message: /needs "@type"/ },
  { what: 'field unknown inside an Any', type: LISTENER, obj: httpsListener({}, { stat_prefx: 'x' }), path: 'filter_chains[0].filters[0].typed_config.stat_prefx', message: /unknown field "stat_prefx" in .*HttpConnectionManager/ },
  { what: 'empty HCM stat_prefix', type: LISTENER, obj: httpsListener({}, { stat_prefix: '' }), path: 'filter_chains[0].filters[0].typed_config.stat_prefix', message: /at least 1 character/ },
  { what: 'missing HCM stat_prefix', type: LISTENER, obj: httpsListener({}, { stat_prefix: undefined }), path: 'filter_chains[0].filters[0].typed_config.stat_prefix', message: /at least 1 character, got 0/ },
  { what: 'HCM without routes', type: LISTENER, obj: httpsListener({}, { rds: undefined }), path: 'filter_chains[0].filters[0].typed_config', message: /oneof route_specifier/ },
  { what: 'duration that does not parse', type: CLUSTER, obj: cluster({ connect_timeout: 'abc' }), path: 'connect_timeout', message: /invalid duration "abc"/ },
  { what: 'duration in minutes', type: CLUSTER, obj: cluster({ connect_timeout: '1m' }), path: 'connect_timeout', message: /invalid duration/ },
  { what: 'zero connect timeout', type: CLUSTER, obj: cluster({ connect_timeout: '0s' }), path: 'connect_timeout', message: /must be > 0s, got 0s/ },
  { what: 'duration with bad nanos', type: CLUSTER, obj: cluster({ connect_timeout: { seconds: 1, nanos: 1e9 } }), path: 'connect_timeout', message: /nanos/ },
  { what: 'vhost without domains', type: ROUTE, obj: routeConfig({ domains: [] }), path: 'virtual_hosts[0].domains', message: /at least 1 item/ },
  { what: 'vhost domains absent', type: ROUTE, obj: routeConfig({ domains: undefined }), path: 'virtual_hosts[0].domains', message: /at least 1 item, got none/ },
  { what: 'domain with a newline', type: ROUTE, obj: routeConfig({ domains: ['a.com\n'] }), path: 'virtual_hosts[0].domains[0]', message: /must not contain NUL, CR or LF/ },
  { what: 'repeated given a string', type: ROUTE, obj: routeConfig({ domains: 'a.com' }), path: 'virtual_hosts[0].domains', message: /expected an array/ },
  { what: 'header name with CR', type: ROUTE, obj: routeConfig({ request_headers_to_add: [{ header: { key: 'x\r', value: 'v' } }] }), path: 'virtual_hosts[0].request_headers_to_add[0].header.key', message: /NUL, CR or LF \(HTTP header name\)/ },
  { what: 'too many headers to add', type: ROUTE, obj: routeConfig({ request_headers_to_add: Array.from({ length: 1001 }, () => ({ header: { key: 'a', value: 'b' } })) }), path: 'virtual_hosts[0].request_headers_to_add', message: /at most 1000 items/ },
  { what: 'unknown append action', type: ROUTE, obj: routeConfig({ request_headers_to_add: [{ header: { key: 'a', value: 'b' }, append_action: 'APPEND' }] }), path: 'virtual_hosts[0].request_headers_to_add[0].append_action', message: /unknown HeaderAppendAction value "APPEND"/ },
  { what: 'path_separated_prefix pattern', type: ROUTE, obj: routeConfig({ routes: [{ match: { path_separated_prefix: '/api/' }, route: routeAction() }] }), path: 'virtual_hosts[0].routes[0].match.path_separated_prefix', message: /must match the pattern/ },
  { what: 'two match kinds', type: ROUTE, obj: routeConfig({ routes: [{ match: { prefix: '/', path: '/a' }, route: routeAction() }] }), path: 'virtual_hosts[0].routes[0].match', message: /oneof path_specifier: only one of prefix, path may be set/ },
  { what: 'empty hash cookie name', type: ROUTE, obj: routeConfig({}, { hash_policy: [{ cookie: { name: '' } }] }), path: 'virtual_hosts[0].routes[0].route.hash_policy[0].cookie.name', message: /at least 1 character/ },
  { what: 'duplicate headers to copy', type: ROUTE, obj: routeConfig({}, { internal_redirect_policy: { response_headers_to_copy: ['x-a', 'x-a'] } }), path: 'virtual_hosts[0].routes[0].route.internal_redirect_policy.response_headers_to_copy', message: /unique/ },
  { what: 'health check without thresholds', type: CLUSTER, obj: cluster({ health_checks: [{ timeout: '1s', interval: '1s', tcp_health_check: {} }] }), path: 'health_checks[0].unhealthy_threshold', message: /is required/ },
  { what: 'health check without timeout', type: CLUSTER, obj: cluster({ health_checks: [{ interval: '1s', unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {} }] }), path: 'health_checks[0].timeout', message: /is required/ },
  { what: 'health check without a checker', type: CLUSTER, obj: cluster({ health_checks: [{ timeout: '1s', interval: '1s', unhealthy_threshold: 1, healthy_threshold: 1 }] }), path: 'health_checks[0]', message: /oneof health_checker/ },
  { what: 'ring size above the uint64 bound', type: CLUSTER, obj: cluster({ ring_hash_lb_config: { maximum_ring_size: 8388609 } }), path: 'ring_hash_lb_config.maximum_ring_size', message: /must be <= 8388608/ },
  { what: 'panic threshold above 100%', type: CLUSTER, obj: cluster({ common_lb_config: { healthy_panic_threshold: { value: 100.5 } } }), path: 'common_lb_config.healthy_panic_threshold.value', message: /must be >= 0 and <= 100, got 100.5/ },
  { what: 'wrapper with a wrong scalar', type: CLUSTER, obj: cluster({ per_connection_buffer_limit_bytes: -1 }), path: 'per_connection_buffer_limit_bytes', message: /-1 is out of range for uint32/ },
  { what: 'uint32 wrapper gt 0', type: LISTENER, obj: httpsListener({ max_connections_to_accept_per_socket_event: { value: 0 } }), path: 'max_connections_to_accept_per_socket_event', message: /must be > 0, got 0/ },
  { what: 'non-integer port', type: CLA, obj: { cluster_name: 'c', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'a', port_value: 80.5 } } } }] }] }, path: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value', message: /must be an integer/ },
  { what: 'string where a message is expected', type: CLUSTER, obj: cluster({ eds_cluster_config: 'ads' }), path: 'eds_cluster_config', message: /expected an object \(envoy.config.cluster.v3.Cluster.EdsClusterConfig\), got string/ },
  { what: 'number where a string is expected', type: CLUSTER, obj: cluster({ name: 7 }), path: 'name', message: /expected a string, got number/ },
  { what: 'map given an array', type: CLUSTER, obj: cluster({ metadata: { filter_metadata: [] } }), path: 'metadata.filter_metadata', message: /expected an object \(map field\), got array/ },
  { what: 'empty metadata key', type: CLUSTER, obj: cluster({ metadata: { filter_metadata: { '': {} } } }), path: 'metadata.filter_metadata[""]', message: /at least 1 character/ },
  { what: 'Struct with a non-JSON value', type: CLUSTER, obj: cluster({ metadata: { filter_metadata: { a: { x: Number.NaN } } } }), path: 'metadata.filter_metadata["a"]["x"]', message: /not representable/ },
  { what: 'short certificate hash', type: SECRET, obj: { name: 's', validation_context: { verify_certificate_hash: ['abcd'] } }, path: 'validation_context.verify_certificate_hash[0]', message: /at least 64 characters, got 4/ },
  { what: 'TLS version not defined', type: LISTENER, obj: httpsListener({ filter_chains: [{ transport_socket: { name: 't', typed_config: { '@type': `${T}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`, common_tls_context: { tls_params: { tls_minimum_protocol_version: 'TLSv1_4' } } } } }] }), path: 'filter_chains[0].transport_socket.typed_config.common_tls_context.tls_params.tls_minimum_protocol_version', message: /unknown TlsProtocol value "TLSv1_4"/ },
  { what: 'SAN matcher with unspecified type', type: SECRET, obj: { name: 's', validation_context: { match_typed_subject_alt_names: [{ san_type: 'SAN_TYPE_UNSPECIFIED', matcher: { exact: 'a' } }] } }, path: 'validation_context.match_typed_subject_alt_names[0].san_type', message: /must not be SAN_TYPE_UNSPECIFIED/ },
  { what: 'typed extension without config', type: CLUSTER, obj: cluster({ lb_policy: undefined, ring_hash_lb_config: undefined, load_balancing_policy: { policies: [{ typed_extension_config: { name: 'x' } }] } }), path: 'load_balancing_policy.policies[0].typed_extension_config.typed_config', message: /is required/ },
  { what: 'UDP proxy without a route', type: LISTENER, obj: { ...udpListener, listener_filters: [{ name: 'u', typed_config: { '@type': `${T}envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig`, stat_prefix: 'dns' } }] }, path: 'listener_filters[0].typed_config', message: /oneof route_specifier/ },
  { what: 'field disallowed by default', type: ROUTE, obj: routeConfig({ rate_limits: [{ actions: [{ dynamic_metadata: { descriptor_key: 'k', metadata_key: { key: 'a', path: [{ key: 'b' }] } } }] }] }), path: 'virtual_hosts[0].rate_limits[0].actions[0].dynamic_metadata', message: /deprecated and refused by Envoy by default/ },
  { what: 'enum value disallowed by default', type: CLUSTER, obj: cluster({ eds_cluster_config: { eds_config: { api_config_source: { api_type: 'DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE' } } } }), path: 'eds_cluster_config.eds_config.api_config_source.api_type', message: /DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE is deprecated and refused by Envoy by default/ },
  { what: 'load assignment item null', type: CLA, obj: { cluster_name: 'c', endpoints: [null] }, path: 'endpoints[0]', message: /null item/ },
  { what: 'resource not an object', type: CLA, obj: 'cla', path: '', message: /expected an object/ },
];

describe('violations are reported with the field path', () => {
  it.each(cases)('$what', ({ type, obj, path, message }) => {
    const issues = validateMessage(type, obj);
    const hit = issues.find((i) => i.path === path && message.test(i.message));
    expect(hit, `issues: ${JSON.stringify(issues)}`).toBeDefined();
  });

  it('reports every problem of a resource, not only the first', () => {
    const obj = cluster({ name: '', connect_timeout: 'soon', lb_policy: 'FASTEST' });
    expect(paths(validateMessage(CLUSTER, obj)).sort()).toEqual(['connect_timeout', 'lb_policy', 'name']);
  });

  it('never quotes string values in messages (they may be secrets)', () => {
    const key = 'PRIVATE-KEY-MATERIAL';
    const obj = { name: 's', tls_certificate: { private_key: { inline_string: key, filename: key } }, validation_context: { verify_certificate_hash: [key] } };
    const issues = validateMessage(SECRET, obj);
    expect(issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(issues)).not.toContain(key);
  });

  it('names an unknown resource type instead of throwing', () => {
    expect(validateMessage('envoy.config.nope.v3.Nope', {})).toEqual([{ path: '', message: 'unknown message type envoy.config.nope.v3.Nope' }]);
  });
});

describe('encoded Anys and JSON forms', () => {
  it('accepts an already encoded Any and checks its content', async () => {
    const { encodeMessage } = await import('../../src/proto/codec.js');
    const name = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
    const good = encodeMessage(name, { stat_prefix: 'pg', cluster: 'c' });
    const bad = encodeMessage(name, { cluster: 'c' });
    const listener = (value: Uint8Array): unknown => ({ ...tcpListener, filter_chains: [{ filters: [{ name: 'tcp', typed_config: { type_url: `${T}${name}`, value } }] }] });
    expect(validateMessage(LISTENER, listener(good))).toEqual([]);
    expect(validateMessage(LISTENER, listener(bad))).toEqual([
      { path: 'filter_chains[0].filters[0].typed_config.stat_prefix', message: 'must be at least 1 character, got 0' },
    ]);
    expect(paths(validateMessage(LISTENER, listener(Uint8Array.from([0xff, 0xff]))))).toEqual(['filter_chains[0].filters[0].typed_config.value']);
  });

  it('accepts well-known types in both JSON-ish forms', () => {
    const forms = [
      { connect_timeout: { seconds: 1, nanos: 500_000_000 }, per_connection_buffer_limit_bytes: { value: 32768 } },
      { connect_timeout: '1.500s', per_connection_buffer_limit_bytes: 32768 },
      { connect_timeout: { seconds: '1' }, per_connection_buffer_limit_bytes: '32768' },
    ];
    for (const form of forms) expect(validateMessage(CLUSTER, cluster(form))).toEqual([]);
  });
});

describe('deprecatedFields', () => {
  it('lists deprecated fields and enum values in use', () => {
    const obj = cluster({ max_requests_per_connection: 3, http2_protocol_options: {} });
    expect(deprecatedFields(CLUSTER, obj).sort()).toEqual(['http2_protocol_options', 'max_requests_per_connection']);
    expect(deprecatedFields(ROUTE, routeConfig({}, { max_grpc_timeout: '1s' }))).toEqual(['virtual_hosts[0].routes[0].route.max_grpc_timeout']);
    const ads = { ads_config: { api_type: 'DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE' } };
    expect(deprecatedFields('envoy.config.bootstrap.v3.Bootstrap', { dynamic_resources: ads })).toEqual(['dynamic_resources.ads_config.api_type=DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE']);
  });

  it('finds none in the resources the translation is expected to write', () => {
    for (const [type, obj] of [[LISTENER, httpsListener()], [CLUSTER, cluster()], [ROUTE, routeConfig()], [CLA, cla]] as const) {
      expect(deprecatedFields(type, obj)).toEqual([]);
    }
  });
});
