// The clusters a service's own JSON (cluster_data, filter_config_data) names. A cluster carries
// its service's upstream settings, its client certificate included: traffic (or a token request,
// a trace, an access log) sent to another tenant's cluster would reach that tenant's backends as
// that tenant. Every field that names a cluster is found by type, through Anys and TypedStructs
// (src/proto/walk.ts), and must name a cluster of the service's own namespace
// (`<namespace>/svc/<name>.<expose rid>`). Fields that choose a cluster per request (from a
// header) cannot be checked and are refused.
import { findMessageType } from '../proto/root.js';
import { walkTyped } from '../proto/walk.js';
import { nameOf } from '../proto/wkt.js';
import { splitPath } from './names.js';
import { show } from './problems.js';
import type { SectionReader } from './scope.js';
import type { NamedRef } from './secret-refs.js';

/** Fields that name a cluster, by message (strings, lists of strings, or the keys of a map). */
export const CLUSTER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.core.v3.GrpcService.EnvoyGrpc': ['cluster_name'],
  'envoy.config.core.v3.HttpUri': ['cluster'],
  'envoy.config.core.v3.ApiConfigSource': ['cluster_names'],
  'envoy.config.route.v3.RouteAction': ['cluster'],
  'envoy.config.route.v3.RouteAction.RequestMirrorPolicy': ['cluster'],
  'envoy.config.route.v3.WeightedCluster.ClusterWeight': ['name'],
  'envoy.config.trace.v3.ZipkinConfig': ['collector_cluster'],
  'envoy.config.trace.v3.DatadogConfig': ['collector_cluster'],
  'envoy.config.trace.v3.LightstepConfig': ['collector_cluster'],
  'envoy.extensions.access_loggers.fluentd.v3.FluentdAccessLogConfig': ['cluster'],
  'envoy.extensions.clusters.aggregate.v3.ClusterConfig': ['clusters'],
  'envoy.extensions.filters.http.gcp_authn.v3.GcpAuthnFilterConfig': ['cluster'],
  'envoy.extensions.filters.http.health_check.v3.HealthCheck': ['cluster_min_healthy_percentages'],
  'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': ['cluster'],
  'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight': ['name'],
  'envoy.extensions.filters.udp.udp_proxy.v3.Route': ['cluster'],
  'envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig': ['cluster'],
  'envoy.extensions.filters.network.redis_proxy.v3.RedisProxy.PrefixRoutes.Route': ['cluster'],
  'envoy.extensions.filters.network.redis_proxy.v3.RedisProxy.PrefixRoutes.Route.RequestMirrorPolicy': ['cluster'],
  'envoy.extensions.filters.network.redis_proxy.v3.RedisProxy.PrefixRoutes.Route.ReadCommandPolicy': ['cluster'],
  'envoy.extensions.filters.network.thrift_proxy.v3.RouteAction': ['cluster'],
  'envoy.extensions.filters.network.thrift_proxy.v3.RouteAction.RequestMirrorPolicy': ['cluster'],
  'envoy.extensions.filters.network.thrift_proxy.v3.WeightedCluster.ClusterWeight': ['name'],
  'envoy.extensions.filters.network.dubbo_proxy.v3.RouteAction': ['cluster'],
  'envoy.extensions.router.cluster_specifiers.lua.v3.LuaConfig': ['default_cluster'],
  'envoy.config.metrics.v3.StatsdSink': ['tcp_cluster_name'],
};

/** Fields that choose a cluster per request, out of any check, by message. */
export const DYNAMIC_CLUSTER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.route.v3.RouteAction': ['cluster_header', 'cluster_specifier_plugin', 'inline_cluster_specifier_plugin'],
  'envoy.config.route.v3.RouteAction.RequestMirrorPolicy': ['cluster_header'],
  'envoy.config.route.v3.WeightedCluster': ['header_name'],
  'envoy.config.route.v3.WeightedCluster.ClusterWeight': ['cluster_header'],
  'envoy.extensions.filters.network.thrift_proxy.v3.RouteAction': ['cluster_header'],
};

export interface ClusterRefs {
  readonly named: readonly NamedRef[];
  /** Paths of fields that choose a cluster per request. */
  readonly dynamic: readonly string[];
}

function namesIn(value: unknown, isMap: boolean, path: string): NamedRef[] {
  if (typeof value === 'string') return [{ path, name: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => (typeof v === 'string' ? [{ path: `${path}[${i}]`, name: v }] : []));
  if (isMap && typeof value === 'object' && value !== null) return Object.keys(value).map((k) => ({ path: `${path}[${JSON.stringify(k)}]`, name: k }));
  return [];
}

/** Every cluster `data` (read as a `typeName` message) names, and every field that picks one per request. */
export function clusterRefs(typeName: string, data: unknown): ClusterRefs {
  const type = findMessageType(typeName);
  const named: NamedRef[] = [];
  const dynamic: string[] = [];
  if (type === undefined) return { named, dynamic };
  walkTyped(type, data, {
    field: ({ type: owner, field, value, path }) => {
      const message = nameOf(owner).slice(1);
      if (CLUSTER_FIELDS[message]?.includes(field.name) === true) named.push(...namesIn(value, field.map, path));
      else if (DYNAMIC_CLUSTER_FIELDS[message]?.includes(field.name) === true) dynamic.push(path);
    },
  });
  return { named, dynamic };
}

function ownCluster(name: string, namespace: string): boolean {
  const dot = name.indexOf('.');
  if (dot <= 0) return false;
  const owner = splitPath(name.slice(0, dot));
  return owner.kind === 'svc' && owner.namespace === namespace;
}

/** Refuse, on `kw`, every cluster the data sends anything to that is not of the service's namespace. */
export function checkClusterRefs(r: SectionReader, kw: string, typeName: string, data: Readonly<Record<string, unknown>> | undefined, ctx: { readonly namespace: string }): void {
  if (data === undefined) return;
  const refs = clusterRefs(typeName, data);
  for (const ref of refs.named) {
    if (ownCluster(ref.name, ctx.namespace)) continue;
    r.report(kw, 'InvalidValue', `${kw} ${ref.path} names the cluster ${show(ref.name)}, which is not a cluster of namespace ${ctx.namespace}: a service may send traffic only to clusters of its own namespace (<namespace>/svc/<name>.<expose rid>).`, ref.name);
  }
  for (const path of refs.dynamic) {
    r.report(kw, 'NotAllowed', `${kw} ${path} would choose the cluster per request, which could be any namespace's: name a cluster of namespace ${ctx.namespace} instead.`);
  }
}
