// Which services and secrets a patch changed. Not guessed from path shapes (the Python janitor missed
// new resources, expose list edits and node removal that way): the stanza paths only say which
// objects to look at, and the answer comes from comparing their derived state before and after.
import type { ClusterState, ServiceState } from '../types.js';
import { dig, isObject, jsonEqual, type Json } from './json.js';
import type { Stanza } from './patch.js';
import { allObjectPaths, liveNodes, nodeObjectPaths, updateClusterState } from './state.js';

export interface Change {
  readonly state: ClusterState;
  readonly services: ReadonlySet<string>;
  readonly secrets: ReadonlySet<string>;
}

interface Touched {
  /** Object paths whose ServiceState may have changed. */
  readonly objects: Set<string>;
  /** Object paths whose services.config entry may have changed (secret content signal). */
  readonly configs: Set<string>;
}

export function computeChange(prev: ClusterState, before: Json, after: Json, stanzas: readonly Stanza[]): Change {
  const touched: Touched = { objects: new Set(), configs: new Set() };
  for (const stanza of stanzas) touch(touched, stanza[0], before, after);
  const { state, changed } = updateClusterState(prev, after, touched.objects);
  const secrets = new Set<string>();
  for (const path of touched.configs) {
    if (isSecretPath(path) && secretContentChanged(before, after, path)) secrets.add(path);
  }
  const services = new Set<string>();
  for (const path of changed) {
    if (isSecretPath(path) && prev.services.has(path) !== state.services.has(path)) secrets.add(path);
    services.add(scalerOf(state.services.get(path) ?? prev.services.get(path)) ?? path);
  }
  return { state, services, secrets };
}

function touch(touched: Touched, path: readonly (string | number)[], before: Json, after: Json): void {
  const [top, section, node, services, kind, object] = path;
  if (path.length === 0 || (top === 'monitor' && (path.length === 1 || (section === 'nodes' && path.length === 2)))) {
    addAll(touched.objects, allObjectPaths(before), allObjectPaths(after));
    for (const raw of [before, after]) for (const [name] of liveNodes(raw)) touchNode(touched, raw, name, 'config');
    return;
  }
  if (top !== 'monitor') return;
  if (section === 'services') {
    if (typeof node === 'string') touched.objects.add(node);
    else addAll(touched.objects, keysAt(before, ['monitor', 'services']), keysAt(after, ['monitor', 'services']));
    return;
  }
  if (section !== 'nodes' || typeof node !== 'string') return;
  if (path.length === 3 || (path.length === 4 && services === 'services')) {
    for (const raw of [before, after]) {
      touchNode(touched, raw, node, 'status');
      touchNode(touched, raw, node, 'config');
    }
    return;
  }
  if (services !== 'services' || (kind !== 'status' && kind !== 'config')) return;
  const target = kind === 'status' ? touched.objects : touched.configs;
  if (typeof object === 'string') target.add(object);
  else for (const raw of [before, after]) touchNode(touched, raw, node, kind);
}

function touchNode(touched: Touched, raw: Json, node: string, kind: 'status' | 'config'): void {
  const target = kind === 'status' ? touched.objects : touched.configs;
  for (const path of nodeObjectPaths(raw, node, kind)) target.add(path);
}

function keysAt(raw: Json, keys: string[]): string[] {
  const value = dig(raw, keys);
  return isObject(value) ? Object.keys(value) : [];
}

function addAll(target: Set<string>, ...sources: Iterable<string>[]): void {
  for (const source of sources) for (const item of source) target.add(item);
}

/** `<ns>/sec/<name>`, or `sec/<name>` in the root namespace. */
export function isSecretPath(path: string): boolean {
  const parts = path.split('/');
  return (parts.length === 3 && parts[1] === 'sec') || (parts.length === 2 && parts[0] === 'sec');
}

/** A secret's content changed when its config entry (updated, csum) differs on a node present before and after. */
function secretContentChanged(before: Json, after: Json, path: string): boolean {
  for (const [node] of liveNodes(before)) {
    const old = dig(before, ['monitor', 'nodes', node, 'services', 'config', path]);
    const now = dig(after, ['monitor', 'nodes', node, 'services', 'config', path]);
    if (old === undefined || now === undefined) continue;
    if (!jsonEqual(dig(old, ['updated']), dig(now, ['updated'])) || !jsonEqual(dig(old, ['csum']), dig(now, ['csum']))) {
      return true;
    }
  }
  return false;
}

/** The scaler path of a scaler slave (`ns/svc/3.web` → `ns/svc/web`), else undefined. */
export function scalerOf(service: ServiceState | undefined): string | undefined {
  if (!service?.instances.some((inst) => inst.scalerSlave)) return undefined;
  const cut = service.path.lastIndexOf('/') + 1;
  const name = service.path.slice(cut).replace(/^[0-9]+\./, '');
  return service.path.slice(0, cut) + name;
}
