// What one stream asked for, per type: the wildcard rules of the xDS spec in one place.
//
// Legacy wildcard: the client has never named anything for this type on this stream (SotW: empty
// resource_names; Delta: a first request without names), and only for the types that have a
// wildcard (LDS, CDS); for the others an empty list means nothing. Explicit wildcard: the name "*".
// SotW requests carry the full list, so once a name was sent an empty list means "nothing".
// Delta requests are changes: subscribing a name keeps an existing wildcard, "*" can be
// subscribed and unsubscribed like any name.

export interface Subscription {
  wildcard: boolean;
  /** True until the client names something for this type on this stream. */
  legacyAllowed: boolean;
  readonly names: Set<string>;
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
  return { wildcard: false, legacyAllowed: legacyWildcard, names: new Set(), bytes: 0 };
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
  const added = [...next].filter((n) => !sub.names.has(n));
  // an ACK repeats the same list: skip the removal scan when every held name is still asked for
  let removed: string[] = [];
  if (next.size - added.length !== sub.names.size) {
    removed = [...sub.names].filter((n) => !next.has(n));
    for (const n of removed) {
      sub.names.delete(n);
      sub.bytes -= Buffer.byteLength(n);
    }
  }
  for (const n of added) {
    sub.names.add(intern(n));
    sub.bytes += Buffer.byteLength(n);
  }
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
  const removed: string[] = [];
  for (const n of subscribe) {
    if (n === WILDCARD) sub.wildcard = true;
    else {
      // re-subscribing a held name counts as added: the server must send it again
      added.push(n);
      if (!sub.names.has(n)) {
        sub.bytes += Buffer.byteLength(n);
        sub.names.add(intern(n));
      }
    }
  }
  for (const n of unsubscribe) {
    if (n === WILDCARD) sub.wildcard = false;
    else if (sub.names.delete(n)) {
      removed.push(n);
      sub.bytes -= Buffer.byteLength(n);
    }
  }
  return { added, removed, wildcardOn: sub.wildcard && !wasWildcard, wildcardOff: wasWildcard && !sub.wildcard };
}

/** Plain view for the registry. */
export function describeSubscription(sub: Subscription): { wildcard: boolean; names: string[] } {
  return { wildcard: sub.wildcard, names: [...sub.names].sort() };
}
