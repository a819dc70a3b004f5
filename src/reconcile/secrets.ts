// The secret objects services name, fetched from the source and kept in memory (never logged,
// never shown). A fetch that fails is retried with capped exponential backoff for as long as some
// service still names the secret; meanwhile the last good values stay in use (a rotation that
// cannot be read leaves the certificate served as it was) and the error is shown. A secret changed
// in the cluster is fetched again in the background; its users are rebuilt when the content
// (its digest) actually changes.
import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from '../log.js';
import type { SecretEntry } from '../pipeline/index.js';
import type { SecretUse } from '../model/referenced.js';
import type { SecretKey, SecretValues, Source } from '../source/types.js';

export interface SecretStoreOptions {
  readonly source: Pick<Source, 'getSecret'>;
  readonly logger: Logger;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Is the secret still named by a service (else its retries stop)? */
  readonly wanted: (path: string) => boolean;
  /** The content of a secret changed (first fetch included): rebuild its users. */
  readonly onChange: (path: string) => void;
  readonly onFailure?: (path: string, error: string) => void;
  readonly backoff?: { readonly minMs: number; readonly maxMs: number };
}

export interface SecretStore {
  /** What a build may use: the values (last good) or, when never fetched, the error. */
  entry(path: string): SecretEntry | undefined;
  /** The last fetch error of a secret that still has good values, if any. */
  staleError(path: string): string | undefined;
  /**
   * Fetch these if never fetched (or now used in a way that needs more keys); resolves after one
   * attempt each (failures are retried later).
   */
  ensure(named: ReadonlyMap<string, ReadonlySet<SecretUse>>): Promise<void>;
  /** Fetch these again in the background (they changed in the cluster); values kept meanwhile. */
  refresh(paths: Iterable<string>): void;
  stats(): { readonly held: number; readonly failed: number };
  close(): void;
}

/** A digest of the values: each key and value, length-prefixed, in key order (no JSON of the PEM text). */
function digestOf(values: SecretValues): string {
  const h = createHash('sha256');
  for (const k of (Object.keys(values) as (keyof SecretValues)[]).sort()) {
    const v = values[k] ?? '';
    h.update(`${k.length}:${k}${v.length}:`).update(v);
  }
  return h.digest('base64');
}

/**
 * The keys a use needs: a certificate its chain and key (and the password only when the key is
 * encrypted: asked in a second request then), a validation context its CA and pinned hashes.
 */
const KEYS: Readonly<Record<SecretUse, readonly SecretKey[]>> = {
  certificate: ['certificate_chain', 'private_key'],
  validation: ['trusted_ca', 'verify_certificate_hash', 'verify_subject_alt_name'],
};

function keysFor(uses: ReadonlySet<SecretUse>): SecretKey[] {
  return [...uses].flatMap((u) => KEYS[u]);
}

interface Held {
  readonly uses: Set<SecretUse>;
  good?: { readonly values: SecretValues; readonly digest: string };
  error?: string;
  attempts: number;
  retry?: NodeJS.Timeout;
  inflight?: Promise<void>;
  /** A refresh was asked while a fetch was in flight: fetch once more after it. */
  again: boolean;
}

/**
 * Values by digest, shared by every held secret with that content, counted: 10,000 secret objects
 * carrying the same certificate hold one copy of its PEM text, not 10,000.
 */
class Interned {
  readonly #byDigest = new Map<string, { readonly values: SecretValues; users: number }>();

  take(digest: string, values: SecretValues): SecretValues {
    const known = this.#byDigest.get(digest);
    if (known !== undefined) {
      known.users += 1;
      return known.values;
    }
    this.#byDigest.set(digest, { values, users: 1 });
    return values;
  }

  release(digest: string | undefined): void {
    const known = digest === undefined ? undefined : this.#byDigest.get(digest);
    if (known === undefined || digest === undefined) return;
    known.users -= 1;
    if (known.users === 0) this.#byDigest.delete(digest);
  }
}

