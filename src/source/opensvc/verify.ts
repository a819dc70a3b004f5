// Anti-entropy: the followed status compared with a fresh daemon_status. The followed state can drift
// from the daemon's own (seen live: a deleted service kept as an empty instance after a patch
// sequence). Differences are described (object path and what differs, never a value: the status
// holds no secret value anyway) and repaired path by path in the followed status.
import type { Logger } from 'pino';
import type { ClusterState, InstanceState, ServiceState } from '../types.js';
import { computeChange, configMarks, emptyTouched, isSecretPath, marksChanged, type Change } from './changes.js';
import { dig, isObject, type Json, type JsonObject } from './json.js';
import type { JsonDocument } from './patch.js';
import { allObjectPaths, liveNodes, serviceDeriver, sameService, type LiveClusterState } from './state.js';

export interface Difference {
  readonly path: string;
  readonly what: string;
}

export type CheckOutcome =
  /** The followed nodes are not the daemon's: only a full resync repairs that. */
  | { readonly kind: 'nodes differ' }
  /** `differences` found, each logged and repaired in the followed status and the live state. */
  | { readonly kind: 'compared'; readonly differences: number; readonly change: Change | undefined };

/**
 * Compare the followed status (`doc`, published as `live`) with a fresh one, `skip` aside (objects a
 * patch touched while the fresh status was in flight). Each difference is logged, then repaired.
 */
export function checkAgainst(doc: JsonDocument, live: LiveClusterState, fresh: Json, skip: ReadonlySet<string>, log: Logger): CheckOutcome {
  const here = nodeNames(doc.root);
  const there = nodeNames(fresh);
  if (here.join('\n') !== there.join('\n')) {
    log.warn({ here, daemon: there }, 'anti-entropy: the followed nodes differ from the daemon');
    return { kind: 'nodes differ' };
  }
  const found = differences(live, doc.root, fresh, skip);
  if (found.length === 0) {
    log.debug({ services: live.services.size }, 'anti-entropy: no difference');
    return { kind: 'compared', differences: 0, change: undefined };
  }
  const touched = emptyTouched();
  for (const d of found) {
    log.warn({ service: d.path, difference: d.what }, 'anti-entropy: the followed state differs from the daemon');
    touched.objects.add(d.path);
    if (isSecretPath(d.path)) touched.marks.set(d.path, configMarks(doc.root, d.path));
  }
  repair(doc, fresh, touched.objects);
  const change = computeChange(live, doc.root, touched);
  log.info({ differences: found.length, services: [...change.services], secrets: [...change.secrets] }, 'anti-entropy: repaired');
  return { kind: 'compared', differences: found.length, change };
}

/** The node names of a status, sorted. */
export function nodeNames(raw: Json): string[] {
  return liveNodes(raw).map(([name]) => name);
}

/** Objects whose state differs between the published state and a fresh status, `skip` aside. */
export function differences(published: ClusterState, raw: Json, fresh: Json, skip: ReadonlySet<string>): Difference[] {
  const paths = new Set([...published.services.keys(), ...allObjectPaths(raw), ...allObjectPaths(fresh)]);
  const out: Difference[] = [];
  const derive = serviceDeriver(fresh);
  for (const path of [...paths].sort()) {
    if (skip.has(path)) continue;
    const here = published.services.get(path);
    const there = derive(path);
    if (!sameService(here, there)) out.push({ path, what: describe(here, there) });
    else if (isSecretPath(path) && marksChanged(configMarks(raw, path), configMarks(fresh, path))) {
      out.push({ path, what: 'secret content changed (config updated/csum differ)' });
    }
  }
  return out;
}

function describe(here: ServiceState | undefined, there: ServiceState | undefined): string {
  if (!here) return 'known to the daemon, missing here';
  if (!there) return 'kept here, gone from the daemon';
  const nodes = new Set([...here.instances, ...there.instances].map((i) => i.node));
  const parts: string[] = [];
  for (const node of [...nodes].sort()) {
    const a = here.instances.find((i) => i.node === node);
    const b = there.instances.find((i) => i.node === node);
    if (!a || !b) parts.push(`instance on ${node} ${a ? 'kept here, gone from the daemon' : 'missing here'}`);
    else parts.push(...instanceDifference(node, a, b));
  }
  return parts.join('; ') || 'instances differ';
}

function instanceDifference(node: string, a: InstanceState, b: InstanceState): string[] {
  const rids = new Set([...Object.keys(a.resources), ...Object.keys(b.resources)]);
  const differing = [...rids].sort().filter((rid) => JSON.stringify(a.resources[rid]) !== JSON.stringify(b.resources[rid]));
  if (differing.length > 0) return [`${node}: ${differing.join(', ')} differ`];
  if (JSON.stringify(a) !== JSON.stringify(b)) return [`${node}: instance status differs`];
  return [];
}

type Mutable = Record<string, Json>;

/** Replace, in the followed status, every entry of these paths by the fresh status's (or delete it). */
export function repair(doc: JsonDocument, fresh: Json, paths: Iterable<string>): void {
  const nodes = nodeNames(fresh);
  for (const path of paths) {
    copyEntry(doc.root, fresh, ['monitor', 'services'], path);
    for (const node of nodes) {
      copyEntry(doc.root, fresh, ['monitor', 'nodes', node, 'services', 'status'], path);
      copyEntry(doc.root, fresh, ['monitor', 'nodes', node, 'services', 'config'], path);
    }
  }
}

function copyEntry(root: Json, fresh: Json, keys: readonly string[], path: string): void {
  const value = dig(fresh, [...keys, path]);
  const container = value === undefined ? dig(root, keys) : ensureObject(root, keys);
  if (!isObject(container)) return;
  if (value === undefined) delete (container as Mutable)[path];
  else setKey(container as Mutable, path, value);
}

/** `target[key] = value`, "__proto__" included as a plain key. */
function setKey(target: Mutable, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The object at `keys` in the followed status, made (or replaced, when not an object) on the way. */
function ensureObject(root: Json, keys: readonly string[]): JsonObject | undefined {
  if (!isObject(root)) return undefined;
  let cursor = root as Mutable;
  for (const key of keys) {
    const next = cursor[key];
    if (!isObject(next) || !Object.prototype.hasOwnProperty.call(cursor, key)) setKey(cursor, key, {});
    cursor = cursor[key] as Mutable;
  }
  return cursor;
}
