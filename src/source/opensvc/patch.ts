// json_delta patch application (the stanza format the OpenSVC 2.x daemon emits, reference §2.5).
//
//   [path, value]       set: object key add/replace; array index replace, or append when index === length
//   [path]              delete: object key, or array element (later elements shift)
//   [path, value, "i"]  insert into an array at index (shifting), json_delta's needle form
//   path []             replaces the root
//
// In place: the document is changed where it stands, so a patch costs the length of its paths, not
// the size of the status (a copy of the one `services.status` object holding every service was
// O(cluster) per patch). Each stanza is all or nothing: every check is made before its one write.
// A failed strict patch leaves the stanzas before the failing one applied (the caller resyncs).
// Values are taken as they are, not copied: the caller hands over stanzas it does not keep.
import { isArray, isObject, type Json, type PathKey } from './json.js';
import { sharedFrom } from './state.js';

export type Stanza =
  | readonly [path: readonly PathKey[]]
  | readonly [path: readonly PathKey[], value: Json]
  | readonly [path: readonly PathKey[], value: Json, op: 'i'];

/** A JSON document changed in place; a stanza on the root path replaces `root` itself. */
export interface JsonDocument {
  root: Json;
}

export type ApplyResult = { readonly ok: true; readonly skipped: number } | { readonly ok: false; readonly error: string; readonly stanza: number };

export interface ApplyOptions {
  /** Skip a stanza that cannot be applied instead of failing the patch (see follower.ts: snapshot race). */
  readonly lenient?: boolean;
}

type MutableObject = Record<string, Json>;
type Container = MutableObject | Json[];

/** Validate the `data` of a patch message. A string is the reason it is not a list of stanzas. */
export function parseStanzas(data: unknown): Stanza[] | string {
  if (!Array.isArray(data)) return 'patch data is not a list';
  const out: Stanza[] = [];
  for (const [i, raw] of data.entries()) {
    const reason = stanzaProblem(raw);
    if (reason) return `stanza ${i}: ${reason}`;
    out.push(raw as Stanza);
  }
  return out;
}

function stanzaProblem(raw: unknown): string | undefined {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 3) return 'not a list of 1 to 3 elements';
  const path: unknown = raw[0];
  if (!Array.isArray(path)) return 'path is not a list';
  for (const key of path as unknown[]) {
    if (typeof key === 'string') continue;
    if (typeof key === 'number' && Number.isInteger(key) && key >= 0) continue;
    return 'path element is neither a key nor an index';
  }
  if (raw.length === 3 && raw[2] !== 'i') return 'third element is not "i"';
  return undefined;
}

/** True when the stanza's path lies under `prefix` (or is the root, which contains everything). */
export function stanzaUnder(stanza: Stanza, prefix: string): boolean {
  const path = stanza[0];
  return path.length === 0 || path[0] === prefix;
}

export function applyPatch(doc: JsonDocument, stanzas: readonly Stanza[], options: ApplyOptions = {}): ApplyResult {
  let skipped = 0;
  for (const [i, stanza] of stanzas.entries()) {
    const error = applyStanza(doc, stanza);
    if (error === undefined) continue;
    if (!options.lenient) return { ok: false, error, stanza: i };
    skipped++;
  }
  return { ok: true, skipped };
}

/** Apply one stanza in place; the reason it cannot be applied (nothing changed then), else undefined. */
export function applyStanza(doc: JsonDocument, stanza: Stanza): string | undefined {
  const path = stanza[0];
  if (path.length === 0) {
    if (stanza.length !== 2) return stanza.length === 1 ? 'cannot delete the root' : 'cannot insert at the root';
    doc.root = stanza[1];
    return undefined;
  }
  let parent: Json = doc.root;
  for (let depth = 0; depth < path.length - 1; depth++) {
    const child = read(parent, path[depth] as PathKey);
    if (child === undefined) return `${show(path)}: no ${JSON.stringify(path[depth])} on the way`;
    parent = child;
  }
  if (!isArray(parent) && !isObject(parent)) return `${show(path.slice(0, -1))} is not a container`;
  const shared = sharedFrom(path);
  if (shared >= 0 && shared < path.length - 1) parent = copyOnWrite(doc.root, path, shared);
  const target = parent as Container;
  const last = path[path.length - 1] as PathKey;
  if (stanza.length === 1) return remove(target, last, path);
  if (stanza.length === 2) return write(target, last, stanza[1], path);
  return insert(target, last, stanza[1], path);
}

/**
 * The stanza's target container after copying, from index `from` of the path down to it, every
 * container on the way (each copy put in place of its original in the copied parent): objects
 * shared with derived states are never written into. The path is known to lead to a container.
 */
function copyOnWrite(root: Json, path: readonly PathKey[], from: number): Json {
  let parent: Json = root;
  for (let depth = 0; depth < from; depth++) parent = read(parent, path[depth] as PathKey) as Json;
  for (let depth = from; depth < path.length - 1; depth++) {
    const key = path[depth] as PathKey;
    const child = read(parent, key) as Json;
    const copy: Json = isArray(child) ? [...child] : { ...(child as Record<string, Json>) };
    write(parent as Container, key, copy, path);
    parent = copy;
  }
  return parent;
}

function read(parent: Json, key: PathKey): Json | undefined {
  if (isArray(parent)) return typeof key === 'number' && key < parent.length ? (parent[key] as Json) : undefined;
  if (isObject(parent) && typeof key === 'string' && Object.prototype.hasOwnProperty.call(parent, key)) return parent[key] as Json;
  return undefined;
}

function write(parent: Container, key: PathKey, value: Json, path: readonly PathKey[]): string | undefined {
  if (Array.isArray(parent)) {
    if (typeof key !== 'number' || key > parent.length) return `${show(path)}: index out of range`;
    if (key === parent.length) parent.push(value);
    else parent[key] = value;
    return undefined;
  }
  if (typeof key !== 'string') return `${show(path)}: index into an object`;
  // a plain assignment to "__proto__" would change the prototype instead of adding the key
  if (key === '__proto__') Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  else parent[key] = value;
  return undefined;
}

function remove(parent: Container, key: PathKey, path: readonly PathKey[]): string | undefined {
  if (Array.isArray(parent)) {
    if (typeof key !== 'number' || key >= parent.length) return `${show(path)}: no such index`;
    parent.splice(key, 1);
    return undefined;
  }
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(parent, key)) return `${show(path)}: no such key`;
  delete parent[key];
  return undefined;
}

function insert(parent: Container, key: PathKey, value: Json, path: readonly PathKey[]): string | undefined {
  if (!Array.isArray(parent) || typeof key !== 'number' || key > parent.length) {
    return `${show(path)}: insert needs an array index within range`;
  }
  parent.splice(key, 0, value);
  return undefined;
}

function show(path: readonly PathKey[]): string {
  return JSON.stringify(path);
}
