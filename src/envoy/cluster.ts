// Clusters (CDS): one EDS cluster per expose, endpoints over ADS.
//
// Who owns which field, from weakest to strongest:
//   1. janitor defaults: connect_timeout 5s (Envoy's own default; the Python janitor's 0.25s was
//      too short across sites), ignore_health_on_host_removal true (v3 name of the Python
//      janitor's drain_connections_on_host_removal: an instance OpenSVC removed is dropped at once
//      even if it still answers health checks), and for TCP exposes one TCP health check
//      (timeout 5s, interval 10s, unhealthy_threshold 3, healthy_threshold 1). UDP clusters get
//      no health check; alt_stat_name, the cluster name without dots (see core.ts statName: Envoy
//      would otherwise tag cluster stats with the service path only; access logs show it as
//      %UPSTREAM_CLUSTER%, %UPSTREAM_CLUSTER_RAW% keeps the name);
//   2. `cluster_data` (the base the operator writes): overrides the defaults, adds any field;
//   3. the expose's own settings: lb_policy, upstream TLS when cluster_certificates or cluster_sni
//      is set, circuit breakers and outlier detection from their keywords (resilience.ts);
//   4. always the janitor's: name, type EDS, eds_cluster_config (ADS, v3). `cluster_data` fields
//      that would contradict them are dropped: cluster_type (oneof sibling of type) and
//      load_assignment (endpoints come from EDS).
import type { Expose } from '../model/types.js';
import { adsConfigSource, duration, statName, uint32Value } from './core.js';
import { constant } from '../proto/constant.js';
import { asJsonObject, deepMerge, isJsonObject, omit, type JsonObject, type JsonValue } from '../proto/json.js';
import { resilience } from './resilience.js';
import { upstreamTlsTransportSocket } from './tls.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** core.v3.HealthCheck: a plain TCP connect check. */
export function TcpHealthCheck(): JsonObject {
  return {
    timeout: duration(5000),
    interval: duration(10_000),
    unhealthy_threshold: uint32Value(3),
    healthy_threshold: uint32Value(1),
    tcp_health_check: {},
  };
}

/** The health checks of every TCP cluster, shared (a constant: checked and encoded once). */
const TCP_HEALTH_CHECKS = constant([TcpHealthCheck()]);

function clusterDefaults(expose: Expose): JsonObject {
  return {
    connect_timeout: duration(DEFAULT_CONNECT_TIMEOUT_MS),
    alt_stat_name: statName(expose.clusterName),
    ignore_health_on_host_removal: true,
    ...(expose.protocol === 'tcp' ? { health_checks: TCP_HEALTH_CHECKS } : {}),
  };
}

function exposeSettings(expose: Expose): JsonObject {
  const tls = expose.clusterCertificates.length > 0 || expose.upstreamSni !== undefined;
  return {
    lb_policy: expose.lbPolicy,
    ...(tls ? { transport_socket: upstreamTlsTransportSocket(expose.clusterCertificates, expose.upstreamSni) } : {}),
    ...resilience(expose),
  };
}

/** cluster.v3.Cluster of an expose, named `<service path>.<expose rid>`. */
export function Cluster(expose: Expose): JsonObject {
  const owned = {
    name: expose.clusterName,
    type: 'EDS',
    eds_cluster_config: { service_name: expose.clusterName, eds_config: adsConfigSource() },
  };
  if (expose.clusterData === undefined) return withDefaults(owned, clusterDefaults(expose), exposeSettings(expose));
  const base = omit(deepMerge(clusterDefaults(expose), asJsonObject(expose.clusterData)), ['name', 'type', 'cluster_type', 'eds_cluster_config', 'load_assignment']);
  return { ...owned, ...deepMerge(base, exposeSettings(expose)) };
}

/**
 * What `{ ...owned, ...deepMerge(defaults, settings) }` gives when no cluster_data is merged (every
 * service without one), built in place: the janitor's own keys, which none of the others repeat.
 */
function withDefaults(owned: JsonObject, defaults: JsonObject, settings: JsonObject): JsonObject {
  const out: Record<string, JsonValue> = { ...owned };
  for (const key of Object.keys(defaults)) out[key] = defaults[key] as JsonValue;
  for (const key of Object.keys(settings)) {
    const prev = out[key];
    const value = settings[key] as JsonValue;
    out[key] = isJsonObject(prev) && isJsonObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}
