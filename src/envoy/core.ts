// Small envoy.config.core.v3 building blocks shared by every message family.
import type { DataSource, ListenerAddress, Protocol } from '../model/types.js';
import { constant } from '../proto/constant.js';
import type { JsonObject } from '../proto/json.js';

/** Full message names the translators emit (type URLs are `type.googleapis.com/` + these). */
export const MSG = {
  listener: 'envoy.config.listener.v3.Listener',
  filterChain: 'envoy.config.listener.v3.FilterChain',
  routeConfiguration: 'envoy.config.route.v3.RouteConfiguration',
  virtualHost: 'envoy.config.route.v3.VirtualHost',
  route: 'envoy.config.route.v3.Route',
  cluster: 'envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'envoy.extensions.transport_sockets.tls.v3.Secret',
  tcpProxy: 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  httpConnectionManager: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'envoy.extensions.filters.http.router.v3.Router',
  tlsInspector: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  udpProxy: 'envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig',
  udpRoute: 'envoy.extensions.filters.udp.udp_proxy.v3.Route',
  downstreamTlsContext: 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  upstreamTlsContext: 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
} as const;

/** core.v3.SocketAddress in an Address. TCP is the proto default and is not written. */
export function address(host: string, port: number, protocol: Protocol): JsonObject {
  const socket: JsonObject = { address: host, port_value: port };
  return { socket_address: protocol === 'udp' ? { protocol: 'UDP', ...socket } : socket };
}

/**
 * A listener's address. `::` is written without ipv4_compat: Envoy then binds it IPv6-only
 * (IPV6_V6ONLY), so `[::]:443` and `0.0.0.0:443` are two listeners that coexist, as the model
 * names them; with ipv4_compat the second bind would fail.
 */
export function listenerAddress(listener: ListenerAddress): JsonObject {
  return address(listener.address, listener.port, listener.protocol);
}

/**
 * A resource name as a stat name: dots become `_`. Envoy's default tag extraction cuts a
 * stat_prefix or cluster name at its first dot (`^cluster\.((.*?)\.)`, `^tcp\.((.*?)\.)`,
 * `^http\.((.*?)\.)` in source/common/config/well_known_names.cc), so `test/svc/web1.expose#1`
 * would give the tag `test/svc/web1` and one metric family per expose rid.
 */
export function statName(name: string): string {
  return name.replace(/\./g, '_');
}

/**
 * Small values every service repeats (timeouts, weights, flags, the config source) are shared
 * constants (src/proto/constant.ts): checked and encoded once. At most SHARED of each kind.
 */
const SHARED = 4096;
const durations = new Map<number, JsonObject>();
const uint32s = new Map<number, JsonObject>();

function shared(cache: Map<number, JsonObject>, key: number, make: () => JsonObject): JsonObject {
  let value = cache.get(key);
  if (value === undefined) {
    value = constant(make());
    if (cache.size < SHARED) cache.set(key, value);
  }
  return value;
}

/** google.protobuf.Duration from milliseconds. */
export function duration(ms: number): JsonObject {
  return shared(durations, ms, (): JsonObject => {
    const seconds = Math.floor(ms / 1000);
    const nanos = Math.round((ms - seconds * 1000) * 1e6);
    return nanos === 0 ? { seconds } : { seconds, nanos };
  });
}

const BOOLS = { true: constant({ value: true }), false: constant({ value: false }) } as const;

export function boolValue(value: boolean): JsonObject {
  return value ? BOOLS.true : BOOLS.false;
}

export function uint32Value(value: number): JsonObject {
  return shared(uint32s, value, () => ({ value }));
}

const ADS = constant({ ads: {}, resource_api_version: 'V3' });

/** Everything the janitor serves comes over the one ADS stream, v3. */
export function adsConfigSource(): JsonObject {
  return ADS;
}

/** tls.v3.SdsSecretConfig fetched over ADS. */
export function sdsSecretConfig(name: string): JsonObject {
  return { name, sds_config: adsConfigSource() };
}

/** core.v3.DataSource. */
export function dataSource(source: DataSource): JsonObject {
  return 'inline' in source ? { inline_string: source.inline } : { filename: source.filename };
}
