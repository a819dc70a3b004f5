// Which services and secrets a patch changed. Not guessed from path shapes (the Python janitor missed
// new resources, expose list edits and node removal that way): the stanza paths only say which
// objects to look at, and the answer comes from comparing their derived state before and after.
//
// The patch is applied in place, stanza by stanza; the objects a stanza may touch are collected
// just before it (from the status as it was) and just after it (as it is), and the secrets' config
// marks (`updated`, `csum`) are noted before their first stanza, so nothing of the old status needs
// to be kept.
import { dig, isObject, type Json } from './json.js';
import { applyStanza, type JsonDocument, type Stanza } from './patch.js';
import { allObjectPaths, liveNodes, nodeObjectPaths, updateServices, type LiveClusterState } from './state.js';
import type { ServiceState } from '../types.js';

export interface Change {
  /** Services whose state changed (scaler slaves mapped to their scaler). */
  readonly services: ReadonlySet<string>;
  /** Secret objects whose content changed, appeared or went away. */
  readonly secrets: ReadonlySet<string>;
  /** Every object path the patch may have touched (changed or not). */
  readonly touched: ReadonlySet<string>;
}

export type TrackedResult = { readonly ok: true; readonly skipped: number } | { readonly ok: false; readonly error: string; readonly stanza: number };

export interface Touched {
  /** Object paths whose ServiceState may have changed. */
  readonly objects: Set<string>;
  /** Object paths whose services.config entry may have changed (secret content signal). */
  readonly configs: Set<string>;
  /** Secret path → node → its config marks before the patch touched them. */
  readonly marks: Map<string, Map<string, string>>;
}

export function emptyTouched(): Touched {
  return { objects: new Set(), configs: new Set(), marks: new Map() };
}

/** Apply `stanzas` to the raw document in place, noting in `touched` what they may change. */
export function applyTracked(doc: JsonDocument, stanzas: readonly Stanza[], touched: Touched, lenient: boolean): TrackedResult {
  let skipped = 0;
  for (const [i, stanza] of stanzas.entries()) {
    touch(touched, stanza[0], doc.root, true);
    const error = applyStanza(doc, stanza);
    if (error !== undefined) {
      if (!lenient) return { ok: false, error, stanza: i };
      skipped++;
      continue;
    }
    touch(touched, stanza[0], doc.root, false);
  }
  return { ok: true, skipped };
}

/** Update the live state for what the applied stanzas touched; the change to announce. */
export function computeChange(live: LiveClusterState, raw: Json, touched: Touched): Change {
  const paths = new Set([...touched.objects, ...touched.configs]);
  const deltas = updateServices(live, raw, paths);
  const secrets = new Set<string>();
  for (const [path, before] of touched.marks) {
    if (isSecretPath(path) && marksChanged(before, configMarks(raw, path))) secrets.add(path);
  }
  const services = new Set<string>();
  for (const { path, before, after } of deltas) {
    if (isSecretPath(path) && (before === undefined) !== (after === undefined)) secrets.add(path);
    services.add(scalerOf(after ?? before) ?? path);
  }
  return { services, secrets, touched: paths };
}

/** Note what a stanza at `path` may touch; `before`: the status is as it was before the stanza. */
function touch(touched: Touched, path: readonly (string | number)[], raw: Json, before: boolean): void {
  const [top, section, node, services, kind, object] = path;
  const config = (p: string): void => addConfig(touched, raw, p, before);
  if (path.length === 0 || (top === 'monitor' && (path.length === 1 || (section === 'nodes' && path.length === 2)))) {
    addAll(touched.objects, allObjectPaths(raw));
    for (const [name] of liveNodes(raw)) nodeObjectPaths(raw, name, 'config').forEach(config);
    return;
  }
  if (top !== 'monitor') return;
  if (section === 'services') {
    if (typeof node === 'string') touched.objects.add(node);
    else addAll(touched.objects, keysAt(raw, ['monitor', 'services']));
    return;
  }
  if (section !== 'nodes' || typeof node !== 'string' || (path.length > 3 && services !== 'services')) return;
  const whole = path.length === 3 || path.length === 4;
  if (whole || kind === 'status') {
    if (typeof object === 'string' && !whole) touched.objects.add(object);
    else addAll(touched.objects, nodeObjectPaths(raw, node, 'status'));
  }
  if (whole || kind === 'config') {
    if (typeof object === 'string' && !whole) config(object);
    else nodeObjectPaths(raw, node, 'config').forEach(config);
  }
}

/** A config entry the patch may change; a secret's marks are noted before its first change. */
function addConfig(touched: Touched, raw: Json, path: string, before: boolean): void {
  touched.configs.add(path);
  if (before && isSecretPath(path) && !touched.marks.has(path)) touched.marks.set(path, configMarks(raw, path));
}

/** node → `updated` and `csum` of the object's config entry on that node. */
export function configMarks(raw: Json, path: string): Map<string, string> {
  const marks = new Map<string, string>();
  for (const [node] of liveNodes(raw)) {
    const config = dig(raw, ['monitor', 'nodes', node, 'services', 'config', path]);
    if (config !== undefined) marks.set(node, JSON.stringify([dig(config, ['updated']) ?? null, dig(config, ['csum']) ?? null]));
  }
  return marks;
}

/** A secret's content changed when its config marks differ on a node that has them before and after. */
export function marksChanged(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): boolean {
  for (const [node, mark] of before) {
    const now = after.get(node);
    if (now !== undefined && now !== mark) return true;
  }
  return false;
}

function keysAt(raw: Json, keys: string[]): string[] {
  const value = dig(raw, keys);
  return isObject(value) ? Object.keys(value) : [];
}

function addAll(target: Set<string>, source: Iterable<string>): void {
  for (const item of source) target.add(item);
}

/** `<ns>/sec/<name>`, or `sec/<name>` in the root namespace. */
export function isSecretPath(path: string): boolean {
  const parts = path.split('/');
  return (parts.length === 3 && parts[1] === 'sec') || (parts.length === 2 && parts[0] === 'sec');
}

/** The scaler path of a scaler slave (`ns/svc/3.web` → `ns/svc/web`), else undefined. */
export function scalerOf(service: ServiceState | undefined): string | undefined {
  if (!service?.instances.some((inst) => inst.scalerSlave)) return undefined;
  const cut = service.path.lastIndexOf('/') + 1;
  const name = service.path.slice(cut).replace(/^[0-9]+\./, '');
  return service.path.slice(0, cut) + name;
}
