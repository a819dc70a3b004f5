// What the stream session needs from a per-type protocol state (SotW or Delta), and the small
// pieces both variants share: dirty tracking and ACK/NACK bookkeeping.
import type { CacheChange, CachedResource, ResourceCache } from './cache.js';
import type { Via } from './policy.js';
import type { NackInfo, SyncState, TypeStatus } from './registry.js';
import type { ResourceStatus } from './status.js';
import { viaOf, type Subscription } from './subscription.js';
import type { TypeUrl } from './types.js';

/** One response ready to go: only the nonce is missing. */
export interface Prepared {
  readonly version: string;
  readonly count: number;
  encode(nonce: string): Buffer;
}

/**
 * What a type has to send now. Upserts go out in ADS_ORDER, removals in the reverse order, so
 * listeners and routes stop using a cluster before the cluster goes away.
 */
export interface Plan {
  readonly upserts: Prepared | undefined;
  readonly removals: Prepared | undefined;
}

export interface TypeHooks {
  ack(typeUrl: TypeUrl, version: string): void;
  nack(typeUrl: TypeUrl, version: string, error: string): void;
}

export interface TypeContext {
  readonly cache: ResourceCache;
  readonly typeUrl: TypeUrl;
  readonly hooks: TypeHooks;
  /** The access policy's answer for this stream: may it receive this name, asked for this way? */
  readonly allowed: (name: string, via: Via) => boolean;
}

/** The resource to send for a name the subscription covers and the policy allows, if it exists. */
export function visible(ctx: TypeContext, sub: Subscription, name: string): CachedResource | undefined {
  const via = viaOf(sub, name);
  return via !== undefined && ctx.allowed(name, via) ? ctx.cache.get(ctx.typeUrl, name) : undefined;
}

export interface TypeState {
  readonly typeUrl: TypeUrl;
  /** Resources of this type changed in the cache. */
  onCacheChange(change: CacheChange): void;
  /** Reconsider everything (the cache became ready). */
  markAll(): void;
  /** Send these names again even if the client holds them (a Cluster changed: resend its CLA). */
  force(names: readonly string[]): void;
  /** Decide what to send now; undefined when nothing. Clears the dirty marks. */
  plan(): Plan | undefined;
  /** A prepared response was written with this nonce. */
  sent(nonce: string, version: string): void;
  status(): TypeStatus;
  /** Per resource: what was sent and what the client did with it. */
  resources(): ResourceStatus[];
  /** Names subscribed to, and their total UTF-8 length, for the per-stream limits. */
  load(): { readonly count: number; readonly bytes: number };
}

/** Names to look at on the next flush. */
export interface Dirty {
  all: boolean;
  readonly names: Set<string>;
  readonly forced: Set<string>;
}

export const newDirty = (): Dirty => ({ all: false, names: new Set(), forced: new Set() });
export const isDirty = (d: Dirty): boolean => d.all || d.names.size > 0 || d.forced.size > 0;
export function clearDirty(d: Dirty): void {
  d.all = false;
  d.names.clear();
  d.forced.clear();
}
export function markChange(d: Dirty, change: CacheChange): void {
  for (const n of change.upserted) d.names.add(n);
  for (const n of change.removed) d.names.add(n);
}

/** ACK/NACK bookkeeping of one type on one stream. */
export interface AckBook {
  ackedVersion: string;
  sentVersion: string;
  responses: number;
  lastNack: NackInfo | null;
  /** ISO time of the last ACK, null before the first. */
  lastAckAt: string | null;
  /** The client's answer to the latest response sent: none yet (undefined), ACK or NACK. */
  latestAnswer: 'ack' | 'nack' | undefined;
}

export const newAckBook = (): AckBook => ({ ackedVersion: '', sentVersion: '', responses: 0, lastNack: null, lastAckAt: null, latestAnswer: undefined });

/** A response went out: the client owes an answer to it. */
export function recordSent(book: AckBook, version: string): void {
  book.sentVersion = version;
  book.responses++;
  book.latestAnswer = undefined;
}

/** `latest`: the NACK answers the latest response sent (not an earlier one still in flight). */
export function recordNack(book: AckBook, ctx: TypeContext, version: string, error: string, latest = true): NackInfo {
  const info = { version, error, at: new Date().toISOString() };
  book.lastNack = info;
  if (latest) book.latestAnswer = 'nack';
  ctx.hooks.nack(ctx.typeUrl, version, error);
  return info;
}

export function recordAck(book: AckBook, ctx: TypeContext, version: string, latest = true): void {
  book.ackedVersion = version;
  book.lastAckAt = new Date().toISOString();
  if (latest) book.latestAnswer = 'ack';
  ctx.hooks.ack(ctx.typeUrl, version);
}

/**
 * Where the client stands against what is served now. SYNCED: nothing is pending for the type and
 * the client ACKed the latest response (or was sent none and owes none: it asked only for names
 * not served, or already held the set on a reconnect). NACKED: the latest response was NACKed.
 * STALE otherwise: something is waiting to go out, or the latest response is not answered yet.
 */
export function syncState(book: AckBook, pending: boolean): SyncState {
  if (book.latestAnswer === 'nack') return 'NACKED';
  if (pending) return 'STALE';
  if (book.latestAnswer === 'ack' || book.responses === 0) return 'SYNCED';
  return 'STALE';
}

/** The book as the registry shows it. */
export function bookStatus(book: AckBook, pending: boolean): Omit<TypeStatus, 'wildcard' | 'names'> {
  const { ackedVersion, sentVersion, responses, lastNack, lastAckAt } = book;
  return { ackedVersion, sentVersion, responses, lastNack, lastAckAt, sync: syncState(book, pending) };
}
