// Every field of a service's own JSON that names a cluster is found by type, wherever it sits, and
// must name a cluster of the service's namespace; one case per kind of field. The list of such
// fields is checked against the protos the package ships: a field whose name says "cluster" is a
// reference, a per-request choice, or one of the few listed below as naming none.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { CLUSTER_FIELDS, DYNAMIC_CLUSTER_FIELDS, clusterRefs } from '../../src/model/cluster-refs.js';
import { envoyRoot, extensionPackages, loadPackageOf } from '../../src/proto/root.js';
import { fails, HTTP, ROUTE, SVC, VHOST, build } from './support/build.js';

const T = 'type.googleapis.com/';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const UDP = 'envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig';
const X = 'other/svc/x.expose#0';
const filter = (type: string, config: object) => ({ http_filters: [{ name: 'f', typed_config: { '@type': `${T}${type}`, ...config } }] });
const tracer = (type: string, config: object) => ({ tracing: { provider: { name: 't', typed_config: { '@type': `${T}${type}`, ...config } } } });
const route = (action: object) => ({ route_config: { virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route: action }] }] } });

/** [kind, message the data is read as, data, path of the reference]. */
const KINDS: readonly (readonly [string, string, object, string])[] = [
  ['GrpcService envoy_grpc.cluster_name (ext_authz)', HCM, filter('envoy.extensions.filters.http.ext_authz.v3.ExtAuthz', { grpc_service: { envoy_grpc: { cluster_name: X } } }), 'http_filters[0].typed_config.grpc_service.envoy_grpc.cluster_name'],
  ['HttpUri.cluster (ext_authz http_service)', HCM, filter('envoy.extensions.filters.http.ext_authz.v3.ExtAuthz', { http_service: { server_uri: { uri: 'http://a', cluster: X, timeout: '1s' } } }), 'http_filters[0].typed_config.http_service.server_uri.cluster'],
  ['HttpUri.cluster (OAuth2 token endpoint)', HCM, filter('envoy.extensions.filters.http.oauth2.v3.OAuth2', { config: { token_endpoint: { uri: 'https://idp/token', cluster: X, timeout: '1s' } } }), 'http_filters[0].typed_config.config.token_endpoint.cluster'],
  ['ApiConfigSource.cluster_names (lrs_server)', CLUSTER, { lrs_server: { api_config_source: { api_type: 'REST', cluster_names: [X] } } }, 'lrs_server.api_config_source.cluster_names[0]'],
  ['RouteAction.cluster', HCM, route({ cluster: X }), 'route_config.virtual_hosts[0].routes[0].route.cluster'],
  ['RequestMirrorPolicy.cluster', HCM, route({ cluster: 'test/svc/web1.expose#0', request_mirror_policies: [{ cluster: X }] }), 'route_config.virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster'],
  ['WeightedCluster.ClusterWeight.name (route)', HCM, route({ weighted_clusters: { clusters: [{ name: X, weight: 1 }] } }), 'route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[0].name'],
  ['ZipkinConfig.collector_cluster', HCM, tracer('envoy.config.trace.v3.ZipkinConfig', { collector_cluster: X }), 'tracing.provider.typed_config.collector_cluster'],
  ['DatadogConfig.collector_cluster', HCM, tracer('envoy.config.trace.v3.DatadogConfig', { collector_cluster: X }), 'tracing.provider.typed_config.collector_cluster'],
  ['LightstepConfig.collector_cluster', HCM, tracer('envoy.config.trace.v3.LightstepConfig', { collector_cluster: X }), 'tracing.provider.typed_config.collector_cluster'],
  ['fluentd access log cluster', HCM, { access_log: [{ name: 'l', typed_config: { '@type': `${T}envoy.extensions.access_loggers.fluentd.v3.FluentdAccessLogConfig`, cluster: X } }] }, 'access_log[0].typed_config.cluster'],
  ['aggregate cluster clusters', CLUSTER, { cluster_type: { name: 'a', typed_config: { '@type': `${T}envoy.extensions.clusters.aggregate.v3.ClusterConfig`, clusters: [X] } } }, 'cluster_type.typed_config.clusters[0]'],
  ['gcp_authn cluster', HCM, filter('envoy.extensions.filters.http.gcp_authn.v3.GcpAuthnFilterConfig', { cluster: X }), 'http_filters[0].typed_config.cluster'],
  ['health_check filter cluster_min_healthy_percentages keys', HCM, filter('envoy.extensions.filters.http.health_check.v3.HealthCheck', { cluster_min_healthy_percentages: { [X]: { value: 50 } } }), `http_filters[0].typed_config.cluster_min_healthy_percentages[${JSON.stringify(X)}]`],
  ['TcpProxy.cluster', TCP, { cluster: X }, 'cluster'],
  ['TcpProxy weighted_clusters name', TCP, { weighted_clusters: { clusters: [{ name: X, weight: 1 }] } }, 'weighted_clusters.clusters[0].name'],
  ['udp_proxy Route.cluster (matcher action)', UDP, { matcher: { on_no_match: { action: { name: 'r', typed_config: { '@type': `${T}envoy.extensions.filters.udp.udp_proxy.v3.Route`, cluster: X } } } } }, 'matcher.on_no_match.action.typed_config.cluster'],
  ['UdpProxyConfig.cluster', UDP, { cluster: X }, 'cluster'],
  ['a GrpcService inside a TypedStruct', HCM, { http_filters: [{ name: 'f', typed_config: { '@type': `${T}xds.type.v3.TypedStruct`, type_url: `${T}envoy.extensions.filters.http.ext_authz.v3.ExtAuthz`, value: { grpcService: { envoyGrpc: { clusterName: X } } } } }] }, 'http_filters[0].typed_config.value.grpcService.envoyGrpc.clusterName'],
];

