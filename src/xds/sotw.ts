// State-of-the-world protocol state of one type on one stream.
//
// `held` is what the client holds according to what this stream sent: a response carries only
// what differs from it (RDS/EDS/SDS), or the whole subscribed set when anything differs (LDS/CDS).
// The response version is a hash of the held set, so the same state always has the same version,
// across streams and restarts; a reconnecting client reporting it is not sent the LDS/CDS set again
// (the spec's safe case), while EDS/RDS/SDS are answered once on every new stream.
// A NACKed response stays "held": it is never sent again, the next
// cache change sends the next version.
import { byResourceName, type CachedResource } from './cache.js';
import { FULL_STATE_TYPES, WILDCARD_TYPES } from './types.js';
import { addDigest, digestVersion, entriesKey, sharedBody, sotwBodyOf, subDigest, withNonce } from './wire.js';
import type { SotwRequest } from './request.js';
import { isSubscribed, newSubscription, setSotwNames, describeSubscription } from './subscription.js';
import { createResourceBook } from './status.js';
import {
  bookStatus, clearDirty, isDirty, markChange, newAckBook, newDirty, recordAck, recordNack, recordSent, visible,
  type Plan, type Prepared, type TypeContext, type TypeState,
} from './state.js';

export interface SotwState extends TypeState {
  onRequest(req: SotwRequest): void;
}

/** Encoded bodies of identical full-state responses, shared by every stream (keyed by the cache's list). */
const sharedBodies = new WeakMap<readonly CachedResource[], Buffer>();

function prepared(ctx: TypeContext, version: string, list: readonly CachedResource[], shared: boolean): Prepared {
  const build = () => sotwBodyOf(version, list, ctx.typeUrl);
  let body = shared ? sharedBodies.get(list) : undefined;
  if (!body && shared) sharedBodies.set(list, (body = build()));
  body ??= sharedBody(`sotw ${ctx.typeUrl}`, `${version}|${entriesKey(list)}`, build);
  const ready = body;
  return { version, count: list.length, encode: (nonce) => withNonce(ready, nonce) };
}

