// listener_port = 0: the allocations the janitor made, and their write-back through the source.
// An allocation is made once, written back once, and never moved while its write-back is pending
// (nor after: the source then reports the port as configured).
import type { Logger } from '../log.js';
import type { Source } from '../source/types.js';
import type { ListenAddress, PortAllocation } from './types.js';

export type WriteBack = 'pending' | 'written' | 'in memory' | 'failed';

export interface PortBook {
  /** The port allocated for this expose, if any. */
  get(service: string, rid: string): number | undefined;
  all(): PortAllocation[];
  /** Record new allocations and start their write-back. */
  record(allocations: readonly PortAllocation[]): void;
  status(service: string, rid: string): WriteBack | undefined;
}

export function createPortBook(source: Pick<Source, 'setListenerPort'>, logger: Logger): PortBook {
  const book = new Map<string, { allocation: PortAllocation; state: WriteBack }>();
  const key = (service: string, rid: string): string => `${service}\u0000${rid}`;

  function writeBack(allocation: PortAllocation): void {
    const entry = book.get(key(allocation.service, allocation.rid));
    source.setListenerPort(allocation.service, allocation.rid, allocation.port).then(
      (outcome) => {
        // a source that cannot persist it (the file source) says so: no write-back is claimed
        const kept = outcome === 'kept in memory';
        if (entry) entry.state = kept ? 'in memory' : 'written';
        logger.info({ service: allocation.service, rid: allocation.rid, port: allocation.port }, kept ? 'listener port kept in memory (the source does not persist it)' : 'listener port written back');
      },
      (error: unknown) => {
        if (entry) entry.state = 'failed';
        logger.error(
          { service: allocation.service, rid: allocation.rid, port: allocation.port, error: error instanceof Error ? error.message : String(error) },
          'listener port write-back failed (the port stays allocated in memory; not retried)',
        );
      },
    );
  }

  return {
    get: (service, rid) => book.get(key(service, rid))?.allocation.port,
    all: () => [...book.values()].map((e) => e.allocation),
    status: (service, rid) => book.get(key(service, rid))?.state,
    record(allocations) {
      for (const allocation of allocations) {
        const k = key(allocation.service, allocation.rid);
        if (book.has(k)) continue;
        book.set(k, { allocation, state: 'pending' });
        logger.info({ service: allocation.service, rid: allocation.rid, port: allocation.port }, 'listener port allocated');
        writeBack(allocation);
      }
    },
  };
}

interface EnvoyAddress {
  readonly socket_address?: { readonly address?: string; readonly port_value?: number };
}

interface EnvoyListenerStatus {
  readonly local_address?: EnvoyAddress;
  readonly additional_local_addresses?: readonly EnvoyAddress[];
}

function listenAddress(a: EnvoyAddress | undefined): ListenAddress[] {
  const port = a?.socket_address?.port_value;
  return typeof port === 'number' && port > 0 ? [{ address: a?.socket_address?.address ?? '0.0.0.0', port }] : [];
}

/**
 * Where Envoy listens itself, from its admin `/listeners?format=json` ({listener_statuses: [...]});
 * [] when it does not answer within the timeout (Envoy not started yet, or elsewhere).
 */
export async function envoyListenerPorts(envoyAdminPort: number, timeoutMs = 300): Promise<ListenAddress[]> {
  try {
    const response = await fetch(`http://127.0.0.1:${envoyAdminPort}/listeners?format=json`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return [];
    const body = (await response.json()) as { listener_statuses?: readonly EnvoyListenerStatus[] };
    return (body.listener_statuses ?? []).flatMap((s) => [s.local_address, ...(s.additional_local_addresses ?? [])].flatMap(listenAddress));
  } catch {
    return [];
  }
}
