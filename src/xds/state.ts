// What the stream session needs from a per-type protocol state (SotW or Delta), and the small
// pieces both variants share: dirty tracking and ACK/NACK bookkeeping.
import type { CacheChange, CachedResource, ResourceCache } from './cache.js';
import type { Via } from './policy.js';
import type { NackInfo, TypeStatus } from './registry.js';
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
}

export const newAckBook = (): AckBook => ({ ackedVersion: '', sentVersion: '', responses: 0, lastNack: null });

export function recordNack(book: AckBook, ctx: TypeContext, version: string, error: string): NackInfo {
  const info = { version, error, at: new Date().toISOString() };
  book.lastNack = info;
  ctx.hooks.nack(ctx.typeUrl, version, error);
  return info;
}

export function recordAck(book: AckBook, ctx: TypeContext, version: string): void {
  book.ackedVersion = version;
  ctx.hooks.ack(ctx.typeUrl, version);
}
