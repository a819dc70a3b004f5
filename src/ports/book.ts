// The listener-port book of the gateway: the ports every service's exposes use, and the
// allocations the janitor made for exposes asking `listener_port = 0`. Updated per changed
// service. An allocation is made once and never moved: it is kept while its expose asks for an
// allocation on the same address, and dropped once the source reports the port as configured (the
// write-back reached the cluster), or the expose goes away.
import { clusterName } from '../model/names.js';
import type { ExposePort } from './requests.js';
import { lowestFree, normaliseAddress, PortTable } from './table.js';

/** One port the janitor allocated for an expose. */
export interface Allocation {
  readonly service: string;
  readonly rid: string;
  readonly address: string;
  readonly port: number;
}

/** An address and port something listens on (Envoy's own listeners). */
export interface ListenAddress {
  readonly address: string;
  readonly port: number;
}

export interface PortBook {
  readonly table: PortTable;
  readonly byService: Map<string, readonly ExposePort[]>;
  /** By expose (its cluster name). */
  readonly allocations: Map<string, Allocation>;
}

export function createPortBook(): PortBook {
  return { table: new PortTable(), byService: new Map(), allocations: new Map() };
}

function exposeKey(p: { readonly service: string; readonly rid: string }): string {
  return clusterName(p.service, p.rid);
}

function releaseAllocation(book: PortBook, key: string): void {
  const a = book.allocations.get(key);
  if (a === undefined) return;
  book.allocations.delete(key);
  book.table.release(a.address, a.port);
}

/** What a service's exposes use now (undefined: the service is gone or serves nothing here). */
export function updateServicePorts(book: PortBook, path: string, ports: readonly ExposePort[] | undefined): void {
  for (const old of book.byService.get(path) ?? []) if (old.port !== undefined && old.port > 0) book.table.release(old.address, old.port);
  const asking = new Set<string>();
  for (const p of ports ?? []) {
    if (p.port !== undefined && p.port > 0) book.table.take(p.address, p.port);
    if (p.port === 0) asking.add(exposeKey(p));
    const kept = book.allocations.get(exposeKey(p));
    if (kept !== undefined && (p.port !== 0 || normaliseAddress(kept.address) !== normaliseAddress(p.address))) releaseAllocation(book, exposeKey(p));
  }
  for (const old of book.byService.get(path) ?? []) if (!asking.has(exposeKey(old))) releaseAllocation(book, exposeKey(old));
  if (ports === undefined || ports.length === 0) book.byService.delete(path);
  else book.byService.set(path, ports);
}

/** The exposes of these services that ask for a port and have none yet. */
export function pendingRequests(book: PortBook, paths: Iterable<string>): ExposePort[] {
  const out: ExposePort[] = [];
  for (const path of paths) for (const p of book.byService.get(path) ?? []) if (p.port === 0 && !book.allocations.has(exposeKey(p))) out.push(p);
  return out;
}

export function allocatedPort(book: PortBook, service: string, rid: string): number | undefined {
  return book.allocations.get(clusterName(service, rid))?.port;
}

/**
 * Allocate the lowest free port of `range` for each request, in the order given, avoiding Envoy's
 * own listeners. Requests that find no free port are returned as `unavailable`.
 */
export function allocatePorts(
  book: PortBook,
  requests: readonly ExposePort[],
  envoyPorts: readonly ListenAddress[],
  range: { readonly min: number; readonly max: number },
): { readonly allocations: Allocation[]; readonly unavailable: ExposePort[] } {
  const envoy = new PortTable();
  for (const e of envoyPorts) envoy.take(e.address, e.port);
  const allocations: Allocation[] = [];
  const unavailable: ExposePort[] = [];
  for (const r of requests) {
    const port = lowestFree(book.table, envoy, r.address, range);
    if (port === undefined) {
      unavailable.push(r);
      continue;
    }
    const allocation = { service: r.service, rid: r.rid, address: r.address, port };
    book.allocations.set(exposeKey(r), allocation);
    book.table.take(r.address, port);
    allocations.push(allocation);
  }
  return { allocations, unavailable };
}