describe('cluster references, by type', () => {
  it.each(KINDS)('%s', (_kind, type, data, path) => {
    expect(clusterRefs(type, data).named.filter((r) => r.name === X)).toEqual([{ path, name: X }]);
  });

  it.each([
    ['redis prefix route, mirror, read command policy', 'envoy.extensions.filters.network.redis_proxy.v3.RedisProxy', { prefix_routes: { routes: [{ prefix: 'a', cluster: X, request_mirror_policy: [{ cluster: X }], read_command_policy: { cluster: X } }] } }, 3],
    ['thrift route, weighted, mirror', 'envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration', { routes: [{ match: { method_name: 'm' }, route: { cluster: X, request_mirror_policies: [{ cluster: X }] } }, { match: { method_name: 'n' }, route: { weighted_clusters: { clusters: [{ name: X, weight: 1 }] } } }] }, 3],
    ['dubbo route', 'envoy.extensions.filters.network.dubbo_proxy.v3.RouteConfiguration', { routes: [{ match: { method: { name: { exact: 'm' } } }, route: { cluster: X } }] }, 1],
    ['Lua cluster specifier default', 'envoy.extensions.router.cluster_specifiers.lua.v3.LuaConfig', { default_cluster: X }, 1],
    ['statsd sink', 'envoy.config.metrics.v3.StatsdSink', { tcp_cluster_name: X }, 1],
  ])('%s (messages no service JSON reaches today)', (_kind, type, data, count) => {
    expect(clusterRefs(type, data).named).toHaveLength(count);
  });

  it('finds the fields that pick a cluster per request', () => {
    const data = route({ cluster_header: 'x-cluster', request_mirror_policies: [{ cluster_header: 'x-mirror' }] });
    expect(clusterRefs(HCM, data).dynamic).toEqual(['route_config.virtual_hosts[0].routes[0].route.cluster_header', 'route_config.virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster_header']);
  });

  it('refuses a Zipkin collector of another namespace on the expose, and takes one of its own', () => {
    const zipkin = (cluster: string) => tracer('envoy.config.trace.v3.ZipkinConfig', { collector_cluster: cluster, collector_endpoint: '/api/v2/spans', collector_endpoint_version: 'HTTP_JSON' });
    const sections = (cluster: string) => ({ 'expose#0': ['expose.envoy', { ...HTTP, filter_config_data: zipkin(cluster) }], 'vhost#0': ['vhost.envoy', VHOST], 'route#0': ['route.envoy', ROUTE] }) as const;
    expect(fails(sections(X))).toEqual([expect.objectContaining({ service: SVC, section: 'expose#0', keyword: 'filter_config_data', reason: 'InvalidValue', value: X, message: expect.stringContaining('tracing.provider.typed_config.collector_cluster names the cluster "other/svc/x.expose#0"') })]);
    expect(build(sections('test/svc/zipkin.expose#0')).exposes[0]?.filterConfigData).toBeDefined();
  });
});

/** Fields named like a cluster reference that name none a service could send to. */
const NOT_REFERENCES: ReadonlySet<string> = new Set([
  'envoy.config.core.v3.Node.cluster', // the client's own identity
  'envoy.config.endpoint.v3.ClusterLoadAssignment.cluster_name', // the EDS resource itself (cluster_data's load_assignment is dropped)
  'envoy.config.bootstrap.v3.ClusterManager.local_cluster_name', // bootstrap only
  'envoy.extensions.filters.http.fault.v3.HTTPFault.upstream_cluster', // a match on the request's own cluster; sends nothing
]);

it('knows every field of the shipped v3 protos whose name says it names a cluster', () => {
  for (const p of extensionPackages()) loadPackageOf(`${p}.X`);
  for (const p of ['trace', 'core', 'route', 'accesslog', 'metrics', 'tap', 'ratelimit', 'bootstrap']) loadPackageOf(`envoy.config.${p}.v3.X`);
  const unknown: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const n of ns.nestedArray) {
      if (n instanceof protobuf.Type) {
        const name = n.fullName.slice(1);
        const current = name.startsWith('envoy.') && !/\.v2|v2alpha|v3alpha|\.admin\.|\.data\.|\.service\./.test(name);
        for (const f of current ? n.fieldsArray : []) {
          const known = CLUSTER_FIELDS[name]?.includes(f.name) === true || DYNAMIC_CLUSTER_FIELDS[name]?.includes(f.name) === true || NOT_REFERENCES.has(`${name}.${f.name}`);
          if (f.type === 'string' && f.name.includes('cluster') && !known) unknown.push(`${name}.${f.name}`);
        }
      }
      if ('nestedArray' in n) visit(n as protobuf.NamespaceBase);
    }
  };
  visit(envoyRoot());
  expect(unknown).toEqual([]);
});
