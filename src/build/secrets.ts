// Secrets the services reference, fetched from the source once and kept until the source says
// they changed (or a resync). Values stay in memory only: they are never logged nor shown.
import type { Logger } from '../log.js';
import type { SecretValues, Source } from '../source/types.js';

export interface SecretStore {
  /** The values of a secret fetched earlier, undefined when unknown or unreadable. */
  get(path: string): SecretValues | undefined;
  /** True once the secret was fetched (successfully or not) since its last invalidation. */
  has(path: string): boolean;
  /** Fetch the ones not held yet (concurrent callers share one fetch per secret). */
  ensure(paths: Iterable<string>): Promise<void>;
  /** Forget these secrets: the next ensure() fetches them again. */
  invalidate(paths: Iterable<string>): void;
  invalidateAll(): void;
  /** Secrets held and secrets that failed, for admin and metrics. */
  stats(): { held: number; failed: number };
}

type Entry = { readonly values: SecretValues } | { readonly error: string };

export function createSecretStore(source: Pick<Source, 'getSecret'>, logger: Logger): SecretStore {
  const entries = new Map<string, Entry>();
  /** The fetch under way per secret; invalidate() drops it, so a fetch started before a change never stores its answer. */
  const inflight = new Map<string, Promise<void>>();

  function fetchOne(path: string): Promise<void> {
    const running = inflight.get(path);
    if (running) return running;
    const settle = (entry: Entry): boolean => {
      if (inflight.get(path) !== mine) return false;
      inflight.delete(path);
      entries.set(path, entry);
      return true;
    };
    const mine: Promise<void> = source.getSecret(path).then(
      (values) => {
        if (settle({ values })) logger.debug({ secret: path, keys: Object.keys(values) }, 'secret fetched');
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (settle({ error: message })) logger.warn({ secret: path, error: message }, 'secret unavailable');
      },
    );
    inflight.set(path, mine);
    return mine;
  }

  return {
    get(path) {
      const entry = entries.get(path);
      return entry && 'values' in entry ? entry.values : undefined;
    },
    has: (path) => entries.has(path),
    async ensure(paths) {
      const wanted = [...paths];
      const missing = (): string[] => wanted.filter((p) => !entries.has(p));
      await Promise.all(missing().map(fetchOne));
      // invalidated during the fetch: fetch once more (or join the refetch already under way)
      await Promise.all(missing().map(fetchOne));
    },
    invalidate(paths) {
      for (const p of paths) {
        entries.delete(p);
        inflight.delete(p);
      }
    },
    invalidateAll() {
      entries.clear();
      inflight.clear();
    },
    stats() {
      let failed = 0;
      for (const e of entries.values()) if ('error' in e) failed += 1;
      return { held: entries.size - failed, failed };
    },
  };
}
