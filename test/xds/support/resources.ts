// Small Envoy resources for the engine tests, built with the protobufjs types and encoded once.
import { messageType } from '../../../src/proto/root.js';
import { TYPE, type EncodedResource, type TypeUrl } from '../../../src/xds/types.js';

function encode(fullName: string, obj: Record<string, unknown>): Uint8Array {
  const t = messageType(fullName);
  const msg = t.fromObject(obj);
  const err = t.verify(msg);
  if (err) throw new Error(`${fullName}: ${err}`);
  return t.encode(msg).finish();
}

function any(fullName: string, obj: Record<string, unknown>): { type_url: string; value: Uint8Array } {
  return { type_url: `type.googleapis.com/${fullName}`, value: encode(fullName, obj) };
}

const ADS_SOURCE = { ads: {}, resource_api_version: 'V3' };

export function cluster(name: string, connectTimeoutSeconds = 1): EncodedResource {
  return {
    typeUrl: TYPE.cluster,
    name,
    bytes: encode('envoy.config.cluster.v3.Cluster', {
      name,
      type: 'EDS',
      eds_cluster_config: { eds_config: ADS_SOURCE, service_name: name },
      connect_timeout: { seconds: connectTimeoutSeconds },
      lb_policy: 'ROUND_ROBIN',
    }),
  };
}

export interface Backend {
  readonly host: string;
  readonly port: number;
}

/** A ClusterLoadAssignment; `locality: false` builds the one grpc-js-xds rejects. */
export function cla(name: string, backends: readonly Backend[], opts: { locality?: boolean } = {}): EncodedResource {
  const group: Record<string, unknown> = {
    load_balancing_weight: { value: 1 },
    lb_endpoints: backends.map((b) => ({
      endpoint: { address: { socket_address: { address: b.host, port_value: b.port } } },
      load_balancing_weight: { value: 1 },
    })),
  };
  if (opts.locality !== false) group.locality = { region: 'test', zone: 'test', sub_zone: 'node1' };
  return {
    typeUrl: TYPE.endpoint,
    name,
    bytes: encode('envoy.config.endpoint.v3.ClusterLoadAssignment', { cluster_name: name, endpoints: [group] }),
  };
}

/** A gRPC-style API listener: HttpConnectionManager with RDS over ADS. */
export function apiListener(name: string, routeConfigName: string): EncodedResource {
  const hcm = any('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
    stat_prefix: name,
    rds: { config_source: ADS_SOURCE, route_config_name: routeConfigName },
    http_filters: [{ name: 'router', typed_config: any('envoy.extensions.filters.http.router.v3.Router', {}) }],
  });
  return {
    typeUrl: TYPE.listener,
    name,
    bytes: encode('envoy.config.listener.v3.Listener', { name, api_listener: { api_listener: hcm } }),
  };
}

export function listener(name: string, port = 10000): EncodedResource {
  return {
    typeUrl: TYPE.listener,
    name,
    bytes: encode('envoy.config.listener.v3.Listener', {
      name,
      address: { socket_address: { address: '0.0.0.0', port_value: port } },
    }),
  };
}

export function routeConfig(name: string, clusterName: string, domain = '*'): EncodedResource {
  return {
    typeUrl: TYPE.route,
    name,
    bytes: encode('envoy.config.route.v3.RouteConfiguration', {
      name,
      virtual_hosts: [{ name: 'vh', domains: [domain], routes: [{ match: { prefix: '' }, route: { cluster: clusterName } }] }],
    }),
  };
}

export function secret(name: string, value: string): EncodedResource {
  return {
    typeUrl: TYPE.secret,
    name,
    bytes: encode('envoy.extensions.transport_sockets.tls.v3.Secret', {
      name,
      generic_secret: { secret: { inline_string: value } },
    }),
  };
}

export const removal = (typeUrl: TypeUrl, name: string) => ({ typeUrl, name });

/** The names of a response's resources, in order. */
export const names = (r: { resources: readonly { name: string }[] }) => r.resources.map((x) => x.name);

/** One endpoint on port 80. */
export const ep = (host: string) => [{ host, port: 80 }];