export function createSotwState(ctx: TypeContext): SotwState {
  const { cache, typeUrl } = ctx;
  const full = FULL_STATE_TYPES.has(typeUrl);
  const sub = newSubscription(WILDCARD_TYPES.has(typeUrl));
  const held = new Map<string, CachedResource>();
  let heldSum = 0;
  const dirty = newDirty();
  const book = newAckBook();
  const resources = createResourceBook();
  let lastNonce = '';
  let lastSeq = 0;
  /** The client answered (ACK or NACK) our latest response: nothing of ours is unread. */
  let caughtUp = true;
  let requested = false;
  let answered = false;
  /** version_info of the first request: a reconnecting LDS/CDS client may hold exactly this set. */
  let clientVersion = '';
  let namesKey: Buffer | undefined;

  const hold = (r: CachedResource): void => {
    const old = held.get(r.name);
    if (old) heldSum = subDigest(heldSum, old.digest);
    held.set(r.name, r);
    heldSum = addDigest(heldSum, r.digest);
    resources.carry(r.name, r.version);
  };
  const drop = (name: string): CachedResource | undefined => {
    const old = held.get(name);
    if (old) {
      held.delete(name);
      heldSum = subDigest(heldSum, old.digest);
      resources.drop(name);
    }
    return old;
  };

  const candidates = (): Iterable<string> => {
    if (!dirty.all) return new Set([...dirty.names, ...dirty.forced]);
    const all = new Set<string>(held.keys());
    for (const n of sub.wildcard ? cache.names(typeUrl) : []) all.add(n);
    for (const n of sub.names) all.add(n);
    return all;
  };

  const heldList = (): { list: readonly CachedResource[]; shared: boolean } => {
    const cached = cache.list(typeUrl);
    if (sub.wildcard && cached.length === held.size && digestVersion(heldSum) === cache.systemVersion(typeUrl)) {
      return { list: cached, shared: true };
    }
    return { list: [...held.values()].sort(byResourceName), shared: false };
  };
  const fullResponse = (): Prepared => {
    const { list, shared } = heldList();
    return prepared(ctx, digestVersion(heldSum), list, shared);
  };

  const planFull = (): Plan | undefined => {
    let adds = 0;
    const removes: string[] = [];
    for (const name of candidates()) {
      const r = visible(ctx, sub, name);
      if (r && held.get(name)?.version !== r.version) {
        hold(r);
        adds++;
      } else if (!r && held.has(name)) removes.push(name);
    }
    if (!answered && clientVersion !== '' && removes.length === 0 && clientVersion === digestVersion(heldSum)) {
      answered = true; // reconnect: the client already holds exactly this set
      resources.assumeAccepted();
      return undefined;
    }
    if (adds === 0 && removes.length === 0 && answered) return undefined;
    answered = true;
    // make before break: first the set with additions (still holding what goes away), then without
    const upserts = adds > 0 || removes.length === 0 ? fullResponse() : undefined;
    for (const name of removes) drop(name);
    const removals = removes.length > 0 ? fullResponse() : undefined;
    return { upserts, removals };
  };

  const planPartial = (): Plan | undefined => {
    const out: CachedResource[] = [];
    for (const name of candidates()) {
      if (!isSubscribed(sub, name)) continue;
      const r = visible(ctx, sub, name);
      if (!r) drop(name);
      else if (held.get(name)?.version !== r.version || dirty.forced.has(name)) {
        hold(r);
        out.push(r);
      }
    }
    // no reconnect shortcut here: a matching version does not tell which of these the client still
    // waits for (a Cluster that changed just before the stream broke warms until its CLA comes)
    if (out.length === 0) return undefined;
    return { upserts: prepared(ctx, digestVersion(heldSum), out.sort(byResourceName), false), removals: undefined };
  };

  return {
    typeUrl,
    onRequest(req) {
      // SotW: a request sent before the client read our latest response is stale (the answer to
      // that response will carry the names). Once it answered the latest, nothing is in flight: a
      // later request with an older nonce (Envoy's unified mux after a NACK) is current.
      const current = req.responseNonce === lastNonce;
      if (!current && !caughtUp) return;
      if (current) caughtUp = true;
      if (current && req.errorDetail) resources.nack(lastSeq, recordNack(book, ctx, book.sentVersion, req.errorDetail.message));
      else if (current && lastNonce !== '') {
        recordAck(book, ctx, req.versionInfo);
        resources.ack(lastSeq);
      }
      if (!requested) {
        requested = true;
        clientVersion = req.versionInfo;
        dirty.all = true;
      }
      // an ACK repeats the list it ACKs: same bytes, nothing to decode or compare
      if (namesKey !== undefined && req.namesKey.equals(namesKey)) return;
      namesKey = req.namesKey;
      const change = setSotwNames(sub, req.resourceNames());
      if (change.wildcardOn || change.wildcardOff) dirty.all = true;
      for (const n of change.added) dirty.names.add(n);
      // unsubscribed: nothing to send (the client dropped it); re-subscribing sends it again
      for (const n of change.removed) drop(n);
      if (change.wildcardOff) for (const n of [...held.keys()]) if (!sub.names.has(n)) drop(n);
    },
    onCacheChange: (change) => markChange(dirty, change),
    markAll: () => void (dirty.all = true),
    force: (names) => names.forEach((n) => dirty.forced.add(n)),
    plan() {
      if (!requested || !isDirty(dirty)) return undefined;
      const plan = full ? planFull() : planPartial();
      clearDirty(dirty);
      return plan;
    },
    sent(nonce, version) {
      lastNonce = nonce;
      lastSeq = resources.sent();
      caughtUp = false;
      recordSent(book, version);
    },
    status: () => ({ ...describeSubscription(sub), ...bookStatus(book, isDirty(dirty)) }),
    resources: () => resources.view(sub.names),
    load: () => ({ count: sub.names.size, bytes: sub.bytes }),
  };
}
