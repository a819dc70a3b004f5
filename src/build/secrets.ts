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
  const inflight = new Map<string, Promise<void>>();
  /** Bumped by invalidate(): a fetch started before a change never stores its stale answer. */
  let generation = 0;

  function fetchOne(path: string): Promise<void> {
    const running = inflight.get(path);
    if (running) return running;
    const startedAt = generation;
    const started = source.getSecret(path).then(
      (values) => {
        if (startedAt !== generation) return;
        entries.set(path, { values });
        logger.debug({ secret: path, keys: Object.keys(values) }, 'secret fetched');
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (startedAt !== generation) return;
        entries.set(path, { error: message });
        logger.warn({ secret: path, error: message }, 'secret unavailable');
      },
    );
    const tracked = started.finally(() => {
      if (inflight.get(path) === tracked) inflight.delete(path);
    });
    inflight.set(path, tracked);
    return tracked;
  }

  return {
    get(path) {
      const entry = entries.get(path);
      return entry && 'values' in entry ? entry.values : undefined;
    },
    has: (path) => entries.has(path),
    async ensure(paths) {
      const wanted = [...paths];
      await Promise.all(wanted.filter((p) => !entries.has(p)).map(fetchOne));
      // a change during the fetch: fetch again, so the caller never builds with a stale value
      if (wanted.some((p) => !entries.has(p) && !inflight.has(p))) await Promise.all(wanted.filter((p) => !entries.has(p)).map(fetchOne));
    },
    invalidate(paths) {
      generation += 1;
      for (const p of paths) {
        entries.delete(p);
        inflight.delete(p);
      }
    },
    invalidateAll() {
      generation += 1;
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
