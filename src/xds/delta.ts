// Delta (incremental) protocol state of one type on one stream.
//
// What the client holds: name → version, or null (we told it the name does not exist). Once a
// plan has run, that is exactly the stream's projection of the cache (each name the subscription
// covers: the version of the resource the policy lets it see, else null for a name it asked for
// by name), except for the names marked dirty since, which keep what the client held when they
// were first marked. So a stream in sync keeps nothing per resource. An explicit copy (`held`) is
// kept only from the first request to the first plan (initial_resource_versions seed it, so a
// reconnecting client is not sent what it has) and after a wildcard switch, until the next plan.
// Subscription changes apply whatever the nonce; every newly subscribed name is sent even if
// held. Deletions and unknown names go out in removed_resources.
import { checkRequest } from './guard.js';
import { byResourceName, type CacheChange, type CachedResource } from './cache.js';
import { decodeDeltaRequest, deltaNameLoad, type DeltaRequest } from './request.js';
import { WILDCARD, applyDeltaChange, describeSubscription, isSubscribed, newSubscription, releaseSubscription, type Subscription } from './subscription.js';
import {
  ackResponse, carry, claim, nackResponse, newResourceBook, numberResponse, settle, viewResources, type ResourceBook,
} from './status.js';
import {
  versionsOf,
  bookStatus, clearDirty, forceName, heldWhenMarked, internOf, isDirty, isForced, isMarked, markName,
  newAckBook, newDirty, planNames, possibleNames, recordAck, recordNack, recordSent,
  sharedResponse, visible, visibleAs, type AckBook, type Dirty, type Plan, type Prepared, type Protocol, type TypeContext,
} from './state.js';
import { WILDCARD_TYPES } from './types.js';
import { deltaBody } from './wire.js';

/** What the client holds of a name: a version, null (told it does not exist), undefined (nothing). */
type Held = string | null | undefined;

export interface DeltaState {
  readonly ctx: TypeContext;
  readonly sub: Subscription;
  /** An explicit copy of what the client holds; undefined: the projection, except dirty names. */
  held: Map<string, string | null> | undefined;
  readonly dirty: Dirty<string | null>;
  readonly book: AckBook;
  readonly resources: ResourceBook;
  /** nonce → the version and seq of the response it named (the latest NONCE_MEMORY) */
  nonces: Map<string, { readonly version: string; readonly seq: number }> | undefined;
  requested: boolean;
  lastNonce: string;
}

/** Nonces remembered to match ACKs and NACKs to the version they answer. */
const NONCE_MEMORY = 32;

/** What the stream shows of a name when the cache holds `r` for it. */
function projected(s: DeltaState, name: string, r: CachedResource | undefined): Held {
  if (!isSubscribed(s.sub, name)) return undefined;
  const shown = visibleAs(s.ctx, s.sub, name, r);
  return shown ? shown.version : s.sub.names.has(name) ? null : undefined;
}

function heldOf(s: DeltaState, name: string): Held {
  if (s.held) return s.held.get(name);
  return isMarked(s.dirty, name) ? heldWhenMarked(s.dirty, name) : projected(s, name, s.ctx.cache.get(s.ctx.typeUrl, name));
}

/**
 * Look at this name on the next plan; remember what the client holds of it now. `r`: the resource
 * the cache held for it until now (a cache change gives the one it replaced or removed).
 */
function mark(s: DeltaState, name: string, r: CachedResource | undefined): void {
  if (isMarked(s.dirty, name)) return;
  markName(s.dirty, name, s.held ? undefined : projected(s, name, r));
}

const markNow = (s: DeltaState, name: string): void => mark(s, name, s.ctx.cache.get(s.ctx.typeUrl, name));

/** Keep an explicit copy of what the client holds (before a change to what the projection means). */
function detach(s: DeltaState): void {
  if (s.held) return;
  const held = new Map<string, string | null>();
  for (const name of possibleNames(s.ctx, s.sub, s.dirty)) {
    const v = heldOf(s, name);
    if (v !== undefined) held.set(name, v);
  }
  s.held = held;
}

function prepare(ctx: TypeContext, resources: readonly CachedResource[], removed: readonly string[]): Prepared {
  const { cache, typeUrl } = ctx;
  const version = cache.systemVersion(typeUrl);
  return sharedResponse(`delta ${typeUrl}`, version, resources, removed, () => deltaBody(version, typeUrl, resources, removed));
}

const candidates = (s: DeltaState): Iterable<string> => planNames(s.ctx, s.sub, s.dirty, s.held);

/**
 * Decide one name: a resource to send, a name to remove, or nothing. A name the policy withholds
 * is treated as a name that does not exist. (What the client holds afterwards is the projection:
 * the plan drops the explicit copy, so nothing is written to it here.)
 */
function decide(s: DeltaState, name: string, upserts: CachedResource[], removed: string[]): void {
  const { sub } = s;
  const had = heldOf(s, name);
  if (!isSubscribed(sub, name)) return settle(s.resources, name);
  const r = visible(s.ctx, sub, name);
  const forced = isForced(s.dirty, name);
  if (r) {
    if (forced || had !== r.version) {
      upserts.push(r);
      carry(s.resources, name, r.version, typeof had === 'string' ? had : undefined);
    }
    return;
  }
  const explicit = sub.names.has(name);
  if (forced || typeof had === 'string' || (had === undefined && explicit)) removed.push(name);
  settle(s.resources, name);
}

