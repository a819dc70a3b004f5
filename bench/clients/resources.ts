// What a client reads inside resources, as Envoy does: the EDS name of a Cluster, the route
// configurations and secrets a Listener (or a Cluster's TLS) names, the endpoints of a
// ClusterLoadAssignment. Listeners and Clusters are decoded once per (name, version) per process:
// every client of the process receives the same bytes.
import { messageType } from '../../src/proto/root.js';

export interface References {
  /** EDS service name (Clusters of type EDS). */
  readonly eds?: string;
  readonly routes: readonly string[];
  readonly secrets: readonly string[];
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

const LISTENER = messageType('envoy.config.listener.v3.Listener');
const CLUSTER = messageType('envoy.config.cluster.v3.Cluster');
const CLA = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');

/** Walk a decoded message (Anys unpacked) and collect RDS and SDS names. */
function collect(value: unknown, routes: Set<string>, secrets: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, routes, secrets);
    return;
  }
  if (!isPlain(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'route_config_name' && typeof child === 'string') routes.add(child);
    else if (key.endsWith('sds_secret_configs') && Array.isArray(child)) {
      for (const c of child) if (isPlain(c) && typeof c['name'] === 'string') secrets.add(c['name']);
    } else if (key.endsWith('sds_secret_config') && isPlain(child) && typeof child['name'] === 'string') {
      secrets.add(child['name']);
    } else collect(child, routes, secrets);
  }
}

const memo = new Map<string, References>();

function references(kind: 'listener' | 'cluster', name: string, version: string, bytes: Uint8Array): References {
  const key = `${kind}\0${name}\0${version}`;
  const known = memo.get(key);
  if (known) return known;
  const type = kind === 'listener' ? LISTENER : CLUSTER;
  const object = type.toObject(type.decode(bytes), { json: true, enums: String }) as Plain;
  const routes = new Set<string>();
  const secrets = new Set<string>();
  collect(object, routes, secrets);
  const eds = kind === 'cluster' && object['type'] === 'EDS' ? edsName(object, name) : undefined;
  const refs: References = { ...(eds !== undefined ? { eds } : {}), routes: [...routes], secrets: [...secrets] };
  memo.set(key, refs);
  return refs;
}

function edsName(cluster: Plain, name: string): string {
  const config = cluster['eds_cluster_config'];
  const service = isPlain(config) ? config['service_name'] : undefined;
  return typeof service === 'string' && service !== '' ? service : name;
}

export const listenerReferences = (name: string, version: string, bytes: Uint8Array): References => references('listener', name, version, bytes);
export const clusterReferences = (name: string, version: string, bytes: Uint8Array): References => references('cluster', name, version, bytes);

interface ClaObject {
  endpoints?: { lb_endpoints?: { health_status?: string; endpoint?: { address?: { socket_address?: { address?: string; port_value?: number } } } }[] }[];
}

/** The endpoints of a ClusterLoadAssignment as sorted `address:port:HEALTH` strings. */
export function claEndpoints(bytes: Uint8Array): string[] {
  return decodeEndpoints(bytes);
}

const endpointMemo = new Map<string, string[]>();

/** claEndpoints, decoded once per (name, version) per process: every client gets the same bytes. */
export function claEndpointsOf(name: string, version: string, bytes: Uint8Array): string[] {
  const key = `${name}\0${version}`;
  let endpoints = endpointMemo.get(key);
  if (!endpoints) {
    if (endpointMemo.size > 100_000) endpointMemo.clear();
    endpoints = decodeEndpoints(bytes);
    endpointMemo.set(key, endpoints);
  }
  return endpoints;
}

function decodeEndpoints(bytes: Uint8Array): string[] {
  const cla = CLA.toObject(CLA.decode(bytes), { enums: String }) as ClaObject;
  const out: string[] = [];
  for (const locality of cla.endpoints ?? []) {
    for (const lb of locality.lb_endpoints ?? []) {
      const socket = lb.endpoint?.address?.socket_address;
      out.push(`${socket?.address ?? '?'}:${socket?.port_value ?? 0}:${lb.health_status ?? 'UNKNOWN'}`);
    }
  }
  return out.sort();
}

/** True when the endpoints hold this address (and health status, if given). */
export function hasEndpoint(endpoints: readonly string[], address: string, health?: string): boolean {
  return endpoints.some((e) => e.startsWith(`${address}:`) && (health === undefined || e.endsWith(`:${health}`)));
}
