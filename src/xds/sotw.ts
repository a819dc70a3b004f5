// State-of-the-world protocol state of one type on one stream.
//
// What the client holds according to what this stream sent: a response carries only what differs
// from it (RDS/EDS/SDS), or the whole subscribed set when anything differs (LDS/CDS). Once a plan
// has run, the client holds exactly the stream's projection of the cache (the resources its
// subscription covers and the policy lets it see), except for the names marked dirty since, which
// keep what the client held when they were first marked: a stream in sync keeps nothing per
// resource. An explicit copy (`held`) is kept from the stream's start to its first plan and from a
// change of its name list to the next plan (a SotW request that changes the list carries it whole).
// The response version is a hash of the held set, so the same state always has the same version,
// across streams and restarts; a reconnecting client reporting it is not sent the LDS/CDS set again
// (the spec's safe case), while EDS/RDS/SDS are answered once on every new stream.
// A NACKed response stays "held": it is never sent again, the next cache change sends the next version.
import { checkRequest } from './guard.js';
import { byResourceName, type CacheChange, type CachedResource } from './cache.js';
import { decodeSotwRequest, type SotwRequest } from './request.js';
import { describeSubscription, isSubscribed, newSubscription, releaseSubscription, setSotwNames, type Subscription } from './subscription.js';
import {
  ackResponse, assumeAccepted, carry, nackResponse, newResourceBook, numberResponse, settle, viewResources, type ResourceBook,
} from './status.js';
import {
  versionsOf,
  bookStatus, clearDirty, forceName, heldWhenMarked, internOf, isDirty, isForced, isMarked, markName,
  newAckBook, newDirty, planNames, possibleNames, recordAck, recordNack, recordSent,
  sharedResponse, visible, visibleAs, type AckBook, type Dirty, type Plan, type Prepared, type Protocol, type TypeContext, withNextNonce,
} from './state.js';
import { FULL_STATE_TYPES, WILDCARD_TYPES } from './types.js';
import { addDigest, digestVersion, sotwBodyOf, subDigest } from './wire.js';

export interface SotwState {
  readonly ctx: TypeContext;
  readonly full: boolean;
  readonly sub: Subscription;
  /** An explicit copy of what the client holds; undefined: the projection, except dirty names. */
  held: Map<string, CachedResource> | undefined;
  /** Digest sum and count of the held set (maintained in O(1) per change). */
  heldSum: number;
  heldCount: number;
  readonly dirty: Dirty<CachedResource>;
  readonly book: AckBook;
  readonly resources: ResourceBook;
  lastNonce: string;
  lastSeq: number;
  /** The client answered (ACK or NACK) our latest response: nothing of ours is unread. */
  caughtUp: boolean;
  requested: boolean;
  answered: boolean;
  /** version_info of the first request: a reconnecting LDS/CDS client may hold exactly this set. */
  clientVersion: string;
  namesKey: Buffer | undefined;
}

/** Identical full-state responses, shared by every stream (keyed by the cache's list). */
const sharedLists = new WeakMap<readonly CachedResource[], Prepared>();

function prepared(ctx: TypeContext, version: string, list: readonly CachedResource[], shared: boolean): Prepared {
  const build = () => sotwBodyOf(version, list, ctx.typeUrl);
  let p = shared ? sharedLists.get(list) : undefined;
  if (!p && shared) sharedLists.set(list, (p = withNextNonce(version, list.length, build())));
  return p ?? sharedResponse(`sotw ${ctx.typeUrl}`, version, list, [], build);
}

const current = (s: SotwState, name: string): CachedResource | undefined => s.ctx.cache.get(s.ctx.typeUrl, name);

function heldOf(s: SotwState, name: string): CachedResource | undefined {
  if (s.held) return s.held.get(name);
  return isMarked(s.dirty, name) ? heldWhenMarked(s.dirty, name) : visibleAs(s.ctx, s.sub, name, current(s, name));
}

/** Look at this name on the next plan; remember what the client holds of it now (`r`: what the cache held until now). */
function mark(s: SotwState, name: string, r: CachedResource | undefined): void {
  if (isMarked(s.dirty, name)) return;
  markName(s.dirty, name, s.held ? undefined : visibleAs(s.ctx, s.sub, name, r));
}

