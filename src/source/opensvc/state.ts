// From the raw daemon_status (reference §3) to the source-neutral ClusterState: one ServiceState per
// object path (monitor.services keys and every monitor.nodes.<n>.services.status key), its instances
// sorted by node, `null` nodes skipped.
import type { ClusterState, InstanceState, ResourceState, ServiceState } from '../types.js';
import { dig, field, isArray, isObject, jsonEqual, type Json, type JsonObject } from './json.js';

const EMPTY: JsonObject = Object.freeze({});

/** `monitor.nodes` as [name, node object] pairs, sorted by name; `null` or malformed nodes skipped. */
export function liveNodes(raw: Json): [string, JsonObject][] {
  const nodes = dig(raw, ['monitor', 'nodes']);
  if (!isObject(nodes)) return [];
  const out: [string, JsonObject][] = [];
  for (const name of Object.keys(nodes).sort()) {
    const node = nodes[name];
    if (isObject(node)) out.push([name, node]);
  }
  return out;
}

/** Keys of `monitor.nodes.<node>.services.<section>` (section: status or config). */
export function nodeObjectPaths(raw: Json, node: string, section: 'status' | 'config'): string[] {
  const entries = dig(raw, ['monitor', 'nodes', node, 'services', section]);
  return isObject(entries) ? Object.keys(entries) : [];
}

/** Every object path the raw status knows: monitor.services keys and all instance status keys. */
export function allObjectPaths(raw: Json): Set<string> {
  const paths = new Set<string>();
  const services = dig(raw, ['monitor', 'services']);
  if (isObject(services)) for (const path of Object.keys(services)) paths.add(path);
  for (const [name] of liveNodes(raw)) for (const path of nodeObjectPaths(raw, name, 'status')) paths.add(path);
  return paths;
}

export function deriveClusterState(raw: Json): ClusterState {
  const services = new Map<string, ServiceState>();
  for (const path of [...allObjectPaths(raw)].sort()) {
    const service = deriveService(raw, path);
    if (service) services.set(path, service);
  }
  return { services };
}

/** The ServiceState of one path, or undefined when the cluster does not know it (any more). */
export function deriveService(raw: Json, path: string): ServiceState | undefined {
  const instances: InstanceState[] = [];
  for (const [name, node] of liveNodes(raw)) {
    const status = dig(node, ['services', 'status', path]);
    if (isObject(status)) instances.push(deriveInstance(name, status));
  }
  const listed = field(dig(raw, ['monitor', 'services']), path) !== undefined;
  if (instances.length === 0 && !listed) return undefined;
  return { path, instances };
}

function deriveInstance(node: string, status: JsonObject): InstanceState {
  const resources: Record<string, ResourceState> = {};
  const raw = status['resources'];
  if (isObject(raw)) {
    for (const [rid, res] of Object.entries(raw)) if (isObject(res)) resources[rid] = deriveResource(res);
  }
  const avail = status['avail'];
  const slaves = status['scaler_slaves'];
  return {
    node,
    ...(typeof avail === 'string' ? { avail } : {}),
    resources,
    ...(status['scaler_slave'] === true ? { scalerSlave: true } : {}),
    ...(isArray(slaves) ? { scalerSlaves: slaves.filter((s): s is string => typeof s === 'string') } : {}),
  };
}

function deriveResource(res: JsonObject): ResourceState {
  const { type, status, label, info } = res;
  return {
    type: typeof type === 'string' ? type : '',
    status: typeof status === 'string' ? status : 'undef',
    ...(typeof label === 'string' ? { label } : {}),
    info: isObject(info) ? info : EMPTY,
  };
}

/** Same content (what the janitor reads), whatever the object identity. */
export function sameService(a: ServiceState | undefined, b: ServiceState | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.instances.length !== b.instances.length) return false;
  return a.instances.every((inst, i) => jsonEqual(inst, b.instances[i]));
}

/**
 * Recompute only `paths` from the new raw status. Returns the previous ClusterState object itself
 * when none of them changed, so an unchanged state is cheap to recognise.
 */
export function updateClusterState(
  prev: ClusterState,
  raw: Json,
  paths: Iterable<string>,
): { state: ClusterState; changed: Set<string> } {
  const changed = new Set<string>();
  const next = new Map<string, ServiceState | undefined>();
  for (const path of paths) {
    const service = deriveService(raw, path);
    if (sameService(prev.services.get(path), service)) continue;
    changed.add(path);
    next.set(path, service);
  }
  if (changed.size === 0) return { state: prev, changed };
  const services = new Map(prev.services);
  let added = false;
  for (const [path, service] of next) {
    if (!service) services.delete(path);
    else {
      added ||= !services.has(path);
      services.set(path, service);
    }
  }
  const sorted = added ? new Map([...services].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : services;
  return { state: { services: sorted }, changed };
}
