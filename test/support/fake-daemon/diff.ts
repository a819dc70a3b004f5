// The json_delta diff an OpenSVC 2.1 daemon emits when its status changes: a port of
// JournaledData._diff (opensvc/utilities/journaled_data.py), quirks included:
//   - all set stanzas first (object key order, array indexes ascending), then deletes (arrays descending);
//   - a value that was missing or null before is set whole; otherwise the diff recurses to leaves;
//   - a non-null value becoming null gives [P, null] then [P] (consumers lose the key);
//   - a type change gives per-child stanzas under a parent of the wrong type (consumers fail: resync),
//     or nothing at all for a scalar turned into an empty container (consumers silently keep the scalar);
//   - scalars compare like Python (1 == 1.0 == true).
import { isArray, isObject, type Json, type PathKey } from '../../../src/source/opensvc/json.js';
import type { Stanza } from '../../../src/source/opensvc/patch.js';

type Lookup = { readonly found: true; readonly value: Json } | { readonly found: false };

const MISSING: Lookup = { found: false };

/** Python's reduce(operator.getitem, path, data): KeyError, IndexError and TypeError mean missing. */
function pyGet(root: Json, path: readonly PathKey[]): Lookup {
  let cursor: Json = root;
  for (const key of path) {
    if (isObject(cursor)) {
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(cursor, key)) return MISSING;
      cursor = cursor[key] as Json;
    } else if (isArray(cursor) || typeof cursor === 'string') {
      if (typeof key !== 'number' || key >= cursor.length) return MISSING;
      cursor = (isArray(cursor) ? cursor[key] : cursor.charAt(key)) as Json;
    } else {
      return MISSING;
    }
  }
  return { found: true, value: cursor };
}

/** Python `==` on JSON values (bool is an int, ints equal floats). */
export function pyEqual(a: Json, b: Json): boolean {
  const numeric = (v: Json): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (isArray(a) && isArray(b)) return a.length === b.length && a.every((v, i) => pyEqual(v, b[i] as Json));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEqual(a[k] as Json, b[k] as Json));
  }
  return a === b;
}

/** The stanzas turning `src` into `dst`, as JournaledData._diff(src, dst) emits them. */
export function journaledDiff(src: Json, dst: Json): Stanza[] {
  const out: Stanza[] = [];
  const added = new Set<string>();
  walk(dst, src, [], true, added, (path, value) => {
    out.push([path, value]);
    added.add(JSON.stringify(path));
  });
  walk(src, dst, [], false, added, (path) => out.push([path]));
  return out;
}

function walk(
  d1: Json,
  d2: Json,
  path: PathKey[],
  changes: boolean,
  added: ReadonlySet<string>,
  emit: (path: PathKey[], value: Json) => void,
): void {
  const ref = pyGet(d2, path);
  if (!ref.found) return emit(path, d1);
  if (ref.value === null && d1 !== null) return emit(path, d1);
  if (isObject(d1)) {
    for (const [k, v] of Object.entries(d1)) walk(v, d2, [...path, k], changes, added, emit);
  } else if (isArray(d1)) {
    if (added.has(JSON.stringify(path))) return;
    const indexes = d1.map((_, i) => i);
    if (!changes) indexes.reverse();
    for (const i of indexes) walk(d1[i] as Json, d2, [...path, i], changes, added, emit);
  } else if (changes && !pyEqual(ref.value, d1)) {
    emit(path, d1);
  }
}
