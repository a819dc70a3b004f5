// The RouteConfiguration of a listener's plain-HTTP chain, shared by the plain-HTTP units on it,
// assembled from their virtual hosts as encoded when each unit was compiled. A host name brought
// by one virtual host stays in it; a host name several services bring (a path split of one domain
// across services) gets one merged virtual host, `shared/<host>`, with every service's routes for
// it, most specific match first (exact paths, then prefixes longest first, then regexes), a route
// whose match another service already has there left out (conflicts.ts decided which).
import { MSG } from '../envoy/core.js';
import { RouteConfiguration } from '../envoy/route.js';
import { sharedVhostName } from '../model/names.js';
import type { RouteMatch } from '../model/types.js';
import { routeDomains } from '../model/vhost.js';
import { encodeMessage } from '../proto/codec.js';
import { compareStrings } from '../proto/json.js';
import { concatBytes, fieldNumber } from '../proto/parts.js';
import { checkedBytes } from '../validate/check.js';
import type { ExposeUnit, RoutePart, VhostPart } from './units.js';

const VIRTUAL_HOSTS = fieldNumber(MSG.routeConfiguration, 'virtual_hosts');

export interface RouteEntry {
  readonly name: string;
  readonly members: Map<string, ExposeUnit>;
}

export type RouteEntries = Map<string, RouteEntry>;

export function joinRoutes(entries: RouteEntries, unit: ExposeUnit): void {
  if (unit.vhosts.length === 0) return;
  let entry = entries.get(unit.listener);
  if (entry === undefined) entries.set(unit.listener, (entry = { name: unit.listener, members: new Map() }));
  entry.members.set(unit.id, unit);
}

export function leaveRoutes(entries: RouteEntries, unit: ExposeUnit): void {
  const entry = entries.get(unit.listener);
  entry?.members.delete(unit.id);
  if (entry?.members.size === 0) entries.delete(unit.listener);
}

export function routeKey(listener: string, hostname: string, matchKey: string): string {
  return `route\u0000${listener}\u0000${hostname}\u0000${matchKey}`;
}

function specificity(m: RouteMatch): readonly [number, number] {
  if (m.kind === 'path') return [0, 0];
  if (m.kind === 'prefix') return [1, -m.value.length];
  return [2, 0];
}

interface Placed {
  readonly unit: ExposeUnit;
  readonly vhost: VhostPart;
}

export interface RouteContext {
  /** Route keys a unit lost to another (not served). */
  readonly lost: (unit: string) => ReadonlyMap<string, string> | undefined;
  /** Rank of a unit (older first) for the order of equally specific routes. */
  readonly rank: (unit: string) => readonly (number | string)[];
  readonly compareRanks: (a: readonly (number | string)[], b: readonly (number | string)[]) => number;
}

function mergedVhost(entry: RouteEntry, hostname: string, placed: readonly Placed[], ctx: RouteContext): Uint8Array | undefined {
  const routes: { readonly unit: ExposeUnit; readonly index: number; readonly route: RoutePart }[] = [];
  for (const { unit, vhost } of placed) {
    const lost = ctx.lost(unit.id);
    vhost.routes.forEach((route, index) => {
      if (!lost?.has(routeKey(entry.name, hostname, route.matchKey))) routes.push({ unit, index, route });
    });
  }
  routes.sort((a, b) => {
    const [ka, la] = specificity(a.route.match);
    const [kb, lb] = specificity(b.route.match);
    return ka - kb || la - lb || ctx.compareRanks(ctx.rank(a.unit.id), ctx.rank(b.unit.id)) || a.index - b.index;
  });
  const port = placed[0]?.vhost.listenerPort ?? 0;
  const vhost = { name: sharedVhostName(hostname), domains: routeDomains([hostname], port), routes: routes.map((r) => r.route.json) };
  // every route was checked inside its own virtual host; the merged one is checked whole anyway
  return checkedBytes(MSG.virtualHost, vhost, VIRTUAL_HOSTS).bytes;
}

function ownPart(v: VhostPart, own: readonly string[]): Uint8Array {
  if (own.length === v.hostnames.length) return v.framed;
  const vhost = { name: v.name, domains: routeDomains(own, v.listenerPort), routes: v.routes.map((r) => r.json) };
  return encodeMessage(MSG.virtualHost, vhost, VIRTUAL_HOSTS);
}

/** The shared RouteConfiguration's bytes, or undefined when no virtual host is left on it. */
export function assembleRoutes(entry: RouteEntry, ctx: RouteContext): Uint8Array | undefined {
  const byHost = new Map<string, Placed[]>();
  for (const unit of entry.members.values()) {
    for (const vhost of unit.vhosts) {
      for (const h of vhost.hostnames) {
        const list = byHost.get(h);
        if (list) list.push({ unit, vhost });
        else byHost.set(h, [{ unit, vhost }]);
      }
    }
  }
  const parts: { readonly name: string; readonly bytes: Uint8Array }[] = [];
  for (const unit of entry.members.values()) {
    for (const vhost of unit.vhosts) {
      const own = vhost.hostnames.filter((h) => (byHost.get(h)?.length ?? 0) === 1);
      if (own.length > 0) parts.push({ name: vhost.name, bytes: ownPart(vhost, own) });
    }
  }
  for (const [hostname, placed] of byHost) {
    if (placed.length < 2) continue;
    const bytes = mergedVhost(entry, hostname, placed, ctx);
    if (bytes !== undefined) parts.push({ name: sharedVhostName(hostname), bytes });
  }
  if (parts.length === 0) return undefined;
  parts.sort((a, b) => compareStrings(a.name, b.name));
  return concatBytes([encodeMessage(MSG.routeConfiguration, RouteConfiguration(entry.name, [])), ...parts.map((p) => p.bytes)]);
}
