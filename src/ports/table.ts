// Which listener ports are taken, on which addresses: every expose of the gateway that listens on
// a port (its own listener_port, or its backend port by default), every allocation the janitor
// made, and Envoy's own listeners. Kept up to date per changed service, so an allocation costs
// the allocation, not a scan of the cluster.
//
// A port is free for an address when nothing uses it on that address or on a wildcard (0.0.0.0 and
// :: collide with every address), and a wildcard request collides with every user. The protocol
// is not considered: a port used by a UDP listener is not offered to a TCP one either.
import { canonicalIPv6 } from '../model/keywords.js';

export function normaliseAddress(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1');
  return a.includes(':') ? canonicalIPv6(a) : a;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/** Users per (port, address), counted: two exposes on one port release it one at a time. */
export class PortTable {
  readonly #byPort = new Map<number, Map<string, number>>();

  take(address: string, port: number): void {
    const users = this.#byPort.get(port) ?? new Map<string, number>();
    const a = normaliseAddress(address);
    users.set(a, (users.get(a) ?? 0) + 1);
    this.#byPort.set(port, users);
  }

  release(address: string, port: number): void {
    const users = this.#byPort.get(port);
    const a = normaliseAddress(address);
    const n = users?.get(a);
    if (users === undefined || n === undefined) return;
    if (n > 1) users.set(a, n - 1);
    else users.delete(a);
    if (users.size === 0) this.#byPort.delete(port);
  }

  isFree(address: string, port: number): boolean {
    const users = this.#byPort.get(port);
    if (users === undefined) return true;
    const a = normaliseAddress(address);
    if (isWildcard(a)) return false;
    for (const u of users.keys()) if (u === a || isWildcard(u)) return false;
    return true;
  }
}

/** The lowest port of the range free for `address`, also free of `extra` (Envoy's own listeners). */
export function lowestFree(table: PortTable, extra: PortTable, address: string, range: { readonly min: number; readonly max: number }): number | undefined {
  const max = Math.min(65535, range.max);
  for (let port = Math.max(1, range.min); port <= max; port++) {
    if (table.isFree(address, port) && extra.isFree(address, port)) return port;
  }
  return undefined;
}