export function createSecretStore(o: SecretStoreOptions): SecretStore {
  const held = new Map<string, Held>();
  const interned = new Interned();
  const queue = new PQueue({ concurrency: o.concurrency });
  const backoff = o.backoff ?? { minMs: 1000, maxMs: 60_000 };
  let closed = false;

  function scheduleRetry(path: string, h: Held): void {
    if (closed || h.retry !== undefined) return;
    const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(h.attempts - 1, 20));
    h.retry = setTimeout(() => {
      h.retry = undefined;
      if (o.wanted(path)) void fetch(path);
      else {
        interned.release(held.get(path)?.good?.digest);
        held.delete(path);
      }
    }, delay);
    h.retry.unref();
  }

  function settle(path: string, h: Held, result: { values: SecretValues } | { error: string }): void {
    if ('values' in result) {
      const digest = digestOf(result.values);
      const changed = h.good?.digest !== digest;
      if (changed) {
        interned.release(h.good?.digest);
        h.good = { values: interned.take(digest, result.values), digest };
      }
      h.error = undefined;
      h.attempts = 0;
      o.logger.debug({ secret: path, keys: Object.keys(result.values), changed }, 'secret fetched');
      if (changed) o.onChange(path);
      return;
    }
    h.error = result.error;
    h.attempts += 1;
    o.logger.warn({ secret: path, err: result.error, attempt: h.attempts, keeping: h.good ? 'last good values' : 'nothing: its services wait' }, 'secret fetch failed, retrying');
    o.onFailure?.(path, result.error);
    if (!h.good) o.onChange(path); // its users now report the error
    scheduleRetry(path, h);
  }

  async function read(path: string, uses: ReadonlySet<SecretUse>): Promise<SecretValues> {
    const values = await o.source.getSecret(path, keysFor(uses));
    if (!uses.has('certificate') || !/ENCRYPTED/.test(values.private_key ?? '')) return values;
    return { ...values, ...(await o.source.getSecret(path, ['password'])) };
  }

  function fetch(path: string): Promise<void> {
    let h = held.get(path);
    if (h === undefined) held.set(path, (h = { uses: new Set(), attempts: 0, again: false }));
    if (h.inflight) {
      h.again = true;
      return h.inflight;
    }
    const entry = h;
    entry.inflight = queue
      .add(() => read(path, entry.uses))
      .then(
        (values) => settle(path, entry, { values }),
        (error: unknown) => settle(path, entry, { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        entry.inflight = undefined;
        if (entry.again && !closed) {
          entry.again = false;
          void fetch(path);
        }
      });
    return entry.inflight;
  }

  return {
    entry(path) {
      const h = held.get(path);
      if (h?.good) return h.good;
      return h?.error !== undefined ? { error: h.error } : undefined;
    },
    staleError: (path) => {
      const h = held.get(path);
      return h?.good ? h.error : undefined;
    },
    async ensure(named) {
      const waits: Promise<void>[] = [];
      for (const [path, uses] of named) {
        let h = held.get(path);
        if (h === undefined) held.set(path, (h = { uses: new Set(), attempts: 0, again: false }));
        const grown = [...uses].some((u) => !h.uses.has(u));
        for (const u of uses) h.uses.add(u);
        // a read in flight for the same uses is waited for, not asked again (a grown use needs a new read)
        if (grown) waits.push(fetch(path));
        else if (!h.good && h.error === undefined) waits.push(h.inflight ?? fetch(path));
      }
      await Promise.all(waits);
    },
    refresh(paths) {
      for (const p of paths) {
        const h = held.get(p);
        if (h?.retry !== undefined) {
          clearTimeout(h.retry);
          h.retry = undefined;
        }
        void fetch(p);
      }
    },
    stats() {
      let failed = 0;
      for (const h of held.values()) if (!h.good) failed += 1;
      return { held: held.size - failed, failed };
    },
    close() {
      closed = true;
      for (const h of held.values()) if (h.retry !== undefined) clearTimeout(h.retry);
      queue.clear();
    },
  };
}
