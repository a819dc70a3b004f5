// Conflicts between services, decided in one place. The rule: what is served keeps being served.
// A unit (one expose's version) holds the keys it claims (claims.ts). A new version, or a new unit,
// that asks for a key another unit holds is refused: its earlier version, if any, keeps being
// served with the keys it held, and it waits for the key. When the key is released, waiting units
// are tried again, oldest first. Route keys are softer: the colliding route alone is left out.
// Among units that arrive together (a first snapshot, or a burst) the older object wins: units are
// tried in rank order (the caller's: age of the service, then path and rid). After a restart, the
// janitor's record of contested keys (`recorded`) reserves each for its last holder while the
// first snapshot is decided, so a restart never flips a winner.
import type { Claim } from './claims.js';

export interface Candidate {
  readonly unit: string;
  readonly claims: readonly Claim[];
}

interface Holder {
  readonly unit: string;
  /** join keys: members and the content each brings. */
  readonly members?: Map<string, string>;
}

export interface ConflictState {
  readonly holders: Map<string, Holder>;
  /** The claims each unit holds (route claims it lost excluded). */
  readonly held: Map<string, readonly Claim[]>;
  /** Units waiting for keys: refused versions, and units with routes lost to another. */
  readonly waiting: Map<string, { readonly candidate: Candidate; readonly keys: readonly string[] }>;
  readonly waitersByKey: Map<string, Set<string>>;
  /** Route keys a served unit lost, by unit. */
  readonly lost: Map<string, ReadonlyMap<string, string>>;
  /** Restart record: contested key → its holder then. Used by the next resolve, then cleared. */
  recorded: ReadonlyMap<string, string>;
  /** The join keys held (shared plain-HTTP chains): few, one per listener. */
  readonly shared: Set<string>;
}

export type Decision =
  | { readonly kind: 'accepted'; readonly candidate: Candidate; readonly lost: readonly { readonly claim: Claim; readonly holder: string }[] }
  | { readonly kind: 'refused'; readonly candidate: Candidate; readonly claim: Claim; readonly holder: string };

export function createConflictState(recorded: ReadonlyMap<string, string> = new Map()): ConflictState {
  return { holders: new Map(), held: new Map(), waiting: new Map(), waitersByKey: new Map(), lost: new Map(), recorded, shared: new Set() };
}

/** The content of a join key without `unit`: the data its other members share ('' if none brings any). */
function othersContent(members: Map<string, string>, unit: string): { readonly any: boolean; readonly content: string } {
  let any = false;
  let content = '';
  for (const [member, c] of members) {
    if (member === unit) continue;
    any = true;
    if (c !== '') content = c;
  }
  return { any, content };
}

/** A key kept for its holder before a restart while the first snapshot is decided, with the content that holder brings. */
interface Reservation {
  readonly unit: string;
  readonly content: string;
}

function blocking(s: ConflictState, c: Candidate, reserved: ReadonlyMap<string, Reservation>): { claim: Claim; holder: string } | undefined {
  for (const claim of c.claims) {
    if (claim.mode === 'route') continue;
    const r = reserved.get(claim.key);
    // a shared chain reserved for another admits the same data or none, as it did before the restart
    const shut = claim.mode === 'exclusive' || (claim.content !== '' && claim.content !== r?.content);
    if (r !== undefined && r.unit !== c.unit && shut) return { claim, holder: r.unit };
    const h = s.holders.get(claim.key);
    if (h === undefined) continue;
    if (claim.mode === 'exclusive') {
      if (h.unit !== c.unit) return { claim, holder: h.unit };
      continue;
    }
    if (r?.unit === c.unit) continue; // its holder brings the chain's data back
    const others = othersContent(h.members ?? new Map(), c.unit);
    if (others.any && claim.content !== '' && claim.content !== others.content) return { claim, holder: h.unit };
  }
  return undefined;
}

