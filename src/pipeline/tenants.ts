// The tenant keys of conflicts.ts: host names owned by namespaces and the listener addresses they
// listen on. A host name belongs to the namespace first served with it, on every listener; the
// most specific owned name over a claimed one decides (the name itself, else the narrowest
// wildcard covering it, as Envoy picks): another namespace's means a refusal. A specific listener
// address is refused while another namespace listens on the wildcard address of its family, port
// and protocol, unless its own namespace already listens on that specific address.
// A newcomer's wildcard (name or address) over what another namespace holds takes nothing and is
// allowed: those nested holders are tracked, so a restart reserves them (contestedHolders).
import { hostKey, type Claim } from './claims.js';
import { coveredTail, coveringWildcards, covers, nameTail, wildcardSuffix } from './coverage.js';
import { findMember, type Members } from './members.js';

export interface Holder {
  readonly unit: string;
  /** join and tenant keys: the members. */
  readonly members?: Members;
}

/** A key kept for its holder before a restart while the first snapshot is decided. */
export interface Reservation {
  readonly unit: string;
  /** The data that holder brings (join keys). */
  readonly content: string;
  readonly namespace: string;
  /** A shared chain: the namespaces that were on it (when several were). */
  readonly namespaces?: ReadonlySet<string>;
}

export interface Reserved {
  readonly keys: ReadonlyMap<string, Reservation>;
  /** Suffix lengths of the wildcard host names reserved. */
  readonly lengths: ReadonlySet<number>;
  /** Address → namespaces it is reserved for. */
  readonly addresses: ReadonlyMap<string, ReadonlySet<string>>;
}

export const NO_RESERVATION: Reserved = { keys: new Map(), lengths: new Set(), addresses: new Map() };

/** Reservations indexed as the tenant checks read them. */
export function reservedIndex(keys: ReadonlyMap<string, Reservation>, claims: ReadonlyMap<string, Claim>): Reserved {
  const lengths = new Set<number>();
  const addresses = new Map<string, Set<string>>();
  for (const key of keys.keys()) {
    const claim = claims.get(key);
    if (claim?.mode === 'address') addTo(addresses, addressOf(claim), claim.namespace);
    const suffix = claim?.mode === 'host' ? wildcardSuffix(claim.hostname ?? '') : undefined;
    if (suffix !== undefined) lengths.add(suffix.length);
  }
  return { keys, lengths, addresses };
}

/** Why a candidate is refused: its claim (what it says adapted to the case), who holds it, the key it waits for. */
export interface Block {
  readonly claim: Claim;
  readonly holder: string;
  readonly waitOn: string;
}

export interface TenantIndex {
  /** Host names held, by their last two labels (coverage.ts nameTail). */
  readonly hosts: Map<string, Set<string>>;
  /** Suffix length → number of wildcard host names held with it. */
  readonly lengths: Map<number, number>;
  /** Host keys that may sit under another namespace's wildcard (checked when read). */
  readonly nested: Set<string>;
  /** Address (key without namespace) → the namespaces listening there. */
  readonly addresses: Map<string, Set<string>>;
  /** Wildcard address → the specific address keys held under it. */
  readonly specifics: Map<string, Set<string>>;
}

export interface Tenancy {
  readonly holders: ReadonlyMap<string, Holder>;
  readonly tenants: TenantIndex;
  /** True when the unit's current version is refused (an earlier one may still hold keys). */
  readonly refused: (unit: string) => boolean;
}

/** The tenant checks' view of the conflict state. */
export function tenancyOf(s: { readonly holders: ReadonlyMap<string, Holder>; readonly tenants: TenantIndex; readonly waiting: ReadonlyMap<string, { readonly refused: boolean }> }): Tenancy {
  return { holders: s.holders, tenants: s.tenants, refused: (unit) => s.waiting.get(unit)?.refused === true };
}

export function createTenantIndex(): TenantIndex {
  return { hosts: new Map(), lengths: new Map(), nested: new Set(), addresses: new Map(), specifics: new Map() };
}

