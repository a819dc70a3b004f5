// Sets of resource names shared by the subscriptions that hold the same names. A thousand Envoys
// configured alike subscribe to the same names; each stream keeping its own copy of a set of
// thousands of names is most of what an idle stream costs. A set here is never changed while
// another subscription holds it: a change makes a new set (or, for the only holder, reuses its
// own), then looks for an equal set to share (found by a hash of its names kept as names come and
// go, then compared name by name).

/** One shared set; `refs` counts the subscriptions that hold it. */
export interface SharedNames {
  readonly set: Set<string>;
  hash: number;
  refs: number;
}

export const NO_NAMES: ReadonlySet<string> = new Set();

/** Shared sets by hash (equal hashes are compared, so a collision only costs a comparison). */
const pool = new Map<number, SharedNames[]>();

/** FNV-1a over the UTF-16 code units of a name; sets hash to the sum of their names' hashes. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function unpool(entry: SharedNames): void {
  const list = pool.get(entry.hash);
  if (!list) return;
  const i = list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) pool.delete(entry.hash);
}

const equal = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  if (a.size !== b.size) return false;
  for (const n of a) if (!b.has(n)) return false;
  return true;
};

/** The pooled set equal to `set` (its holder count raised), or `set` itself, pooled. */
function intern(set: Set<string>, hash: number): SharedNames {
  const list = pool.get(hash) ?? [];
  const found = list.find((e) => equal(e.set, set));
  if (found) {
    found.refs++;
    return found;
  }
  const entry = { set, hash, refs: 1 };
  list.push(entry);
  pool.set(hash, list);
  return entry;
}

/**
 * The set after removing and adding names (`added` names must be absent, `removed` present: the
 * caller checked), given the holder's current shared set (undefined: the empty set).
 */
export function changeNames(held: SharedNames | undefined, added: readonly string[], removed: readonly string[]): SharedNames | undefined {
  let set: Set<string>;
  let hash = held?.hash ?? 0;
  if (held && held.refs === 1) {
    unpool(held);
    set = held.set;
  } else {
    if (held) held.refs--;
    set = new Set(held?.set);
  }
  for (const n of removed) {
    set.delete(n);
    hash = (hash - nameHash(n)) >>> 0;
  }
  for (const n of added) {
    set.add(n);
    hash = (hash + nameHash(n)) >>> 0;
  }
  return set.size === 0 ? undefined : intern(set, hash);
}

/** The holder is gone (its stream ended). */
export function releaseNames(held: SharedNames | undefined): void {
  if (!held) return;
  held.refs--;
  if (held.refs === 0) unpool(held);
}

/** Shared sets in the pool now (for tests). */
export const pooledSets = (): number => [...pool.values()].reduce((n, l) => n + l.length, 0);
