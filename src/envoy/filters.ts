// Network, listener and HTTP filters (Listener.filter_chains[].filters, Listener.listener_filters).
//
// `filter_config_data` of an expose is deep-merged into the main filter's typed_config: the
// operator's values override the janitor's defaults (stat_prefix, codec_type, use_remote_address,
// normalize_path, merge_slashes, upgrade_configs, timeouts, access_log, ...), EXCEPT the fields
// that tie the filter to the rest of the configuration, which the janitor always owns:
//   tcp_proxy: `cluster`, unless filter_config_data brings `weighted_clusters` (a connection split
//     between clusters of the service's namespace: the model refuses other namespaces' clusters);
//   http_connection_manager: `rds` (siblings `route_config`, `scoped_routes` dropped), and the
//     router stays the last HTTP filter (appended when the operator's `http_filters` lack it);
//   udp_proxy: `matcher` (the deprecated sibling `cluster` dropped).
import { adsConfigSource, boolValue, MSG } from './core.js';
import { typedConfig } from './any.js';
import { constant } from '../proto/constant.js';
import { deepMerge, isJsonObject, omit, type JsonObject, type JsonValue } from '../proto/json.js';

export const FILTER = {
  tcpProxy: 'envoy.filters.network.tcp_proxy',
  httpConnectionManager: 'envoy.filters.network.http_connection_manager',
  router: 'envoy.filters.http.router',
  tlsInspector: 'envoy.filters.listener.tls_inspector',
  udpProxy: 'envoy.filters.udp_listener.udp_proxy',
} as const;

function filter(name: string, typeName: string, fields: JsonObject): JsonObject {
  return { name, typed_config: typedConfig(typeName, fields) };
}

/** The operator's data over the janitor's defaults, then the owned fields re-imposed. */
function configure(defaults: JsonObject, data: JsonObject, owned: JsonObject, oneofSiblings: readonly string[]): JsonObject {
  return { ...omit(deepMerge(defaults, data), oneofSiblings), ...owned };
}

/** envoy.filters.network.tcp_proxy to one cluster. */
export function tcpProxyFilter(statPrefix: string, cluster: string, data: JsonObject = {}): JsonObject {
  const split = isJsonObject(data['weighted_clusters']);
  const fields = configure({ stat_prefix: statPrefix }, data, split ? {} : { cluster }, split ? ['cluster'] : ['cluster', 'weighted_clusters']);
  return filter(FILTER.tcpProxy, MSG.tcpProxy, fields);
}

const ROUTER = constant(filter(FILTER.router, MSG.router, {}));

/** envoy.filters.http.router, always the last HTTP filter (one shared constant). */
export function routerHttpFilter(): JsonObject {
  return ROUTER;
}

/** The connection manager's defaults every service shares (constants: checked and encoded once). */
const HCM_SHARED = constant({
  http_filters: [ROUTER],
  upgrade_configs: [{ upgrade_type: 'websocket' }],
  http_protocol_options: { accept_http_10: true },
});

function withRouterLast(filters: JsonValue | undefined): JsonValue[] {
  const list = Array.isArray(filters) ? (filters as readonly JsonValue[]) : [];
  const others = list.filter((f) => !(isJsonObject(f) && f['name'] === FILTER.router));
  return [...others, list.find((f) => isJsonObject(f) && f['name'] === FILTER.router) ?? routerHttpFilter()];
}

/** envoy.filters.network.http_connection_manager with routes from RDS named `routeConfigName`. */
export function httpConnectionManagerFilter(statPrefix: string, routeConfigName: string, data: JsonObject = {}): JsonObject {
  const defaults: JsonObject = {
    stat_prefix: statPrefix,
    codec_type: 'AUTO',
    http_filters: HCM_SHARED['http_filters'] ?? [],
    upgrade_configs: HCM_SHARED['upgrade_configs'] ?? [],
    http_protocol_options: HCM_SHARED['http_protocol_options'] ?? {},
    use_remote_address: boolValue(true),
    // Envoy's edge-proxy advice: route on the normalised path (RFC 3986 `.`/`..` segments, and
    // `//` merged), so `/api/../admin` cannot reach a backend through the `/api` route.
    normalize_path: boolValue(true),
    merge_slashes: true,
  };
  // without operator data (most exposes), the defaults as they are
  const merged = Object.keys(data).length === 0 ? defaults : deepMerge(defaults, data);
  const owned: JsonObject = {
    rds: { config_source: adsConfigSource(), route_config_name: routeConfigName },
    // `Host: bank.test.` names bank.test: without this Envoy matches it as written, past the
    // virtual host of bank.test, into whatever wildcard (another namespace's) covers the dotted form
    strip_trailing_host_dot: true,
    http_filters: withRouterLast(merged['http_filters']),
  };
  return filter(FILTER.httpConnectionManager, MSG.httpConnectionManager, {
    ...omit(merged, ['rds', 'route_config', 'scoped_routes', 'http_filters', 'strip_trailing_host_dot']),
    ...owned,
  });
}

const TLS_INSPECTOR = constant(filter(FILTER.tlsInspector, MSG.tlsInspector, {}));

/** Listener filter that reads the SNI for filter_chain_match.server_names (one shared constant). */
export function tlsInspectorListenerFilter(): JsonObject {
  return TLS_INSPECTOR;
}

/**
 * envoy.filters.udp_listener.udp_proxy: every datagram to one cluster. The matcher is exactly what
 * Envoy builds from the deprecated `cluster` field (udp_proxy/router/router_impl.cc, RouterImpl):
 * on_no_match, an action named `route` whose typed_config is a udp_proxy.v3.Route; the action
 * factory is found by that type URL, the name is only a label.
 */
export function udpProxyListenerFilter(statPrefix: string, cluster: string, data: JsonObject = {}): JsonObject {
  const matcher: JsonObject = {
    on_no_match: { action: { name: 'route', typed_config: typedConfig(MSG.udpRoute, { cluster }) } },
  };
  const fields = configure({ stat_prefix: statPrefix }, data, { matcher }, ['cluster', 'matcher']);
  return filter(FILTER.udpProxy, MSG.udpProxy, fields);
}