function answer(s: DeltaState, req: DeltaRequest): void {
  if (req.responseNonce === '') return;
  const answered = s.nonces?.get(req.responseNonce);
  // only the answer to the latest response decides where the client stands (sync state)
  const latest = req.responseNonce === s.lastNonce;
  if (answered !== undefined) {
    if (req.errorDetail) {
      const nack = recordNack(s.book, s.ctx, answered.version, req.errorDetail.message, latest);
      nackResponse(s.resources, answered.seq, nack, heldVersions(s));
    } else {
      recordAck(s.book, s.ctx, answered.version, latest);
      ackResponse(s.resources, answered.seq);
    }
  } else if (req.errorDetail) recordNack(s.book, s.ctx, '', req.errorDetail.message, latest);
}

function onRequest(s: DeltaState, req: DeltaRequest): void {
  answer(s, req);
  const { sub, dirty } = s;
  const first = !s.requested;
  if (first) {
    s.requested = true;
    for (const [name, version] of req.initialVersions) {
      s.held?.set(name, version);
      claim(s.resources, name);
    }
    dirty.all = true;
  }
  if (req.subscribe.length === 0 && req.unsubscribe.length === 0 && !sub.legacyAllowed) return;
  // what a name is held as depends on the subscription: note it before the subscription changes
  if (sub.legacyAllowed || req.subscribe.includes(WILDCARD) || req.unsubscribe.includes(WILDCARD)) detach(s);
  else if (!s.held) for (const list of [req.subscribe, req.unsubscribe]) for (const n of list) markNow(s, n);
  const change = applyDeltaChange(sub, req.subscribe, req.unsubscribe, internOf(s.ctx.cache, s.ctx.typeUrl));
  if (change.wildcardOn || change.wildcardOff) dirty.all = true;
  // a newly subscribed name is sent even if held; on a reconnect the initial versions stand
  // (on the first request every name is looked at: one held already is compared, not forced)
  if (!first) {
    for (const n of change.added) {
      markNow(s, n);
      forceName(dirty, n);
    }
  }
  for (const n of change.removed) {
    // the client dropped it: it holds nothing of it now
    if (s.held) s.held.delete(n);
    else markName(dirty, n, undefined);
    settle(s.resources, n);
    // still covered by the wildcard: send it again (or say it is gone)
    if (sub.wildcard) forceName(dirty, n);
  }
}

function onCacheChange(s: DeltaState, change: CacheChange): void {
  for (const n of change.upserted) mark(s, n, change.previous.get(n));
  for (const n of change.removed) mark(s, n, change.previous.get(n));
}

function plan(s: DeltaState): Plan | undefined {
  if (!s.requested || !isDirty(s.dirty)) return undefined;
  const upserts: CachedResource[] = [];
  const removed: string[] = [];
  for (const name of candidates(s)) decide(s, name, upserts, removed);
  clearDirty(s.dirty);
  // every name that may differ was decided: the client now holds the projection
  s.held = undefined;
  upserts.sort(byResourceName);
  removed.sort();
  return {
    upserts: upserts.length > 0 ? prepare(s.ctx, upserts, []) : undefined,
    removals: removed.length > 0 ? prepare(s.ctx, [], removed) : undefined,
  };
}

function sent(s: DeltaState, nonce: string, version: string): void {
  const nonces = (s.nonces ??= new Map());
  nonces.set(nonce, { version, seq: numberResponse(s.resources) });
  if (nonces.size > NONCE_MEMORY) {
    const oldest = nonces.keys().next().value;
    if (oldest !== undefined) nonces.delete(oldest);
  }
  s.lastNonce = nonce;
  recordSent(s.book, version);
}

function heldVersions(s: DeltaState): Iterable<readonly [string, string]> {
  return versionsOf(s.held ? s.held.keys() : possibleNames(s.ctx, s.sub, s.dirty), (name) => {
    const v = heldOf(s, name);
    return typeof v === 'string' ? v : undefined;
  });
}

export const DELTA: Protocol<DeltaState, DeltaRequest> = {
  create: (ctx) => ({
    ctx, sub: newSubscription(WILDCARD_TYPES.has(ctx.typeUrl)), held: new Map(), dirty: newDirty(), book: newAckBook(),
    resources: newResourceBook(), nonces: undefined, requested: false, lastNonce: '',
  }),
  decode(buf, guard) {
    const over = checkRequest(guard, deltaNameLoad(buf, guard.budget));
    return over ?? decodeDeltaRequest(buf);
  },
  onRequest,
  onCacheChange,
  markAll(s) {
    detach(s);
    s.dirty.all = true;
  },
  force(s, names) {
    for (const n of names) {
      markNow(s, n);
      forceName(s.dirty, n);
    }
  },
  plan,
  sent,
  status: (s) => ({ ...describeSubscription(s.sub), ...bookStatus(s.book, isDirty(s.dirty)) }),
  resources: (s) => viewResources(s.resources, heldVersions(s), s.sub.names),
  load: (s) => ({ count: s.sub.names.size, bytes: s.sub.bytes }),
  release: (s) => releaseSubscription(s.sub),
};
