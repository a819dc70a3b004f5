// What one stream asked for, per type: the wildcard rules of the xDS spec in one place.
//
// Legacy wildcard: the client has never named anything for this type on this stream (SotW: empty
// resource_names; Delta: a first request without names), and only for the types that have a
// wildcard (LDS, CDS); for the others an empty list means nothing. Explicit wildcard: the name "*".
// SotW requests carry the full list, so once a name was sent an empty list means "nothing".
// Delta requests are changes: subscribing a name keeps an existing wildcard, "*" can be
// subscribed and unsubscribed like any name. The set of names is shared with the other
// subscriptions that hold the same names (name-sets.ts): release it when the stream ends.
import { NO_NAMES, changeNames, releaseNames, type SharedNames } from './name-sets.js';

export interface Subscription {
  wildcard: boolean;
  /** True until the client names something for this type on this stream. */
  legacyAllowed: boolean;
  /** The names asked for (possibly shared: never changed here but through this module). */
  names: ReadonlySet<string>;
  /** The shared set `names` is (undefined while there are none). */
  shared: SharedNames | undefined;
  /** Total UTF-8 length of the names, kept for the per-stream limits. */
  bytes: number;
}

export interface SubscriptionDelta {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The wildcard was switched on (the client now wants every resource of the type). */
  readonly wildcardOn: boolean;
  readonly wildcardOff: boolean;
}

export const WILDCARD = '*';

/** legacyWildcard: an empty first request means "everything" (LDS, CDS), else "nothing". */
export function newSubscription(legacyWildcard: boolean): Subscription {
  return { wildcard: false, legacyAllowed: legacyWildcard, names: NO_NAMES, shared: undefined, bytes: 0 };
}

/** The stream ended: its names are no longer held. */
export function releaseSubscription(sub: Subscription): void {
  releaseNames(sub.shared);
  sub.shared = undefined;
  sub.names = NO_NAMES;
}

function change(sub: Subscription, added: readonly string[], removed: readonly string[]): void {
  if (added.length === 0 && removed.length === 0) return;
  for (const n of removed) sub.bytes -= Buffer.byteLength(n);
  for (const n of added) sub.bytes += Buffer.byteLength(n);
  sub.shared = changeNames(sub.shared, added, removed);
  sub.names = sub.shared?.set ?? NO_NAMES;
}

export function isSubscribed(sub: Subscription, name: string): boolean {
  return sub.wildcard || sub.names.has(name);
}

/** How the subscription covers a name: by the name itself first, else by the wildcard. */
export function viaOf(sub: Subscription, name: string): 'name' | 'wildcard' | undefined {
  return sub.names.has(name) ? 'name' : sub.wildcard ? 'wildcard' : undefined;
}

/** A name as the subscription keeps it: `intern` may give an equal string already held elsewhere. */
export type Intern = (name: string) => string;
const same: Intern = (name) => name;

/** SotW: the request's resource_names replace the previous list. */
export function setSotwNames(sub: Subscription, names: readonly string[], intern: Intern = same): SubscriptionDelta {
  const wasWildcard = sub.wildcard;
  if (names.length === 0 && sub.legacyAllowed) {
    sub.wildcard = true;
    return { added: [], removed: [], wildcardOn: !wasWildcard, wildcardOff: false };
  }
  sub.legacyAllowed = false;
  const next = new Set(names);
  sub.wildcard = next.delete(WILDCARD);
  const added = [...next].filter((n) => !sub.names.has(n)).map(intern);
  // an ACK repeats the same list: skip the removal scan when every held name is still asked for
  const removed = next.size - added.length !== sub.names.size ? [...sub.names].filter((n) => !next.has(n)) : [];
  change(sub, added, removed);
  return { added, removed, wildcardOn: sub.wildcard && !wasWildcard, wildcardOff: wasWildcard && !sub.wildcard };
}

/** Delta: subscribe and unsubscribe lists are changes to the current set. */
export function applyDeltaChange(
  sub: Subscription, subscribe: readonly string[], unsubscribe: readonly string[], intern: Intern = same,
): SubscriptionDelta {
  const wasWildcard = sub.wildcard;
  if (sub.legacyAllowed) {
    sub.legacyAllowed = false;
    if (subscribe.length === 0 && unsubscribe.length === 0) {
      sub.wildcard = true;
      return { added: [], removed: [], wildcardOn: true, wildcardOff: false };
    }
  }
  const added: string[] = [];
  const fresh = new Set<string>();
  for (const n of subscribe) {
    if (n === WILDCARD) sub.wildcard = true;
    else {
      // re-subscribing a held name counts as added: the server must send it again
      added.push(n);
      if (!sub.names.has(n)) fresh.add(intern(n));
    }
  }
  const removed: string[] = [];
  const gone = new Set<string>();
  for (const n of unsubscribe) {
    if (n === WILDCARD) sub.wildcard = false;
    else if (fresh.delete(n) || (sub.names.has(n) && !gone.has(n) && gone.add(n))) removed.push(n);
  }
  change(sub, [...fresh], [...gone]);
  return { added, removed, wildcardOn: sub.wildcard && !wasWildcard, wildcardOff: wasWildcard && !sub.wildcard };
}

/** Plain view for the registry. */
export function describeSubscription(sub: Subscription): { wildcard: boolean; names: string[] } {
  return { wildcard: sub.wildcard, names: [...sub.names].sort() };
}
