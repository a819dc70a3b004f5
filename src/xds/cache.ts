// The resource cache: what to serve. Per type URL, name → encoded bytes + content-hash version.
// It knows nothing of gRPC; streams watch it through subscribe(). A change set is applied at once
// and announced as one event naming exactly the resources that changed, so a push costs work
// proportional to the change, not to the size of the cache.
import { ADS_ORDER, type ChangeSet, type TypeUrl } from './types.js';
import { pairDigest, resourceVersion, digestVersion, addDigest, subDigest } from './wire.js';

/** One resource as served. */
export interface CachedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** Content hash of the bytes (16 hex chars of sha256): the same bytes give the same version. */
  readonly version: string;
  /** The resource's own bytes: responses frame them as an Any themselves (wire.ts), so the cache holds each resource once. */
  readonly bytes: Uint8Array;
  /** Digest of (name, version), summed into set versions. */
  readonly digest: number;
}

/** Resources in name order (code-unit order: the same on every janitor and every stream). */
export function byResourceName(a: CachedResource, b: CachedResource): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What one apply() changed in one type. Names are unique; a name is in one list only. */
export interface CacheChange {
  readonly typeUrl: TypeUrl;
  readonly upserted: readonly string[];
  readonly removed: readonly string[];
  /** The resources these names had before the change (names that were new have none). */
  readonly previous: ReadonlyMap<string, CachedResource>;
}

export interface CacheEvent {
  /** True once markReady() was called (the event emitted by markReady has no changes). */
  readonly ready: boolean;
  readonly changes: readonly CacheChange[];
}

export type CacheListener = (event: CacheEvent) => void;

export interface ResourceCache {
  /** Apply one consistent change set. Removals first, then upserts; unchanged bytes are a no-op. */
  apply(changes: ChangeSet): void;
  /** The first full snapshot is complete: streams may answer from now on. */
  markReady(): void;
  isReady(): boolean;
  get(typeUrl: TypeUrl, name: string): CachedResource | undefined;
  /** Every resource of a type, sorted by name (memoised until the type changes). */
  list(typeUrl: TypeUrl): readonly CachedResource[];
  /** Names of a type, unsorted, without copying. */
  names(typeUrl: TypeUrl): Iterable<string>;
  counts(): Record<TypeUrl, number>;
  /** Deterministic version of the whole set of a type: a hash over its (name, version) pairs. */
  systemVersion(typeUrl: TypeUrl): string;
  subscribe(listener: CacheListener): () => void;
}

interface TypeStore {
  readonly byName: Map<string, CachedResource>;
  sum: number;
  sorted: readonly CachedResource[] | undefined;
  /** digestVersion(sum), made when first asked after a change (every stream asks on every plan). */
  version: string | undefined;
}

export function createResourceCache(): ResourceCache {
  const stores = new Map<TypeUrl, TypeStore>(
    ADS_ORDER.map((t) => [t, { byName: new Map(), sum: 0, sorted: undefined, version: undefined }]),
  );
  const listeners = new Set<CacheListener>();
  let ready = false;

  const store = (typeUrl: TypeUrl): TypeStore => {
    const s = stores.get(typeUrl);
    if (!s) throw new Error(`unknown xDS type URL ${typeUrl}`);
    return s;
  };

  /** Every listener hears every event, even if one throws; the first error is rethrown after. */
  const emit = (event: CacheEvent): void => {
    let failure: unknown;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  };

  return {
    apply(changes) {
      const touched = new Map<TypeUrl, { upserted: Set<string>; removed: Set<string>; previous: Map<string, CachedResource> }>();
      const touch = (t: TypeUrl, name: string, old: CachedResource | undefined) => {
        let entry = touched.get(t);
        if (!entry) touched.set(t, (entry = { upserted: new Set(), removed: new Set(), previous: new Map() }));
        if (old && !entry.upserted.has(name) && !entry.removed.has(name)) entry.previous.set(name, old);
        return entry;
      };
      for (const { typeUrl, name } of changes.removals) {
        const s = store(typeUrl);
        const old = s.byName.get(name);
        if (!old) continue;
        s.byName.delete(name);
        s.sum = subDigest(s.sum, old.digest);
        s.sorted = undefined;
        s.version = undefined;
        touch(typeUrl, name, old).removed.add(name);
      }
      for (const { typeUrl, name, bytes } of changes.upserts) {
        const s = store(typeUrl);
        const version = resourceVersion(bytes);
        const old = s.byName.get(name);
        if (old && old.version === version) continue;
        const digest = pairDigest(name, version);
        const res: CachedResource = { typeUrl, name, version, bytes, digest };
        s.byName.set(name, res);
        s.sum = addDigest(old ? subDigest(s.sum, old.digest) : s.sum, digest);
        s.sorted = undefined;
        s.version = undefined;
        const t = touch(typeUrl, name, old);
        t.upserted.add(name);
        t.removed.delete(name);
      }
      const list: CacheChange[] = [];
      for (const t of ADS_ORDER) {
        const c = touched.get(t);
        if (c && (c.upserted.size > 0 || c.removed.size > 0)) {
          list.push({ typeUrl: t, upserted: [...c.upserted], removed: [...c.removed], previous: c.previous });
        }
      }
      if (list.length > 0) emit({ ready, changes: list });
    },
    markReady() {
      if (ready) return;
      ready = true;
      emit({ ready, changes: [] });
    },
    isReady: () => ready,
    get: (typeUrl, name) => store(typeUrl).byName.get(name),
    list(typeUrl) {
      const s = store(typeUrl);
      s.sorted ??= [...s.byName.values()].sort(byResourceName);
      return s.sorted;
    },
    names: (typeUrl) => store(typeUrl).byName.keys(),
    counts() {
      const out = {} as Record<TypeUrl, number>;
      for (const t of ADS_ORDER) out[t] = store(t).byName.size;
      return out;
    },
    systemVersion(typeUrl) {
      const s = store(typeUrl);
      return (s.version ??= digestVersion(s.sum));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
