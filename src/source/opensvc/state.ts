// From the raw daemon_status (reference §3) to the source-neutral ClusterState: one ServiceState per
// object path (monitor.services keys and every monitor.nodes.<n>.services.status key), its instances
// sorted by node, `null` nodes skipped.
//
// The raw status is changed in place by patches; a ServiceState shares only the resources' `info`
// objects with it, which patches never change in place (patch.ts copies an `info` object, and what
// it holds on the way, before writing into it: see sharedFrom). A ServiceState, once made, is never
// changed: a change replaces it.
//
// An instance entry with no resources, no scaler slaves and no config entry on its node is not an
// instance (seen live: a patch sequence can leave `services.status.<path>` as a bare shell after the
// object was deleted); an object with no instance left and no `monitor.services` entry is absent.
import type { ClusterState, InstanceState, ResourceState, ServiceState } from '../types.js';
import { dig, field, isArray, isObject, jsonEqual, type Json, type JsonObject } from './json.js';

const EMPTY: JsonObject = Object.freeze({});

/** Where a resource's `info` sits in the raw status: monitor.nodes.<n>.services.status.<path>.resources.<rid>.info. */
const INFO_AT = 8;

/**
 * The index in a patch path from which the containers it walks are shared with derived states
 * (an `info` object and everything in it), or -1 when none is: a patch copies those before
 * writing into them, so a ServiceState never sees the raw status change under it.
 */
export function sharedFrom(path: readonly (string | number)[]): number {
  const at = path[0] === 'monitor' && path[1] === 'nodes' && path[3] === 'services' && path[4] === 'status' && path[6] === 'resources' && path[INFO_AT] === 'info';
  return at ? INFO_AT : -1;
}

/** The ClusterState the follower hands out and updates in place (the map is the live view). */
export interface LiveClusterState extends ClusterState {
  readonly services: Map<string, ServiceState>;
}

/** One replaced entry of a live ClusterState: what it was and what it is now (undefined: absent). */
export interface ServiceDelta {
  readonly path: string;
  readonly before: ServiceState | undefined;
  readonly after: ServiceState | undefined;
}

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

/** What deriving a service reads of the raw status, looked up once for many services. */
interface Sources {
  /** Per live node, sorted by name: its `services.status` and `services.config` objects. */
  readonly nodes: readonly (readonly [name: string, status: Json | undefined, config: Json | undefined])[];
  /** `monitor.services`. */
  readonly listed: Json | undefined;
}

function sourcesOf(raw: Json): Sources {
  const nodes = liveNodes(raw).map(([name, node]) => [name, dig(node, ['services', 'status']), dig(node, ['services', 'config'])] as const);
  return { nodes, listed: dig(raw, ['monitor', 'services']) };
}

export function deriveClusterState(raw: Json): LiveClusterState {
  const services = new Map<string, ServiceState>();
  const sources = sourcesOf(raw);
  for (const path of [...allObjectPaths(raw)].sort()) {
    const service = deriveFrom(sources, path);
    if (service) services.set(path, service);
  }
  return { services };
}

/**
 * The ServiceState of a path, or undefined when the cluster does not know it (any more): the raw
 * status is looked up once, at the first path asked, for every path asked.
 */
export function serviceDeriver(raw: Json): (path: string) => ServiceState | undefined {
  let sources: Sources | undefined;
  return (path) => deriveFrom((sources ??= sourcesOf(raw)), path);
}

function deriveFrom(sources: Sources, path: string): ServiceState | undefined {
  const instances: InstanceState[] = [];
  for (const [name, statuses, configs] of sources.nodes) {
    const status = field(statuses, path);
    if (isObject(status) && isInstance(status, field(configs, path))) instances.push(deriveInstance(name, status));
  }
  const listed = field(sources.listed, path) !== undefined;
  if (instances.length === 0 && !listed) return undefined;
  return { path, instances };
}

function isInstance(status: JsonObject, config: Json | undefined): boolean {
  const resources = status['resources'];
  if (isObject(resources) && Object.keys(resources).length > 0) return true;
  return isArray(status['scaler_slaves']) || config !== undefined;
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
    // shared with the raw status, not copied: patches copy it before changing it (sharedFrom)
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
 * Derive `paths` again from the raw status and replace, in the live state, the entries that changed
 * (added, replaced or deleted). Unchanged services keep their ServiceState object. Work
 * proportional to `paths`, never to the cluster.
 */
export function updateServices(live: LiveClusterState, raw: Json, paths: Iterable<string>): ServiceDelta[] {
  const deltas: ServiceDelta[] = [];
  const derive = serviceDeriver(raw);
  for (const path of paths) {
    const before = live.services.get(path);
    const after = derive(path);
    if (sameService(before, after)) continue;
    if (after) live.services.set(path, after);
    else live.services.delete(path);
    deltas.push({ path, before, after });
  }
  return deltas;
}