function adapted(claim: Claim, why: string): Claim {
  return { ...claim, what: `${claim.what} (${why})` };
}

/** The namespace owning a key and a unit of it: its members', else its reservation's. */
export function ownerOf(t: Tenancy, key: string, reserved: Reserved): { readonly namespace: string; readonly unit: string } | undefined {
  const members = t.holders.get(key)?.members;
  const namespace = members?.byNamespace.keys().next().value;
  if (members !== undefined && namespace !== undefined) {
    const unit = findMember(members, (ns) => ns === namespace, undefined, (u) => !t.refused(u));
    if (unit !== undefined) return { namespace, unit };
  }
  const r = reserved.keys.get(key);
  return r === undefined ? undefined : { namespace: r.namespace, unit: r.unit };
}

const NONE: readonly number[] = [];

function heldLengths(t: Tenancy, reserved: Reserved): readonly number[] {
  if (reserved.lengths.size === 0) return t.tenants.lengths.size === 0 ? NONE : [...t.tenants.lengths.keys()];
  return [...new Set([...t.tenants.lengths.keys(), ...reserved.lengths])];
}

export function hostBlock(t: Tenancy, claim: Claim, reserved: Reserved): Block | undefined {
  const name = claim.hostname ?? '';
  const own = ownerOf(t, claim.key, reserved);
  if (own !== undefined) {
    if (own.namespace === claim.namespace) return undefined;
    return { claim: adapted(claim, `namespace ${own.namespace}'s: a host name belongs to the first namespace served with it, on every listener`), holder: own.unit, waitOn: claim.key };
  }
  const lengths = heldLengths(t, reserved);
  if (lengths.length === 0) return undefined; // no wildcard held: nothing covers it
  for (const wildcard of coveringWildcards(name, lengths)) {
    const key = hostKey(wildcard);
    const owner = ownerOf(t, key, reserved);
    if (owner === undefined) continue;
    if (owner.namespace === claim.namespace) return undefined; // under its own namespace's wildcard
    return { claim: adapted(claim, `under ${wildcard}, namespace ${owner.namespace}'s: a wildcard covers the names it matches`), holder: owner.unit, waitOn: key };
  }
  return undefined;
}

/** The address an address key names (its key without the namespace). */
function addressOf(claim: Claim): string {
  return claim.key.slice(0, claim.key.length - claim.namespace.length - 1);
}

/** Namespaces listening on an address (held, or reserved for a restart). */
function listening(t: Tenancy, address: string, reserved: Reserved): Iterable<string> {
  const held = t.tenants.addresses.get(address) ?? new Set<string>();
  const kept = reserved.addresses.get(address);
  return kept === undefined ? held : new Set([...held, ...kept]);
}

export function addressBlock(t: Tenancy, claim: Claim, reserved: Reserved): Block | undefined {
  const under = claim.under;
  if (under === undefined || t.holders.has(claim.key) || reserved.keys.has(claim.key)) return undefined;
  for (const namespace of listening(t, under, reserved)) {
    if (namespace === claim.namespace) continue;
    const key = `${under}\u0000${namespace}`;
    const holder = ownerOf(t, key, reserved)?.unit;
    if (holder === undefined) continue;
    return { claim: adapted(claim, `namespace ${namespace} listens on the wildcard address of this port: a specific address would take its connections to that address`), holder, waitOn: key };
  }
  return undefined;
}

function hostsUnder(index: TenantIndex, wildcard: string): Iterable<string> {
  const tail = coveredTail(wildcard);
  return tail === undefined ? [] : (index.hosts.get(tail) ?? []); // wider wildcards cover nothing
}

