// Listener ports allocated by the janitor, for the file source: kept in memory (the file is the
// operator's, the janitor never rewrites it) and laid over every load, as long as the file still
// asks for an allocation (listener_port 0 or absent). Lost on restart, where the allocation is
// recomputed deterministically and gives the same port for the same file.
import type { ClusterState, InstanceState, ResourceState } from '../types.js';

export type PortOverrides = ReadonlyMap<string, ReadonlyMap<string, number>>;

function withPort(resource: ResourceState, port: number): ResourceState {
  const asked = resource.info['listener_port'];
  if (asked !== undefined && asked !== 0) return resource;
  return { ...resource, info: { ...resource.info, listener_port: port } };
}

function instanceWithPorts(instance: InstanceState, ports: ReadonlyMap<string, number>): InstanceState {
  const resources: Record<string, ResourceState> = { ...instance.resources };
  for (const [rid, port] of ports) {
    const resource = resources[rid];
    if (resource?.type.startsWith('expose')) resources[rid] = withPort(resource, port);
  }
  return { ...instance, resources };
}

export function applyPortOverrides(state: ClusterState, overrides: PortOverrides): ClusterState {
  if (overrides.size === 0) return state;
  const services = new Map(state.services);
  for (const [servicePath, ports] of overrides) {
    const service = services.get(servicePath);
    if (service) services.set(servicePath, { ...service, instances: service.instances.map((i) => instanceWithPorts(i, ports)) });
  }
  return { services };
}
