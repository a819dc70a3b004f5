// Writing allocated ports back to the cluster, so the allocation survives the janitor: once, never
// retried automatically (a failed write-back is logged and counted; the port stays allocated in
// memory and keeps being served), never in read-only mode.
import type { Logger } from '../log.js';
import type { Allocation } from './book.js';

export type WriteBackState = 'pending' | 'written' | 'failed' | 'memory';

export interface PortWriter {
  /**
   * Persist `<rid>.listener_port=<port>` on the service; rejects with a clear error. A source that
   * cannot persist it (a cluster file) resolves `'kept in memory'`.
   */
  setListenerPort(path: string, rid: string, port: number): Promise<void | 'kept in memory'>;
}

export interface WriteBackOptions {
  /** Where allocations go: the cluster (OpenSVC `set`), or nowhere (a cluster file, --read-only). */
  readonly target: 'cluster' | 'memory';
  /** Why allocations stay in memory, for the log line. */
  readonly why?: string;
  readonly logger: Logger;
  readonly onFailure?: (allocation: Allocation, error: string) => void;
}

export interface WriteBacks {
  /** Record new allocations and write them back. */
  record(allocations: readonly Allocation[]): void;
  state(service: string, rid: string): WriteBackState | undefined;
}

export function createWriteBacks(writer: PortWriter, o: WriteBackOptions): WriteBacks {
  const states = new Map<string, WriteBackState>();
  const key = (service: string, rid: string): string => `${service}\u0000${rid}`;

  function write(a: Allocation): void {
    const k = key(a.service, a.rid);
    states.set(k, 'pending');
    writer.setListenerPort(a.service, a.rid, a.port).then(
      (outcome) => {
        if (outcome === 'kept in memory') {
          states.set(k, 'memory');
          o.logger.info({ service: a.service, rid: a.rid, port: a.port, why: 'the source does not persist it' }, 'listener port allocated, kept in memory (not written to the cluster)');
          return;
        }
        states.set(k, 'written');
        o.logger.info({ service: a.service, rid: a.rid, port: a.port }, 'listener port written back to the cluster');
      },
      (error: unknown) => {
        const err = error instanceof Error ? error.message : String(error);
        states.set(k, 'failed');
        o.logger.error({ service: a.service, rid: a.rid, port: a.port, err }, 'listener port write-back failed (the port stays allocated in memory; not retried)');
        o.onFailure?.(a, err);
      },
    );
  }

  return {
    record(allocations) {
      for (const a of allocations) {
        if (o.target === 'memory') {
          states.set(key(a.service, a.rid), 'memory');
          o.logger.info({ service: a.service, rid: a.rid, port: a.port, why: o.why }, 'listener port allocated, kept in memory (not written to the cluster)');
          continue;
        }
        o.logger.info({ service: a.service, rid: a.rid, port: a.port }, 'listener port allocated');
        write(a);
      }
    },
    state: (service, rid) => states.get(key(service, rid)),
  };
}