/** Keep an explicit copy of what the client holds (before its subscription changes). */
function detach(s: SotwState): void {
  if (s.held) return;
  const held = new Map<string, CachedResource>();
  for (const name of possibleNames(s.ctx, s.sub, s.dirty)) {
    const r = heldOf(s, name);
    if (r) held.set(name, r);
  }
  s.held = held;
}

/** The client holds `r` now (it had `before`). */
function hold(s: SotwState, r: CachedResource, before: CachedResource | undefined): void {
  if (before) s.heldSum = subDigest(s.heldSum, before.digest);
  else s.heldCount++;
  s.heldSum = addDigest(s.heldSum, r.digest);
  s.held?.set(r.name, r);
  carry(s.resources, r.name, r.version, before?.version);
}

function drop(s: SotwState, name: string, before: CachedResource | undefined): void {
  if (!before) return;
  s.heldSum = subDigest(s.heldSum, before.digest);
  s.heldCount--;
  s.held?.delete(name);
  settle(s.resources, name);
}

const candidates = (s: SotwState): Iterable<string> => planNames(s.ctx, s.sub, s.dirty, s.held);

/** What the client holds, sorted; `leaving`: resources still held that the projection no longer shows. */
function heldList(s: SotwState, leaving: readonly CachedResource[]): { list: readonly CachedResource[]; shared: boolean } {
  const { cache, typeUrl } = s.ctx;
  const cached = cache.list(typeUrl);
  if (s.sub.wildcard && cached.length === s.heldCount && digestVersion(s.heldSum) === cache.systemVersion(typeUrl)) {
    return { list: cached, shared: true };
  }
  if (s.held) return { list: [...s.held.values()].sort(byResourceName), shared: false };
  const list = [...leaving];
  const names = s.sub.wildcard ? cache.names(typeUrl) : s.sub.names;
  for (const name of names) {
    const r = visible(s.ctx, s.sub, name);
    if (r) list.push(r);
  }
  return { list: list.sort(byResourceName), shared: false };
}

function fullResponse(s: SotwState, leaving: readonly CachedResource[]): Prepared {
  const { list, shared } = heldList(s, leaving);
  return prepared(s.ctx, digestVersion(s.heldSum), list, shared);
}

function planFull(s: SotwState): Plan | undefined {
  let adds = 0;
  const removes: { name: string; before: CachedResource }[] = [];
  for (const name of candidates(s)) {
    const r = visible(s.ctx, s.sub, name);
    const had = heldOf(s, name);
    if (r && had?.version !== r.version) {
      hold(s, r, had);
      adds++;
    } else if (!r && had) removes.push({ name, before: had });
  }
  if (!s.answered && s.clientVersion !== '' && removes.length === 0 && s.clientVersion === digestVersion(s.heldSum)) {
    s.answered = true; // reconnect: the client already holds exactly this set
    assumeAccepted(s.resources);
    return undefined;
  }
  if (adds === 0 && removes.length === 0 && s.answered) return undefined;
  s.answered = true;
  // make before break: first the set with additions (still holding what goes away), then without
  const leaving = removes.map((x) => x.before);
  const upserts = adds > 0 || removes.length === 0 ? fullResponse(s, leaving) : undefined;
  for (const { name, before } of removes) drop(s, name, before);
  const removals = removes.length > 0 ? fullResponse(s, []) : undefined;
  return { upserts, removals };
}

function planPartial(s: SotwState): Plan | undefined {
  const out: CachedResource[] = [];
  for (const name of candidates(s)) {
    if (!isSubscribed(s.sub, name)) continue;
    const r = visible(s.ctx, s.sub, name);
    const had = heldOf(s, name);
    if (!r) drop(s, name, had);
    else if (had?.version !== r.version || isForced(s.dirty, name)) {
      hold(s, r, had);
      out.push(r);
    }
  }
  // no reconnect shortcut here: a matching version does not tell which of these the client still
  // waits for (a Cluster that changed just before the stream broke warms until its CLA comes)
  if (out.length === 0) return undefined;
  return { upserts: prepared(s.ctx, digestVersion(s.heldSum), out.sort(byResourceName), false), removals: undefined };
}

