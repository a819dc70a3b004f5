// The change set of one step: per type, what to upsert and what to remove, compared with what the
// cache holds (`applied`), so the cache sees only resources whose bytes changed.
import { TYPE, type ChangeSet, type EncodedResource, type TypeUrl } from '../xds/types.js';
import { sameBytes } from './units.js';

export type Applied = Map<TypeUrl, Map<string, Uint8Array>>;

export function createApplied(): Applied {
  return new Map(Object.values(TYPE).map((t) => [t, new Map<string, Uint8Array>()]));
}

export class Output {
  readonly #pending = new Map<TypeUrl, Map<string, Uint8Array | null>>();
  constructor(private readonly applied: Applied) {}

  upsert(typeUrl: TypeUrl, name: string, bytes: Uint8Array): void {
    this.#type(typeUrl).set(name, bytes);
  }

  remove(typeUrl: TypeUrl, name: string): void {
    this.#type(typeUrl).set(name, null);
  }

  #type(typeUrl: TypeUrl): Map<string, Uint8Array | null> {
    let m = this.#pending.get(typeUrl);
    if (m === undefined) this.#pending.set(typeUrl, (m = new Map()));
    return m;
  }

  /** The change set against `applied`, which is updated to what the cache holds after it. */
  commit(): ChangeSet {
    const upserts: EncodedResource[] = [];
    const removals: { typeUrl: TypeUrl; name: string }[] = [];
    for (const [typeUrl, pending] of this.#pending) {
      const held = this.applied.get(typeUrl) ?? new Map<string, Uint8Array>();
      this.applied.set(typeUrl, held);
      for (const [name, bytes] of pending) {
        const before = held.get(name);
        if (bytes === null) {
          if (before === undefined) continue;
          held.delete(name);
          removals.push({ typeUrl, name });
        } else if (!sameBytes(before, bytes)) {
          held.set(name, bytes);
          upserts.push({ typeUrl, name, bytes });
        }
      }
    }
    this.#pending.clear();
    return { upserts, removals };
  }
}
