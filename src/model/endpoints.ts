// Endpoints of an expose: every instance's ip resource that lists the expose rid in its `expose`
// keyword contributes `ipaddr:<expose port>`. Health comes from the ip resource status.
import { isIP } from 'node:net';
import { canonicalIPv6 } from './keywords.js';
import { compareStrings, type InstanceRef } from './sections.js';
import type { Endpoint, HealthStatus } from './types.js';
import type { ResourceState } from '../source/types.js';

export function healthOf(status: string): HealthStatus {
  return status === 'up' ? 'HEALTHY' : status === 'down' ? 'UNHEALTHY' : 'UNKNOWN';
}

function isIpResource(res: ResourceState): boolean {
  return res.type === 'ip' || res.type.startsWith('ip.');
}

function listsExpose(res: ResourceState, rid: string): boolean {
  const value = res.info['expose'];
  const list = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : [];
  return list.includes(rid);
}

function addressOf(res: ResourceState): string | undefined {
  const value = res.info['ipaddr'];
  if (typeof value !== 'string') return undefined;
  const address = value.trim();
  const family = isIP(address);
  return family === 4 ? address : family === 6 ? canonicalIPv6(address) : undefined;
}

const HEALTH_RANK: Readonly<Record<HealthStatus, number>> = { HEALTHY: 0, UNKNOWN: 1, UNHEALTHY: 2 };

/**
 * Deduplicated by address (one address on two nodes keeps its best health and the first node),
 * sorted by address then node. Addresses that are null, empty or not IP literals are skipped.
 */
export function exposeEndpoints(instances: readonly InstanceRef[], rid: string, port: number): Endpoint[] {
  const byAddress = new Map<string, Endpoint>();
  for (const { instance } of instances) {
    for (const res of Object.values(instance.resources)) {
      if (!isIpResource(res) || !listsExpose(res, rid)) continue;
      const address = addressOf(res);
      if (address === undefined) continue;
      const candidate: Endpoint = { address, port, node: instance.node, health: healthOf(res.status) };
      const known = byAddress.get(address);
      if (known === undefined || better(candidate, known)) byAddress.set(address, candidate);
    }
  }
  return [...byAddress.values()].sort((a, b) => compareStrings(a.address, b.address) || compareStrings(a.node, b.node));
}

function better(a: Endpoint, b: Endpoint): boolean {
  const rank = HEALTH_RANK[a.health] - HEALTH_RANK[b.health];
  return rank < 0 || (rank === 0 && a.node < b.node);
}

/** An ip resource whose `ipaddr` is set but is no IP address: its instance cannot be an endpoint. */
export interface InvalidAddress {
  readonly node: string;
  readonly rid: string;
  readonly value: unknown;
  /** The exposes (of `rids`) it lists. */
  readonly exposes: readonly string[];
}

/** The ip resources listing one of `rids` with an ipaddr that is not an IP literal (null or empty: not known yet, skipped). */
export function invalidAddresses(instances: readonly InstanceRef[], rids: ReadonlySet<string>): InvalidAddress[] {
  const out: InvalidAddress[] = [];
  for (const { instance } of instances) {
    // the ip resources only (most instances have one), in rid order
    const ips = Object.entries(instance.resources).filter(([, res]) => isIpResource(res));
    if (ips.length > 1) ips.sort(([a], [b]) => compareStrings(a, b));
    for (const [rid, res] of ips) {
      const exposes = [...rids].filter((e) => listsExpose(res, e)).sort(compareStrings);
      const value = res.info['ipaddr'];
      if (exposes.length === 0 || value === null || value === undefined || value === '' || addressOf(res) !== undefined) continue;
      out.push({ node: instance.node, rid, value, exposes });
    }
  }
  return out;
}