function releaseKey(s: ConflictState, claim: Claim, unit: string, freed: Set<string>): void {
  const h = s.holders.get(claim.key);
  if (h === undefined) return;
  if (h.members !== undefined) {
    if (!h.members.delete(unit)) return;
    freed.add(claim.key);
    if (h.members.size === 0) {
      s.holders.delete(claim.key);
      s.shared.delete(claim.key);
    }
    else if (h.unit === unit) s.holders.set(claim.key, { unit: h.members.keys().next().value ?? unit, members: h.members });
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

function register(s: ConflictState, c: Candidate, reserved: ReadonlyMap<string, Reservation>): { claim: Claim; holder: string }[] {
  const kept: Claim[] = [];
  const lost: { claim: Claim; holder: string }[] = [];
  for (const claim of c.claims) {
    const h = s.holders.get(claim.key);
    // a route key reserved for its holder before a restart is left out like a held one
    const reservedBy = claim.mode === 'route' && h === undefined ? reserved.get(claim.key)?.unit : undefined;
    if (claim.mode === 'join') {
      if (h?.members !== undefined) h.members.set(c.unit, claim.content);
      else {
        s.holders.set(claim.key, { unit: c.unit, members: new Map([[c.unit, claim.content]]) });
        s.shared.add(claim.key);
      }
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

function addWaiter(s: ConflictState, c: Candidate, keys: readonly string[]): void {
  dropWaiter(s, c.unit);
  s.waiting.set(c.unit, { candidate: c, keys });
  for (const key of keys) {
    const set = s.waitersByKey.get(key) ?? new Set<string>();
    set.add(c.unit);
    s.waitersByKey.set(key, set);
  }
}

/** The member that last brought a shared chain its data (none: no member brings any). */
function dataBringer(h: Holder): string | undefined {
  let bringer: string | undefined;
  for (const [member, content] of h.members ?? []) if (content !== '') bringer = member;
  return bringer;
}

/**
 * What a restart must restore: keys held now that others wait for, with their holder; and shared
 * chains that carry data, with a member bringing it (else a member without data, deciding first
 * after the restart, would build the chain without it and shut out those who bring it).
 */
export function contestedHolders(s: ConflictState): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of s.waitersByKey.keys()) {
    const h = s.holders.get(key);
    if (h !== undefined) out.set(key, h.unit);
  }
  for (const key of s.shared) {
    const h = s.holders.get(key);
    const bringer = h === undefined ? undefined : dataBringer(h);
    if (bringer !== undefined) out.set(key, bringer);
  }
  return out;
}

/**
 * Decide candidates (new versions and new units, in rank order) after removing `removed` units.
 * Returns every decision made, in order: the last one per unit stands.
 */
export function resolve(s: ConflictState, removed: Iterable<string>, candidates: readonly Candidate[], rank: (unit: string) => readonly (number | string)[]): Decision[] {
  const decisions: Decision[] = [];
  const freed = new Set<string>();
  for (const unit of removed) {
    dropWaiter(s, unit);
    releaseUnit(s, unit, freed);
  }
  const reserved = new Map<string, Reservation>();
  if (s.recorded.size > 0) {
    const claiming = new Map(candidates.flatMap((c) => c.claims.map((claim) => [`${claim.key}\u0000${c.unit}`, claim.content] as const)));
    for (const [key, unit] of s.recorded) {
      const content = claiming.get(`${key}\u0000${unit}`);
      if (content !== undefined) reserved.set(key, { unit, content });
    }
    s.recorded = new Map();
  }
  const byRank = (a: Candidate, b: Candidate): number => compareRanks(rank(a.unit), rank(b.unit));
  const decide = (c: Candidate, active: ReadonlyMap<string, Reservation>): void => {
    const block = blocking(s, c, active);
    if (block !== undefined) {
      addWaiter(s, c, [block.claim.key]);
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
    if (lost.length > 0) addWaiter(s, c, lost.map((l) => l.claim.key));
    else dropWaiter(s, c.unit);
    decisions.push({ kind: 'accepted', candidate: c, lost });
  };
  for (const c of [...candidates].sort(byRank)) decide(c, reserved);
  for (const key of reserved.keys()) if (!s.holders.has(key)) freed.add(key);
  while (freed.size > 0) {
    const keys = [...freed];
    freed.clear();
    const units = new Set(keys.flatMap((key) => [...(s.waitersByKey.get(key) ?? [])]));
    const waiters = [...units].flatMap((u) => {
      const w = s.waiting.get(u);
      return w === undefined ? [] : [w.candidate];
    });
    for (const c of waiters.sort(byRank)) decide(c, new Map());
  }
  return decisions;
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
