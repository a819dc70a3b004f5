// json_delta patch application (the stanza format the OpenSVC 2.x daemon emits, reference §2.5).
//
//   [path, value]       set: object key add/replace; array index replace, or append when index === length
//   [path]              delete: object key, or array element (later elements shift)
//   [path, value, "i"]  insert into an array at index (shifting), json_delta's needle form
//   path []             replaces the root
//
// Pure: the input state is never mutated. Containers on the way to a change are copied once per
// patch (copy on write); everything else is shared with the previous state.
import { isArray, isObject, type Json, type PathKey } from './json.js';

export type Stanza =
  | readonly [path: readonly PathKey[]]
  | readonly [path: readonly PathKey[], value: Json]
  | readonly [path: readonly PathKey[], value: Json, op: 'i'];

export type ApplyResult =
  | { readonly ok: true; readonly state: Json; readonly skipped: number }
  | { readonly ok: false; readonly error: string; readonly stanza: number };

export interface ApplyOptions {
  /** Skip a stanza that cannot be applied instead of failing the patch (see index.ts: snapshot race). */
  readonly lenient?: boolean;
}

class StanzaError extends Error {}

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

export function applyPatch(root: Json, stanzas: readonly Stanza[], options: ApplyOptions = {}): ApplyResult {
  const fresh = new WeakSet<object>();
  let state = root;
  let skipped = 0;
  for (const [i, stanza] of stanzas.entries()) {
    try {
      state = applyStanza(state, stanza, fresh);
    } catch (err) {
      if (!(err instanceof StanzaError)) throw err;
      if (!options.lenient) return { ok: false, error: err.message, stanza: i };
      skipped++;
    }
  }
  return { ok: true, state, skipped };
}

function applyStanza(root: Json, stanza: Stanza, fresh: WeakSet<object>): Json {
  const path = stanza[0];
  if (path.length === 0) {
    if (stanza.length === 2) return stanza[1];
    throw new StanzaError(stanza.length === 1 ? 'cannot delete the root' : 'cannot insert at the root');
  }
  const newRoot = own(root, [], fresh);
  let parent = newRoot;
  for (let depth = 0; depth < path.length - 1; depth++) {
    const key = path[depth] as PathKey;
    const child = own(read(parent, key, path), path.slice(0, depth + 1), fresh);
    write(parent, key, child);
    parent = child;
  }
  const last = path[path.length - 1] as PathKey;
  if (stanza.length === 1) remove(parent, last, path);
  else if (stanza.length === 2) write(parent, last, stanza[1], path);
  else insert(parent, last, stanza[1], path);
  return newRoot;
}

/** The container itself if created during this patch, else a shallow copy of it. */
function own(value: Json | undefined, path: readonly PathKey[], fresh: WeakSet<object>): Container {
  if (isArray(value)) {
    if (fresh.has(value)) return value as Json[];
    const copy = value.slice();
    fresh.add(copy);
    return copy;
  }
  if (isObject(value)) {
    if (fresh.has(value)) return value as MutableObject;
    const copy: MutableObject = { ...value };
    fresh.add(copy);
    return copy;
  }
  throw new StanzaError(`${show(path)} is not a container`);
}

function read(parent: Container, key: PathKey, path: readonly PathKey[]): Json {
  if (Array.isArray(parent)) {
    if (typeof key === 'number' && key < parent.length) return parent[key] as Json;
  } else if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(parent, key)) {
    return parent[key] as Json;
  }
  throw new StanzaError(`${show(path)}: no ${JSON.stringify(key)} on the way`);
}

function write(parent: Container, key: PathKey, value: Json, path?: readonly PathKey[]): void {
  if (Array.isArray(parent)) {
    if (typeof key !== 'number' || key > parent.length) throw new StanzaError(`${show(path)}: index out of range`);
    if (key === parent.length) parent.push(value);
    else parent[key] = value;
    return;
  }
  if (typeof key !== 'string') throw new StanzaError(`${show(path)}: index into an object`);
  // a plain assignment to "__proto__" would change the prototype instead of adding the key
  if (key === '__proto__') Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  else parent[key] = value;
}

function remove(parent: Container, key: PathKey, path: readonly PathKey[]): void {
  if (Array.isArray(parent)) {
    if (typeof key !== 'number' || key >= parent.length) throw new StanzaError(`${show(path)}: no such index`);
    parent.splice(key, 1);
    return;
  }
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(parent, key)) {
    throw new StanzaError(`${show(path)}: no such key`);
  }
  delete parent[key];
}

function insert(parent: Container, key: PathKey, value: Json, path: readonly PathKey[]): void {
  if (!Array.isArray(parent) || typeof key !== 'number' || key > parent.length) {
    throw new StanzaError(`${show(path)}: insert needs an array index within range`);
  }
  parent.splice(key, 0, value);
}

function show(path: readonly PathKey[] | undefined): string {
  return JSON.stringify(path ?? []);
}
