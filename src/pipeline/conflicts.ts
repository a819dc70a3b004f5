// Conflicts between services, decided in one place. The rule: what is served keeps being served.
// A unit (one expose's version) holds the keys it claims (claims.ts). A new version, or a new unit,
// that asks for a key another unit holds is refused: its earlier version, if any, keeps being
// served with the keys it held, and it waits for the key. When the key is released, waiting units
// are tried again, oldest first. Route keys are softer: the colliding route alone is left out.
// Tenants are namespaces: host names and listener addresses are theirs (tenants.ts), and a shared
// plain-HTTP chain takes members of several namespaces only when they bring the same data.
// Among units that arrive together (a first snapshot, or a burst) the older object wins: units are
// tried in rank order (the caller's: age of the service, then path and rid). After a restart, the
// janitor's record of contested keys (`recorded`, record.ts) reserves each for its last holder
// while the first snapshot is decided, so a restart never flips a winner.
import type { Claim } from './claims.js';
import { addMember, createMembers, findMember, othersData, removeMember } from './members.js';
import { reservations, tenantKeysOf } from './record.js';
import { addressBlock, createTenantIndex, hostBlock, noteHeld, noteReleased, tenancyOf, NO_RESERVATION, type Block, type Holder, type Reservation, type Reserved, type TenantIndex } from './tenants.js';

export { contestedHolders } from './record.js';

export interface Candidate {
  readonly unit: string;
  readonly claims: readonly Claim[];
}

export interface Waiting {
  readonly candidate: Candidate;
  readonly keys: readonly string[];
  /** Its current version is refused (else it is served, and waits for routes it lost). */
  readonly refused: boolean;
}

export interface ConflictState {
  readonly holders: Map<string, Holder>;
  /** The claims each unit holds (route claims it lost excluded). */
  readonly held: Map<string, readonly Claim[]>;
  /** Units waiting for keys: refused versions, and units with routes lost to another. */
  readonly waiting: Map<string, Waiting>;
  readonly waitersByKey: Map<string, Set<string>>;
  /** Route keys a served unit lost, by unit. */
  readonly lost: Map<string, ReadonlyMap<string, string>>;
  /** Restart record: contested key → its holder then. Used by the next resolve, then cleared. */
  recorded: ReadonlyMap<string, string>;
  /** The join keys held (shared plain-HTTP chains): few, one per listener. */
  readonly shared: Set<string>;
  readonly tenants: TenantIndex;
}

export type Decision =
  | { readonly kind: 'accepted'; readonly candidate: Candidate; readonly lost: readonly { readonly claim: Claim; readonly holder: string }[] }
  | { readonly kind: 'refused'; readonly candidate: Candidate; readonly claim: Claim; readonly holder: string };

export function createConflictState(recorded: ReadonlyMap<string, string> = new Map()): ConflictState {
  return { holders: new Map(), held: new Map(), waiting: new Map(), waitersByKey: new Map(), lost: new Map(), recorded, shared: new Set(), tenants: createTenantIndex() };
}

function exclusiveBlock(s: ConflictState, unit: string, claim: Claim, reserved: Reserved): Block | undefined {
  const r = reserved.keys.get(claim.key);
  if (r !== undefined && r.unit !== unit) return { claim, holder: r.unit, waitOn: claim.key };
  const h = s.holders.get(claim.key);
  // a shared chain's key (the default chain of a plain-HTTP listener) is shut while another unit is on it
  const other = h?.members === undefined ? h?.unit : findMember(h.members, () => true, unit);
  return other !== undefined && other !== unit ? { claim, holder: other, waitOn: claim.key } : undefined;
}

function strangers(claim: Claim, namespace: string): Claim {
  return { ...claim, what: `${claim.what} (namespace ${namespace} is on it with other filter_config_data or http2: namespaces share it only with the same data, or all with none)` };
}

/**
 * Whether a shared chain reserved for another admits `claim` while the first snapshot is decided:
 * the same data, or none from a namespace that was on it; when several namespaces were on it
 * (`namespaces`), only theirs.
 */
function admits(r: Reservation, claim: Claim): boolean {
  const onIt = r.namespaces?.has(claim.namespace) ?? r.namespace === claim.namespace;
  if (r.namespaces !== undefined && !onIt) return false;
  return claim.content === r.content || (claim.content === '' && onIt);
}

