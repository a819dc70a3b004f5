// The baseline's resources: per expose of a service, one EDS Cluster and one ClusterLoadAssignment
// (endpoints: each node's ip resources listing the expose, one locality per node, as the janitor
// writes them). Each is encoded once as a delta `Resource` (name, content-hash version, Any).
import { createHash } from 'node:crypto';
import { messageType } from '../../src/proto/root.js';
import type { Json } from './daemon.js';
import { frame } from './wire.js';

export const CLUSTER_URL = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const CLA_URL = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';

const CLUSTER = messageType('envoy.config.cluster.v3.Cluster');
const CLA = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');

/** One resource as a delta response carries it: the framed `Resource` message and its version. */
export interface Entry {
  readonly typeUrl: string;
  readonly name: string;
  readonly version: string;
  readonly framed: Buffer;
}

type Obj = { [key: string]: Json };
const obj = (v: Json | undefined): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined);

function entry(typeUrl: string, name: string, bytes: Uint8Array): Entry {
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const any = Buffer.concat([frame(1, typeUrl), frame(2, bytes)]);
  return { typeUrl, name, version, framed: Buffer.concat([frame(3, name), frame(1, version), frame(2, any)]) };
}

interface Endpoint {
  readonly address: string;
  readonly health: string;
}

/** node → the service's instance status on that node. */
function instances(status: Json, path: string): [string, Obj][] {
  const nodes = obj(obj(obj(status)?.['monitor'])?.['nodes']) ?? {};
  return Object.keys(nodes).sort().flatMap((node): [string, Obj][] => {
    const inst = obj(obj(obj(obj(nodes[node])?.['services'])?.['status'])?.[path]);
    return inst ? [[node, inst]] : [];
  });
}

function exposes(insts: [string, Obj][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, inst] of insts) {
    for (const [rid, res] of Object.entries(obj(inst['resources']) ?? {})) {
      const port = obj(obj(res)?.['info'])?.['port'];
      if (obj(res)?.['type'] === 'expose.envoy' && typeof port === 'number' && !out.has(rid)) out.set(rid, port);
    }
  }
  return out;
}

function endpointsOf(inst: Obj, rid: string): Endpoint[] {
  return Object.values(obj(inst['resources']) ?? {}).flatMap((value): Endpoint[] => {
    const res = obj(value);
    const type = res?.['type'];
    const info = obj(res?.['info']);
    const list = info?.['expose'];
    if (typeof type !== 'string' || !(type === 'ip' || type.startsWith('ip.')) || !Array.isArray(list) || !list.includes(rid)) return [];
    const address = info?.['ipaddr'];
    const health = res?.['status'] === 'up' ? 'HEALTHY' : res?.['status'] === 'down' ? 'UNHEALTHY' : 'UNKNOWN';
    return typeof address === 'string' ? [{ address, health }] : [];
  });
}

function encodeCla(name: string, port: number, insts: [string, Obj][], rid: string): Uint8Array {
  const endpoints = insts
    .map(([node, inst]) => ({ node, eps: endpointsOf(inst, rid) }))
    .filter((l) => l.eps.length > 0)
    .map(({ node, eps }) => ({
      locality: { sub_zone: node },
      load_balancing_weight: { value: 1 },
      lb_endpoints: eps.map((e) => ({
        endpoint: { address: { socket_address: { address: e.address, port_value: port } } },
        health_status: e.health,
        load_balancing_weight: { value: 1 },
      })),
    }));
  return CLA.encode(CLA.fromObject({ cluster_name: name, endpoints })).finish();
}

function encodeCluster(name: string): Uint8Array {
  return CLUSTER.encode(CLUSTER.fromObject({
    name, type: 'EDS', connect_timeout: { seconds: 5 },
    eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
  })).finish();
}

/** The Clusters and ClusterLoadAssignments of one service path (none when it is not a service). */
export function serviceEntries(status: Json, path: string): Entry[] {
  const insts = instances(status, path);
  const out: Entry[] = [];
  for (const [rid, port] of exposes(insts)) {
    const name = `${path}.${rid}`;
    out.push(entry(CLUSTER_URL, name, encodeCluster(name)), entry(CLA_URL, name, encodeCla(name, port, insts, rid)));
  }
  return out;
}

/** Every object path with an instance on some node. */
export function servicePaths(status: Json): string[] {
  const paths = new Set<string>();
  const nodes = obj(obj(obj(status)?.['monitor'])?.['nodes']) ?? {};
  for (const node of Object.values(nodes)) for (const path of Object.keys(obj(obj(obj(node)?.['services'])?.['status']) ?? {})) paths.add(path);
  return [...paths].sort();
}
