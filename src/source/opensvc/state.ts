// From the raw daemon_status (reference §3) to the source-neutral ClusterState: one ServiceState per
// object path (monitor.services keys and every monitor.nodes.<n>.services.status key), its instances
// sorted by node, `null` nodes skipped.
//
// The raw status is changed in place by patches, so a ServiceState never shares an object with it:
// `info` is copied when derived. A ServiceState, once made, is never changed: a change replaces it.
//
// An instance entry with no resources, no scaler slaves and no config entry on its node is not an
// instance (seen live: a patch sequence can leave `services.status.<path>` as a bare shell after the
// object was deleted); an object with no instance left and no `monitor.services` entry is absent.
import type { ClusterState, InstanceState, ResourceState, ServiceState } from '../types.js';
import { dig, field, isArray, isObject, jsonEqual, type Json, type JsonObject } from './json.js';

const EMPTY: JsonObject = Object.freeze({});

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

/** The ServiceState of one path, or undefined when the cluster does not know it (any more). */
export function deriveService(raw: Json, path: string): ServiceState | undefined {
  return deriveFrom(sourcesOf(raw), path);
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
    info: isObject(info) ? copyJson(info) : EMPTY,
  };
}

/** A deep copy of JSON data (what is derived must not move when the raw status is patched). */
function copyJson<T extends Json>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (isArray(value)) return value.map(copyJson) as unknown as T;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    const v = copyJson((value as JsonObject)[key] as Json);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
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
  for (const path of paths) {
    const before = live.services.get(path);
    const after = deriveService(raw, path);
    if (sameService(before, after)) continue;
    if (after) live.services.set(path, after);
    else live.services.delete(path);
    deltas.push({ path, before, after });
  }
  return deltas;
}