function joinBlock(s: ConflictState, unit: string, claim: Claim, reserved: Reserved): Block | undefined {
  const r = reserved.keys.get(claim.key);
  if (r !== undefined && r.unit !== unit && !admits(r, claim)) {
    return { claim: r.namespace === claim.namespace ? claim : strangers(claim, r.namespace), holder: r.unit, waitOn: claim.key };
  }
  const h = s.holders.get(claim.key);
  if (h === undefined) return undefined;
  if (h.members === undefined) return h.unit === unit ? undefined : { claim, holder: h.unit, waitOn: claim.key }; // a TCP expose's default chain
  if (r?.unit === unit) return undefined; // its holder brings the chain's data back
  if (h.members.units.get(unit)?.content === claim.content) return undefined; // on the chain with this data already (decided again for a lost route)
  const stranger = findMember(h.members, (ns, content) => ns !== claim.namespace && content !== claim.content);
  const namespace = stranger === undefined ? undefined : h.members.units.get(stranger)?.namespace;
  if (stranger !== undefined && namespace !== undefined) return { claim: strangers(claim, namespace), holder: stranger, waitOn: claim.key };
  const others = othersData(h.members, unit);
  return others.any && claim.content !== '' && claim.content !== others.content ? { claim, holder: h.unit, waitOn: claim.key } : undefined;
}

function blocking(s: ConflictState, c: Candidate, reserved: Reserved): Block | undefined {
  const t = tenancyOf(s);
  for (const claim of c.claims) {
    let block: Block | undefined;
    if (claim.mode === 'exclusive') block = exclusiveBlock(s, c.unit, claim, reserved);
    else if (claim.mode === 'join') block = joinBlock(s, c.unit, claim, reserved);
    else if (claim.mode === 'host') block = hostBlock(t, claim, reserved);
    else if (claim.mode === 'address') block = addressBlock(t, claim, reserved);
    if (block !== undefined) return block;
  }
  return undefined;
}

function releaseKey(s: ConflictState, claim: Claim, unit: string, freed: Set<string>): void {
  const h = s.holders.get(claim.key);
  if (h === undefined) return;
  if (h.members !== undefined) {
    if (!removeMember(h.members, unit)) return;
    freed.add(claim.key);
    if (h.members.units.size === 0) {
      s.holders.delete(claim.key);
      s.shared.delete(claim.key);
      if (claim.mode === 'host' || claim.mode === 'address') noteReleased(s.tenants, claim);
    } else if (h.unit === unit) s.holders.set(claim.key, { unit: h.members.units.keys().next().value ?? unit, members: h.members });
    return;
  }
  if (h.unit !== unit) return;
  s.holders.delete(claim.key);
  freed.add(claim.key);
}

/** Release everything a unit holds. */
export function releaseUnit(s: ConflictState, unit: string, freed: Set<string>): void {
  for (const claim of s.held.get(unit) ?? []) releaseKey(s, claim, unit, freed);
  s.held.delete(unit);
  s.lost.delete(unit);
}

/** Join a key several units hold (a shared chain, a tenant key). */
function join(s: ConflictState, claim: Claim, unit: string): void {
  const h = s.holders.get(claim.key);
  if (h?.members !== undefined) {
    addMember(h.members, unit, claim.namespace, claim.content);
    return;
  }
  const members = createMembers();
  addMember(members, unit, claim.namespace, claim.content);
  s.holders.set(claim.key, { unit, members });
  if (claim.mode === 'join') s.shared.add(claim.key);
  else noteHeld(tenancyOf(s), claim);
}

function register(s: ConflictState, c: Candidate, reserved: Reserved): { claim: Claim; holder: string }[] {
  const kept: Claim[] = [];
  const lost: { claim: Claim; holder: string }[] = [];
  for (const claim of c.claims) {
    const h = s.holders.get(claim.key);
    // a route key reserved for its holder before a restart is left out like a held one
    const reservedBy = claim.mode === 'route' && h === undefined ? reserved.keys.get(claim.key)?.unit : undefined;
    if (claim.mode === 'join' || claim.mode === 'host' || claim.mode === 'address') {
      join(s, claim, c.unit);
    } else if (h !== undefined && h.unit !== c.unit) {
      lost.push({ claim, holder: h.unit });
      continue;
    } else if (reservedBy !== undefined && reservedBy !== c.unit) {
      lost.push({ claim, holder: reservedBy });
      continue;
    } else {
      s.holders.set(claim.key, { unit: c.unit });
    }
    kept.push(claim);
  }
  s.held.set(c.unit, kept);
  if (lost.length > 0) s.lost.set(c.unit, new Map(lost.map((l) => [l.claim.key, l.holder])));
  else s.lost.delete(c.unit);
  return lost;
}