function answer(s: SotwState, req: SotwRequest): boolean {
  // SotW: a request sent before the client read our latest response is stale (the answer to
  // that response will carry the names). Once it answered the latest, nothing is in flight: a
  // later request with an older nonce (Envoy's unified mux after a NACK) is current.
  const fresh = req.responseNonce === s.lastNonce;
  if (!fresh && !s.caughtUp) return false;
  if (fresh) s.caughtUp = true;
  if (fresh && req.errorDetail) nackResponse(s.resources, s.lastSeq, recordNack(s.book, s.ctx, s.book.sentVersion, req.errorDetail.message), heldVersions(s));
  else if (fresh && s.lastNonce !== '') {
    recordAck(s.book, s.ctx, req.versionInfo);
    ackResponse(s.resources, s.lastSeq);
  }
  return true;
}

function onRequest(s: SotwState, req: SotwRequest): void {
  if (!answer(s, req)) return;
  const { sub, dirty } = s;
  if (!s.requested) {
    s.requested = true;
    s.clientVersion = req.versionInfo;
    dirty.all = true;
  }
  // an ACK repeats the list it ACKs: same bytes, nothing to decode or compare
  if (s.namesKey !== undefined && req.namesKey.equals(s.namesKey)) return;
  s.namesKey = req.namesKey;
  detach(s);
  const change = setSotwNames(sub, req.resourceNames(), internOf(s.ctx.cache, s.ctx.typeUrl));
  if (change.wildcardOn || change.wildcardOff) dirty.all = true;
  if (!dirty.all) for (const n of change.added) mark(s, n, undefined);
  // unsubscribed: nothing to send (the client dropped it); re-subscribing sends it again
  for (const n of change.removed) drop(s, n, heldOf(s, n));
  if (change.wildcardOff) for (const [n, r] of [...(s.held ?? [])]) if (!sub.names.has(n)) drop(s, n, r);
}

function heldVersions(s: SotwState): Iterable<readonly [string, string]> {
  return versionsOf(s.held ? s.held.keys() : possibleNames(s.ctx, s.sub, s.dirty), (name) => heldOf(s, name)?.version);
}

export const SOTW: Protocol<SotwState, SotwRequest> = {
  create: (ctx) => ({
    ctx, full: FULL_STATE_TYPES.has(ctx.typeUrl), sub: newSubscription(WILDCARD_TYPES.has(ctx.typeUrl)), held: new Map(),
    heldSum: 0, heldCount: 0, dirty: newDirty(), book: newAckBook(), resources: newResourceBook(), lastNonce: '', lastSeq: 0,
    caughtUp: true, requested: false, answered: false, clientVersion: '', namesKey: undefined,
  }),
  decode(buf, guard) {
    const req = decodeSotwRequest(buf, guard.budget);
    return checkRequest(guard, req.names) ?? req;
  },
  onRequest,
  onCacheChange(s: SotwState, change: CacheChange) {
    for (const n of change.upserted) mark(s, n, change.previous.get(n));
    for (const n of change.removed) mark(s, n, change.previous.get(n));
  },
  markAll(s) {
    detach(s);
    s.dirty.all = true;
  },
  force(s, names) {
    for (const n of names) {
      mark(s, n, current(s, n));
      forceName(s.dirty, n);
    }
  },
  plan(s) {
    if (!s.requested || !isDirty(s.dirty)) return undefined;
    const plan = s.full ? planFull(s) : planPartial(s);
    clearDirty(s.dirty);
    // every name that may differ was decided: the client now holds the projection
    s.held = undefined;
    return plan;
  },
  sent(s, nonce, version) {
    s.lastNonce = nonce;
    s.lastSeq = numberResponse(s.resources);
    s.caughtUp = false;
    recordSent(s.book, version);
  },
  status: (s) => ({ ...describeSubscription(s.sub), ...bookStatus(s.book, isDirty(s.dirty)) }),
  resources: (s) => viewResources(s.resources, heldVersions(s), s.sub.names),
  load: (s) => ({ count: s.sub.names.size, bytes: s.sub.bytes }),
  release: (s) => releaseSubscription(s.sub),
};
