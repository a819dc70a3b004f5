// ClusterLoadAssignments (EDS): one per expose, one locality per OpenSVC node.
import type { Endpoint, Expose } from '../model/types.js';
import { address, uint32Value } from './core.js';
import { constant } from '../proto/constant.js';
import { byName, type JsonObject } from '../proto/json.js';

/** endpoint.v3.LbEndpoint. */
export function LbEndpoint(endpoint: Endpoint, protocol: Expose['protocol']): JsonObject {
  return {
    endpoint: { address: address(endpoint.address, endpoint.port, protocol) },
    health_status: endpoint.health,
    load_balancing_weight: uint32Value(1),
  };
}

function endpointKey(e: Endpoint): string {
  return `${e.address}\u0000${String(e.port).padStart(5, '0')}`;
}

/** The locality of a node's endpoints, shared by every assignment (a constant: checked and encoded once); at most 4096 nodes kept. */
const localities = new Map<string, JsonObject>();
function locality(node: string): JsonObject {
  let value = localities.get(node);
  if (value === undefined) {
    value = constant({ region: '', zone: '', sub_zone: node });
    if (localities.size < 4096) localities.set(node, value);
  }
  return value;
}

/**
 * endpoint.v3.LocalityLbEndpoints of one node. The locality is always set (the gRPC xDS client
 * NACKs an assignment without one), the node being the sub-zone.
 */
export function LocalityLbEndpoints(node: string, endpoints: readonly Endpoint[], protocol: Expose['protocol']): JsonObject {
  const sorted = [...endpoints].sort(byName(endpointKey));
  return {
    locality: locality(node),
    lb_endpoints: sorted.map((e) => LbEndpoint(e, protocol)),
    load_balancing_weight: uint32Value(1),
  };
}

/** endpoint.v3.ClusterLoadAssignment of an expose's cluster; no endpoints gives an assignment with no `endpoints`. */
export function ClusterLoadAssignment(clusterName: string, protocol: Expose['protocol'], endpoints: readonly Endpoint[]): JsonObject {
  const byNode = new Map<string, Endpoint[]>();
  for (const e of endpoints) {
    const list = byNode.get(e.node);
    if (list) list.push(e);
    else byNode.set(e.node, [e]);
  }
  const nodes = [...byNode.keys()].sort();
  const localities = nodes.map((node) => LocalityLbEndpoints(node, byNode.get(node) ?? [], protocol));
  return { cluster_name: clusterName, ...(localities.length > 0 ? { endpoints: localities } : {}) };
}
