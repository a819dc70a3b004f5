// The restart record: what the janitor writes under --state-dir so that a restart never flips a
// winner (conflicts.ts decides, this module says what to keep and reserves it again). Keys others
// wait for, and every key a refused version claims (or would cover) that others hold, with their
// holder; shared chains carrying data, with a member bringing it and a served member of each
// namespace on them (`<chain key>\u0000@<namespace>`); tenant keys held under another
// namespace's wildcard. After a restart, each recorded key is reserved for its holder while the
// first snapshot is decided, if that unit claims it again.
import type { Claim } from './claims.js';
import type { Candidate, ConflictState } from './conflicts.js';
import { findMember } from './members.js';
import { coveredBy, nestedHolders, reservedIndex, tenancyOf, NO_RESERVATION, type Holder, type Reservation, type Reserved } from './tenants.js';

/** Whether the unit's current version is refused (what it serves, if anything, is an earlier one). */
const refused = (s: ConflictState, unit: string): boolean => s.waiting.get(unit)?.refused === true;

/** The unit to record for a key: one whose current version holds it (a refused one comes back in another version). */
function representative(s: ConflictState, h: Holder): string {
  if (h.members === undefined || !refused(s, h.unit)) return h.unit;
  return findMember(h.members, () => true, undefined, (u) => !refused(s, u)) ?? h.unit;
}

/** Whether a unit other than `unit` holds the key `claim` asks (of another namespace, for a tenant key). */
function heldByOther(h: Holder, claim: Claim, unit: string): boolean {
  if (h.members === undefined) return h.unit !== unit;
  const tenant = claim.mode === 'host' || claim.mode === 'address';
  return findMember(h.members, (ns) => !tenant || ns !== claim.namespace, unit) !== undefined;
}

/**
 * Keys that a refused version claims, or its wildcards would cover, and others hold. It waits for
 * one of them only; after a restart that one may be free (an earlier version kept served cannot
 * be built again), and the refused unit, older, would decide first and take the others.
 */
function refusedClaims(s: ConflictState, out: Map<string, string>): void {
  const t = tenancyOf(s);
  for (const [unit, w] of s.waiting) {
    if (!w.refused) continue;
    for (const claim of w.candidate.claims) {
      const h = s.holders.get(claim.key);
      if (h !== undefined && heldByOther(h, claim, unit)) out.set(claim.key, representative(s, h));
      for (const key of coveredBy(t, claim)) {
        const covered = s.holders.get(key);
        if (covered !== undefined) out.set(key, representative(s, covered));
      }
    }
  }
}

/**
 * What a restart must restore: keys held now that others wait for or a refused version claims, with their holder; shared
 * chains that carry data, with a member bringing it (else a member without data, deciding first
 * after the restart, would build the chain without it and shut out those who bring it); and tenant
 * keys held under another namespace's wildcard (else the wildcard's older service would take them).
 * The unit recorded is one whose current version is served, when there is one.
 */
export function contestedHolders(s: ConflictState): Map<string, string> {
  const out = nestedHolders(tenancyOf(s));
  refusedClaims(s, out);
  for (const key of s.waitersByKey.keys()) {
    const h = s.holders.get(key);
    if (h !== undefined) out.set(key, representative(s, h));
  }
  const served = (u: string): boolean => !refused(s, u);
  for (const key of s.shared) {
    const members = s.holders.get(key)?.members;
    if (members === undefined) continue;
    // a bringer whose current version is refused cannot bring the data back after a restart (its
    // served version is an earlier one): the members as they are served keep the chain then
    const bringer = findMember(members, (_, content) => content !== '', undefined, served);
    if (bringer === undefined || !served(bringer)) continue;
    out.set(key, bringer);
    // the namespaces on it, one served member each: after a restart the chain admits, while the
    // first snapshot is decided, only the namespaces that were on it
    for (const namespace of members.byNamespace.keys()) {
      const unit = findMember(members, (ns) => ns === namespace, undefined, served);
      if (unit !== undefined && served(unit)) out.set(`${key}${ALSO_ON}${namespace}`, unit);
    }
  }
  return out;
}

/** Record key of another namespace on a shared chain: `<chain key><ALSO_ON><namespace>`. */
const ALSO_ON = '\u0000@';

/**
 * The reservations of a step: the restart record, for the units that claim their key again in this
 * batch; and the tenant keys (host names, addresses) that units removed in this step let go, for
 * their namespace while the step's candidates are decided (a service renamed, or deleted and
 * created again, in one batch keeps its names: another namespace's waiting claim or wildcard gets
 * them only if no service of that namespace claims them again).
 */
export function reservations(s: ConflictState, candidates: readonly Candidate[], letGo: ReadonlyMap<string, { readonly unit: string; readonly claim: Claim }>): Reserved {
  if (s.recorded.size === 0 && letGo.size === 0) return NO_RESERVATION;
  const claiming = new Map(candidates.flatMap((c) => c.claims.map((claim) => [`${claim.key}\u0000${c.unit}`, claim] as const)));
  const keys = new Map<string, Reservation>();
  const claims = new Map<string, Claim>();
  const alsoOn = new Map<string, Set<string>>();
  for (const [key, unit] of s.recorded) {
    const at = key.indexOf(ALSO_ON);
    if (at >= 0) {
      const chain = key.slice(0, at);
      if (claiming.has(`${chain}\u0000${unit}`)) alsoOn.set(chain, (alsoOn.get(chain) ?? new Set()).add(key.slice(at + ALSO_ON.length)));
      continue;
    }
    const claim = claiming.get(`${key}\u0000${unit}`);
    if (claim === undefined) continue;
    keys.set(key, { unit, content: claim.content, namespace: claim.namespace });
    claims.set(key, claim);
  }
  for (const [chain, namespaces] of alsoOn) {
    const r = keys.get(chain);
    if (r !== undefined) keys.set(chain, { ...r, namespaces });
  }
  s.recorded = new Map();
  for (const [key, { unit, claim }] of letGo) {
    if (keys.has(key) || s.holders.has(key)) continue;
    keys.set(key, { unit, content: claim.content, namespace: claim.namespace });
    claims.set(key, claim);
  }
  return reservedIndex(keys, claims);
}

/** The tenant keys a unit holds, as `reservations` keeps them when the unit is removed. */
export function tenantKeysOf(s: ConflictState, unit: string, into: Map<string, { readonly unit: string; readonly claim: Claim }>): void {
  for (const claim of s.held.get(unit) ?? []) if (claim.mode === 'host' || claim.mode === 'address') into.set(claim.key, { unit, claim });
}