/** A tenant key that has just got its first members (of `claim.namespace`). */
export function noteHeld(t: Tenancy, claim: Claim): void {
  const index = t.tenants;
  if (claim.mode === 'address') {
    addTo(index.addresses, addressOf(claim), claim.namespace);
    if (claim.under !== undefined) addTo(index.specifics, claim.under, claim.key);
    return;
  }
  const name = claim.hostname ?? '';
  const tail = nameTail(name);
  const set = index.hosts.get(tail) ?? new Set<string>();
  index.hosts.set(tail, set);
  set.add(name);
  // under another namespace's wildcard (kept through a restart reservation, or an edit)
  if (index.lengths.size > 0 && coveringWildcards(name, index.lengths.keys()).some((w) => isOther(t, hostKey(w), claim.namespace))) index.nested.add(claim.key);
  const suffix = wildcardSuffix(name);
  if (suffix === undefined) return;
  index.lengths.set(suffix.length, (index.lengths.get(suffix.length) ?? 0) + 1);
  for (const other of hostsUnder(index, name)) {
    if (covers(name, other) && isOther(t, hostKey(other), claim.namespace)) index.nested.add(hostKey(other));
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  map.set(key, set);
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}

function isOther(t: Tenancy, key: string, namespace: string): boolean {
  const members = t.holders.get(key)?.members;
  return members !== undefined && members.units.size > 0 && !members.byNamespace.has(namespace);
}

/** A tenant key that has no member left. */
export function noteReleased(index: TenantIndex, claim: Claim): void {
  if (claim.mode === 'address') {
    removeFrom(index.addresses, addressOf(claim), claim.namespace);
    if (claim.under !== undefined) removeFrom(index.specifics, claim.under, claim.key);
    return;
  }
  const name = claim.hostname ?? '';
  const tail = nameTail(name);
  const set = index.hosts.get(tail);
  set?.delete(name);
  if (set?.size === 0) index.hosts.delete(tail);
  index.nested.delete(claim.key);
  const suffix = wildcardSuffix(name);
  if (suffix === undefined) return;
  const count = (index.lengths.get(suffix.length) ?? 0) - 1;
  if (count > 0) index.lengths.set(suffix.length, count);
  else index.lengths.delete(suffix.length);
}

/** Tenant keys of other namespaces a wildcard claim would cover (names under a wildcard name, specific addresses under a wildcard address). */
export function coveredBy(t: Tenancy, claim: Claim): string[] {
  if (claim.mode === 'address') {
    if (claim.under !== undefined) return [];
    const specifics = t.tenants.specifics.get(addressOf(claim)) ?? [];
    return [...specifics].filter((key) => !key.endsWith(`\u0000${claim.namespace}`));
  }
  const name = claim.hostname ?? '';
  if (claim.mode !== 'host' || wildcardSuffix(name) === undefined) return [];
  return [...hostsUnder(t.tenants, name)].filter((other) => covers(name, other) && isOther(t, hostKey(other), claim.namespace)).map(hostKey);
}

/**
 * Tenant keys held under another namespace's wildcard, with a unit of their namespace: a restart
 * must reserve them, or a wildcard's older service, deciding first, would take them.
 */
export function nestedHolders(t: Tenancy): Map<string, string> {
  const out = new Map<string, string>();
  const index = t.tenants;
  for (const key of [...index.nested]) {
    const owner = ownerOf(t, key, NO_RESERVATION);
    const name = key.slice(key.indexOf('\u0000') + 1);
    const under = owner !== undefined && coveringWildcards(name, index.lengths.keys()).some((w) => isOther(t, hostKey(w), owner.namespace));
    if (owner === undefined || !under) index.nested.delete(key);
    else out.set(key, owner.unit);
  }
  for (const [wildcard, specifics] of index.specifics) {
    const there = index.addresses.get(wildcard);
    for (const key of specifics) {
      const namespace = key.slice(key.lastIndexOf('\u0000') + 1);
      const owner = there !== undefined && [...there].some((ns) => ns !== namespace) ? ownerOf(t, key, NO_RESERVATION) : undefined;
      if (owner !== undefined) out.set(key, owner.unit);
    }
  }
  return out;
}
