// Listener port allocation for exposes asking `listener_port = 0`: the lowest free port of the
// range, the same on every janitor given the same state. A port is taken when another listener
// of this gateway, or one of Envoy's own listeners, uses it on the same address or on a wildcard
// (0.0.0.0 and :: collide with every address, and a wildcard request collides with everything).
// An allocation still waiting for its write-back (`previous`) is kept as it is. The protocol is
// not considered: a port used by a UDP listener is not offered to a TCP one either.
import { canonicalIPv6, parseAddress, parseListenerPort, parsePort } from './keywords.js';
import { problem } from './problems.js';
import { compareStrings, exposeRids, isScalerSlave, keyword, readService } from './sections.js';
import type { Problem } from './types.js';
import type { ClusterState } from '../source/types.js';

export interface PortRequest {
  readonly service: string;
  readonly rid: string;
  readonly address: string;
}

export interface PortUse {
  readonly address: string;
  readonly port: number;
}

export interface PortAllocationInput {
  readonly requests: readonly PortRequest[];
  readonly used: readonly PortUse[];
  readonly envoyPorts: readonly PortUse[];
  readonly range: { readonly min: number; readonly max: number };
  /** Allocations made earlier and not yet seen back in the state, by `<service>|<rid>`. */
  readonly previous: ReadonlyMap<string, number>;
}

export function portKey(service: string, rid: string): string {
  return `${service}|${rid}`;
}

function normalise(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1');
  return a.includes(':') ? canonicalIPv6(a) : a;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/** Addresses using each port. */
class PortTable {
  readonly #byPort = new Map<number, Set<string>>();

  take(address: string, port: number): void {
    const set = this.#byPort.get(port) ?? new Set<string>();
    set.add(normalise(address));
    this.#byPort.set(port, set);
  }

  /** `address` already normalised. */
  isFree(address: string, port: number): boolean {
    const users = this.#byPort.get(port);
    if (users === undefined) return true;
    if (isWildcard(address)) return false;
    for (const u of users) if (u === address || isWildcard(u)) return false;
    return true;
  }
}

/**
 * Lowest free port per address. Ports are only ever taken during one allocation, so the lowest
 * free port of an address never goes down: each address keeps a cursor and the whole run stays
 * linear in the size of the range.
 */
function lowestFreeFinder(table: PortTable, range: { min: number; max: number }): (address: string) => number | undefined {
  const cursors = new Map<string, number>();
  const max = Math.min(65535, range.max);
  return (raw) => {
    const address = normalise(raw);
    let port = cursors.get(address) ?? Math.max(1, range.min);
    while (port <= max && !table.isFree(address, port)) port += 1;
    cursors.set(address, port);
    return port <= max ? port : undefined;
  };
}

export function allocatePorts(input: PortAllocationInput): { ports: Map<string, number>; problems: Problem[] } {
  const table = new PortTable();
  for (const u of [...input.used, ...input.envoyPorts]) table.take(u.address, u.port);
  const requests = [...new Map(input.requests.map((r) => [portKey(r.service, r.rid), r])).values()].sort((a, b) =>
    compareStrings(portKey(a.service, a.rid), portKey(b.service, b.rid)),
  );
  const ports = new Map<string, number>();
  for (const r of requests) {
    const kept = input.previous.get(portKey(r.service, r.rid));
    if (kept === undefined) continue;
    ports.set(portKey(r.service, r.rid), kept);
    table.take(r.address, kept);
  }
  const problems: Problem[] = [];
  const lowestFree = lowestFreeFinder(table, input.range);
  for (const r of requests) {
    const key = portKey(r.service, r.rid);
    if (ports.has(key)) continue;
    const port = lowestFree(r.address);
    if (port === undefined) {
      const { min, max } = input.range;
      problems.push(problem({ service: r.service, section: r.rid }, 'listener_port', 'PortUnavailable', `listener_port 0 asks for a free port in ${min}-${max} on ${r.address}, and every port of that range is taken.`, 0));
      continue;
    }
    ports.set(key, port);
    table.take(r.address, port);
  }
  return { ports, problems };
}

interface ExposeKeywords {
  readonly service: string;
  readonly rid: string;
  readonly address: string;
  /** `listener_port` when set, else the backend `port`; 0 asks for an allocation. */
  readonly listenerPort: number | undefined;
}

/** The exposes of this gateway with their listener address and port, read without full validation. */
function gatewayExposes(state: ClusterState, gateway: string): ExposeKeywords[] {
  const out: ExposeKeywords[] = [];
  for (const path of state.services.keys()) {
    if (isScalerSlave(state, path)) continue;
    const svc = readService(state, path);
    for (const rid of exposeRids(svc, gateway)) {
      const res = svc.sections.get(rid);
      if (res === undefined) continue;
      const addr = keyword(res, 'listener_addr');
      const parsedAddr = addr === undefined ? { ok: true as const, value: '0.0.0.0' } : parseAddress(addr);
      const lp = keyword(res, 'listener_port');
      const parsed = lp === undefined ? parsePort(keyword(res, 'port')) : parseListenerPort(lp);
      if (!parsedAddr.ok) continue;
      out.push({ service: path, rid, address: parsedAddr.value, listenerPort: parsed.ok ? parsed.value : undefined });
    }
  }
  return out;
}

/** Exposes of this gateway asking `listener_port = 0`. */
export function portRequests(state: ClusterState, gateway: string): PortRequest[] {
  return gatewayExposes(state, gateway)
    .filter((e) => e.listenerPort === 0)
    .map(({ service, rid, address }) => ({ service, rid, address }));
}

/** Listener ports already used by exposes of this gateway (`listener_port`, or `port` when absent). */
export function usedListenerPorts(state: ClusterState, gateway: string): PortUse[] {
  return gatewayExposes(state, gateway)
    .filter((e): e is ExposeKeywords & { listenerPort: number } => e.listenerPort !== undefined && e.listenerPort > 0)
    .map(({ address, listenerPort }) => ({ address, port: listenerPort }));
}
