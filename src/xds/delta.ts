// Delta (incremental) protocol state of one type on one stream.
//
// `held` maps a name to the version the client holds (null: we told it the name does not exist).
// Subscription changes apply whatever the nonce; every newly subscribed name is sent even if held;
// initial_resource_versions (first request on a stream) seed `held`, so a reconnecting client is
// not sent what it already has. Deletions and unknown names go out in removed_resources.
import { byResourceName, type CachedResource } from './cache.js';
import { WILDCARD_TYPES } from './types.js';
import { deltaBody, entriesKey, namesKey, sharedBody, withNonce } from './wire.js';
import type { DeltaRequest } from './request.js';
import { applyDeltaChange, describeSubscription, isSubscribed, newSubscription } from './subscription.js';
import { createResourceBook } from './status.js';
import {
  bookStatus, clearDirty, isDirty, markChange, newAckBook, newDirty, recordAck, recordNack, recordSent, visible,
  type Plan, type Prepared, type TypeContext, type TypeState,
} from './state.js';

export interface DeltaState extends TypeState {
  onRequest(req: DeltaRequest): void;
}

/** Nonces remembered to match ACKs and NACKs to the version they answer. */
const NONCE_MEMORY = 32;

export function createDeltaState(ctx: TypeContext): DeltaState {
  const { cache, typeUrl } = ctx;
  const sub = newSubscription(WILDCARD_TYPES.has(typeUrl));
  const held = new Map<string, string | null>();
  const dirty = newDirty();
  const book = newAckBook();
  const resources = createResourceBook();
  /** nonce → the version and seq of the response it named */
  const nonces = new Map<string, { version: string; seq: number }>();
  let requested = false;
  let lastNonce = '';

  const prepare = (resources: readonly CachedResource[], removed: readonly string[]): Prepared => {
    const version = cache.systemVersion(typeUrl);
    const key = `${version}|${entriesKey(resources)}|${namesKey(removed)}`;
    const body = sharedBody(`delta ${typeUrl}`, key, () => deltaBody(version, typeUrl, resources, removed));
    return { version, count: resources.length + removed.length, encode: (nonce) => withNonce(body, nonce) };
  };

  const candidates = (): Iterable<string> => {
    const names = new Set<string>([...dirty.names, ...dirty.forced]);
    if (!dirty.all) return names;
    for (const n of held.keys()) names.add(n);
    for (const n of sub.wildcard ? cache.names(typeUrl) : []) names.add(n);
    for (const n of sub.names) names.add(n);
    return names;
  };

  const forget = (name: string): void => {
    held.delete(name);
    resources.drop(name);
  };

  /**
   * Decide one name: a resource to send, a name to remove, or nothing. A name the policy
   * withholds is treated as a name that does not exist.
   */
  const decide = (name: string, upserts: CachedResource[], removed: string[]): void => {
    if (!isSubscribed(sub, name)) return forget(name);
    const r = visible(ctx, sub, name);
    const had = held.get(name);
    const forced = dirty.forced.has(name);
    if (r) {
      if (forced || had !== r.version) {
        upserts.push(r);
        held.set(name, r.version);
        resources.carry(name, r.version);
      }
      return;
    }
    const explicit = sub.names.has(name);
    if (forced || typeof had === 'string' || (had === undefined && explicit)) removed.push(name);
    if (explicit) {
      held.set(name, null);
      resources.drop(name);
    } else forget(name);
  };

  return {
    typeUrl,
    onRequest(req) {
      if (req.responseNonce !== '') {
        const answered = nonces.get(req.responseNonce);
        // only the answer to the latest response decides where the client stands (sync state)
        const latest = req.responseNonce === lastNonce;
        if (answered !== undefined) {
          if (req.errorDetail) resources.nack(answered.seq, recordNack(book, ctx, answered.version, req.errorDetail.message, latest));
          else {
            recordAck(book, ctx, answered.version, latest);
            resources.ack(answered.seq);
          }
        } else if (req.errorDetail) recordNack(book, ctx, '', req.errorDetail.message, latest);
      }
      const first = !requested;
      if (first) {
        requested = true;
        for (const [name, version] of req.initialVersions) {
          held.set(name, version);
          resources.claim(name, version);
        }
        dirty.all = true;
      }
      const change = applyDeltaChange(sub, req.subscribe, req.unsubscribe);
      if (change.wildcardOn || change.wildcardOff) dirty.all = true;
      // a newly subscribed name is sent even if held; on a reconnect the initial versions stand
      for (const n of change.added) (first && held.has(n) ? dirty.names : dirty.forced).add(n);
      for (const n of change.removed) {
        forget(n);
        // still covered by the wildcard: the client dropped it, send it again (or say it is gone)
        if (sub.wildcard) dirty.forced.add(n);
      }
    },
    onCacheChange: (change) => markChange(dirty, change),
    markAll: () => void (dirty.all = true),
    force: (names) => names.forEach((n) => dirty.forced.add(n)),
    plan(): Plan | undefined {
      if (!requested || !isDirty(dirty)) return undefined;
      const upserts: CachedResource[] = [];
      const removed: string[] = [];
      for (const name of candidates()) decide(name, upserts, removed);
      clearDirty(dirty);
      upserts.sort(byResourceName);
      removed.sort();
      return {
        upserts: upserts.length > 0 ? prepare(upserts, []) : undefined,
        removals: removed.length > 0 ? prepare([], removed) : undefined,
      };
    },
    sent(nonce, version) {
      nonces.set(nonce, { version, seq: resources.sent() });
      if (nonces.size > NONCE_MEMORY) {
        const oldest = nonces.keys().next().value;
        if (oldest !== undefined) nonces.delete(oldest);
      }
      lastNonce = nonce;
      recordSent(book, version);
    },
    status: () => ({ ...describeSubscription(sub), ...bookStatus(book, isDirty(dirty)) }),
    resources: () => resources.view(sub.names),
    load: () => ({ count: sub.names.size, bytes: sub.bytes }),
  };
}