export function dropWaiter(s: ConflictState, unit: string): void {
  const w = s.waiting.get(unit);
  if (w === undefined) return;
  s.waiting.delete(unit);
  for (const key of w.keys) {
    const set = s.waitersByKey.get(key);
    set?.delete(unit);
    if (set?.size === 0) s.waitersByKey.delete(key);
  }
}

function addWaiter(s: ConflictState, c: Candidate, keys: readonly string[], refused: boolean): void {
  dropWaiter(s, c.unit);
  s.waiting.set(c.unit, { candidate: c, keys, refused });
  for (const key of keys) {
    const set = s.waitersByKey.get(key) ?? new Set<string>();
    set.add(c.unit);
    s.waitersByKey.set(key, set);
  }
}

/**
 * Decide candidates (new versions and new units, in rank order) after removing `removed` units.
 * Returns every decision made, in order: the last one per unit stands.
 */
export function resolve(s: ConflictState, removed: Iterable<string>, candidates: readonly Candidate[], rank: (unit: string) => readonly (number | string)[]): Decision[] {
  const decisions: Decision[] = [];
  const freed = new Set<string>();
  const letGo = new Map<string, { readonly unit: string; readonly claim: Claim }>();
  for (const unit of removed) {
    tenantKeysOf(s, unit, letGo);
    dropWaiter(s, unit);
    releaseUnit(s, unit, freed);
  }
  const reserved = reservations(s, candidates, letGo);
  const byRank = (a: Candidate, b: Candidate): number => compareRanks(rank(a.unit), rank(b.unit));
  const decide = (c: Candidate, active: Reserved): void => {
    const block = blocking(s, c, active);
    if (block !== undefined) {
      addWaiter(s, c, [block.waitOn], true);
      decisions.push({ kind: 'refused', candidate: c, claim: block.claim, holder: block.holder });
      return;
    }
    const before = new Map((s.held.get(c.unit) ?? []).map((claim) => [claim.key, claim.content]));
    const released = new Set<string>();
    releaseUnit(s, c.unit, released);
    const lost = register(s, c, active);
    const kept = new Map((s.held.get(c.unit) ?? []).map((claim) => [claim.key, claim.content]));
    // a key counts as freed when this unit no longer holds it, or a shared chain's data changed
    for (const key of released) if (!kept.has(key) || kept.get(key) !== before.get(key)) freed.add(key);
    if (lost.length > 0) addWaiter(s, c, lost.map((l) => l.claim.key), false);
    else dropWaiter(s, c.unit);
    decisions.push({ kind: 'accepted', candidate: c, lost });
  };
  for (const c of restartOrder([...candidates].sort(byRank), reserved)) decide(c, reserved);
  for (const key of reserved.keys.keys()) if (!s.holders.has(key)) freed.add(key);
  while (freed.size > 0) {
    const keys = [...freed];
    freed.clear();
    const units = new Set(keys.flatMap((key) => [...(s.waitersByKey.get(key) ?? [])]));
    const waiters = [...units].flatMap((u) => {
      const w = s.waiting.get(u);
      return w === undefined ? [] : [w.candidate];
    });
    for (const c of waiters.sort(byRank)) decide(c, NO_RESERVATION);
  }
  return decisions;
}

/**
 * Candidates in rank order, but those bringing a reserved shared chain's data first: a member
 * without data is then judged against the chain as it was (a namespace's member without data may
 * not join while another namespace's data is on it), not before the others are back.
 */
function restartOrder(ranked: readonly Candidate[], reserved: Reserved): readonly Candidate[] {
  if (reserved.keys.size === 0) return ranked;
  const bringsData = (c: Candidate): boolean =>
    c.claims.some((claim) => claim.mode === 'join' && claim.content !== '' && reserved.keys.get(claim.key)?.content === claim.content);
  return [...ranked.filter(bringsData), ...ranked.filter((c) => !bringsData(c))];
}

export function compareRanks(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
