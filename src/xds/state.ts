// What the stream session needs from a per-type protocol state (SotW or Delta), and the small
// pieces both variants share: dirty marks, ACK/NACK bookkeeping, what a stream may see.
//
// A type state is plain data; each variant is a table of functions over its data (`Protocol`), so
// a held stream costs its data and nothing per function.
import type { CacheChange, CachedResource, ResourceCache } from './cache.js';
import type { StreamGuard } from './guard.js';
import type { Via } from './policy.js';
import type { NackInfo, SyncState, TypeStatus } from './registry.js';
import type { NodeInfo } from './request.js';
import type { ResourceStatus } from './status.js';
import { viaOf, type Subscription } from './subscription.js';
import type { TypeUrl } from './types.js';
import { withNonce } from './wire.js';

/**
 * One response, nonce included, ready to be written: the same object goes to every stream that
 * needs the same response (encoded once, written as is: gRPC's framing is the only per-stream copy).
 * Nonces come from one counter for the whole process, so the responses a stream is written have
 * increasing nonces, unique on the stream; a stream given one older than its last gets a copy
 * with a new nonce (`renonce`).
 */
export interface Prepared {
  readonly version: string;
  readonly count: number;
  readonly nonce: number;
  readonly nonceText: string;
  readonly bytes: Buffer;
  /** The response's length without its nonce field (the last field). */
  readonly bodyLength: number;
}

let lastNonce = 0;

/** A response body (a DiscoveryResponse or DeltaDiscoveryResponse without its nonce) given the next nonce. */
export function withNextNonce(version: string, count: number, body: Uint8Array): Prepared {
  const nonce = ++lastNonce;
  const nonceText = String(nonce);
  return { version, count, nonce, nonceText, bytes: withNonce(body, nonceText), bodyLength: body.length };
}

export const renonce = (p: Prepared): Prepared => withNextNonce(p.version, p.count, p.bytes.subarray(0, p.bodyLength));

interface Memo {
  readonly version: string;
  readonly resources: readonly CachedResource[];
  readonly removed: readonly string[];
  readonly prepared: Prepared;
}

/** The last response prepared per slot (variant and type): after one change, every stream needs the same one. */
const memos = new Map<string, Memo>();

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The response of `version` carrying these resources (the cache's objects) and removed names:
 * the slot's last one when it is the same (same objects: same names and versions), else built.
 * One entry per slot, so memory stays bounded.
 */
export function sharedResponse(
  slot: string, version: string, resources: readonly CachedResource[], removed: readonly string[], build: () => Uint8Array,
): Prepared {
  const m = memos.get(slot);
  if (m && m.version === version && sameItems(m.resources, resources) && sameItems(m.removed, removed)) return m.prepared;
  const prepared = withNextNonce(version, resources.length + removed.length, build());
  memos.set(slot, { version, resources, removed, prepared });
  return prepared;
}

/**
 * What a type has to send now. Upserts go out in ADS_ORDER, removals in the reverse order, so
 * listeners and routes stop using a cluster before the cluster goes away.
 */
export interface Plan {
  readonly upserts: Prepared | undefined;
  readonly removals: Prepared | undefined;
}

/** What a type state asks of its stream: one object per stream, shared by its types. */
export interface StreamAccess {
  /** The access policy's answer for this stream: may it receive this name, asked for this way? */
  allowed(typeUrl: TypeUrl, name: string, via: Via): boolean;
  ack(typeUrl: TypeUrl, version: string): void;
  nack(typeUrl: TypeUrl, version: string, error: string): void;
}

export interface TypeContext {
  readonly cache: ResourceCache;
  readonly typeUrl: TypeUrl;
  readonly stream: StreamAccess;
}

/**
 * The resource a name shows to this stream when the cache holds `r` for it: the subscription
 * covers it and the policy allows it. A policy answers from the stream, the type, the name and how
 * it was asked (policy.ts): the same question always gets the same answer.
 */
export function visibleAs(ctx: TypeContext, sub: Subscription, name: string, r: CachedResource | undefined): CachedResource | undefined {
  if (r === undefined) return undefined;
  const via = viaOf(sub, name);
  return via !== undefined && ctx.stream.allowed(ctx.typeUrl, name, via) ? r : undefined;
}

/** The resource to send for a name the subscription covers and the policy allows, if it exists. */
export const visible = (ctx: TypeContext, sub: Subscription, name: string): CachedResource | undefined =>
  visibleAs(ctx, sub, name, ctx.cache.get(ctx.typeUrl, name));

/** A request as a variant decodes it: the node and type it names. */
export interface DecodedRequest {
  readonly node: NodeInfo | undefined;
  readonly typeUrl: string;
}

/** One protocol variant (SotW or Delta) as functions over its per-type state `S`. */
export interface Protocol<S, R extends DecodedRequest> {
  create(ctx: TypeContext): S;
  /** Decode a request after counting its names against the guard: a sentence when it is refused. */
  decode(buf: Buffer, guard: StreamGuard): R | string;
  onRequest(s: S, req: R): void;
  /** Resources of this type changed in the cache. */
  onCacheChange(s: S, change: CacheChange): void;
  /** Reconsider everything (the cache became ready). */
  markAll(s: S): void;
  /** Send these names again even if the client holds them (a Cluster changed: resend its CLA). */
  force(s: S, names: readonly string[]): void;
  /** Decide what to send now; undefined when nothing. Clears the dirty marks. */
  plan(s: S): Plan | undefined;
  /** A prepared response was written with this nonce. */
  sent(s: S, nonce: string, version: string): void;
  status(s: S): TypeStatus;
  /** Per resource: what was sent and what the client did with it. */
  resources(s: S): ResourceStatus[];
  /** Names subscribed to, and their total UTF-8 length, for the per-stream limits. */
  load(s: S): { readonly count: number; readonly bytes: number };
  /** The stream ended: give back what is shared with other streams. */
  release(s: S): void;
}

/**
 * Names to look at on the next flush, each with what the client held of it when it was first
 * marked (`P`: the variant's idea of a held value; undefined: nothing). `forced` names are in
 * `names` too. `all`: every name (only while the state keeps an explicit copy of what is held).
 * The map and the set exist only while they hold names: an idle type keeps neither.
 */
export interface Dirty<P> {
  all: boolean;
  names: Map<string, P | undefined> | undefined;
  forced: Set<string> | undefined;
}

export const newDirty = <P>(): Dirty<P> => ({ all: false, names: undefined, forced: undefined });
export const isDirty = <P>(d: Dirty<P>): boolean => d.all || d.names !== undefined;
export function clearDirty<P>(d: Dirty<P>): void {
  d.all = false;
  d.names = undefined;
  d.forced = undefined;
}
export const isMarked = <P>(d: Dirty<P>, name: string): boolean => d.names?.has(name) === true;
/** What the client held of a marked name when it was marked. */
export const heldWhenMarked = <P>(d: Dirty<P>, name: string): P | undefined => d.names?.get(name);
export function markName<P>(d: Dirty<P>, name: string, held: P | undefined): void {
  (d.names ??= new Map()).set(name, held);
}
/** Send this name on the next plan even if the client holds it. */
export function forceName<P>(d: Dirty<P>, name: string): void {
  (d.forced ??= new Set()).add(name);
}
export const isForced = <P>(d: Dirty<P>, name: string): boolean => d.forced?.has(name) === true;
const NO_NAMES: readonly string[] = [];
export const markedNames = <P>(d: Dirty<P>): Iterable<string> => d.names?.keys() ?? NO_NAMES;

/** ACK/NACK bookkeeping of one type on one stream. */
export interface AckBook {
  ackedVersion: string;
  sentVersion: string;
  responses: number;
  lastNack: NackInfo | null;
  /** Time (ms since the epoch) of the last ACK, 0 before the first. */
  lastAckAt: number;
  /** The client's answer to the latest response sent: none yet (undefined), ACK or NACK. */
  latestAnswer: 'ack' | 'nack' | undefined;
}

export const newAckBook = (): AckBook => ({ ackedVersion: '', sentVersion: '', responses: 0, lastNack: null, lastAckAt: 0, latestAnswer: undefined });

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
  ctx.stream.nack(ctx.typeUrl, version, error);
  return info;
}

export function recordAck(book: AckBook, ctx: TypeContext, version: string, latest = true): void {
  book.ackedVersion = version;
  book.lastAckAt = Date.now();
  if (latest) book.latestAnswer = 'ack';
  ctx.stream.ack(ctx.typeUrl, version);
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
  const at = lastAckAt === 0 ? null : new Date(lastAckAt).toISOString();
  return { ackedVersion, sentVersion, responses, lastNack, lastAckAt: at, sync: syncState(book, pending) };
}

const interns = new WeakMap<ResourceCache, Map<TypeUrl, (name: string) => string>>();

/**
 * A subscribed name as the cache spells it when it holds that resource (the same string, not a
 * copy decoded from each stream's request): 1,000 streams naming 1,000 resources keep 1,000 strings.
 */
export function internOf(cache: ResourceCache, typeUrl: TypeUrl): (name: string) => string {
  let byType = interns.get(cache);
  if (!byType) interns.set(cache, (byType = new Map()));
  let intern = byType.get(typeUrl);
  if (!intern) byType.set(typeUrl, (intern = (name) => cache.get(typeUrl, name)?.name ?? name));
  return intern;
}

/**
 * The names a plan looks at: the dirty ones; or, after a wholesale change (`dirty.all`, or while
 * an explicit copy `held` is kept), every name the stream may hold, each once. A first plan
 * (nothing held, nothing dirty) walks the subscription or the cache without a copy.
 */
export function planNames<P, V>(ctx: TypeContext, sub: Subscription, dirty: Dirty<P>, held: ReadonlyMap<string, V> | undefined): Iterable<string> {
  if (!dirty.all && !held) return markedNames(dirty);
  if ((held?.size ?? 0) === 0 && dirty.names === undefined) {
    if (!sub.wildcard) return sub.names;
    if (sub.names.size === 0) return ctx.cache.names(ctx.typeUrl);
  }
  const names = new Set<string>(possibleNames(ctx, sub, dirty));
  for (const n of held?.keys() ?? []) names.add(n);
  return names;
}

/** Every name a stream may hold of a type: the cache's (wildcard), the subscribed ones, the dirty ones. Names may repeat. */
export function* possibleNames<P>(ctx: TypeContext, sub: Subscription, dirty: Dirty<P>): Iterable<string> {
  if (sub.wildcard) yield* ctx.cache.names(ctx.typeUrl);
  yield* sub.names;
  yield* markedNames(dirty);
}

/** Each name once, with the version `versionOf` gives it (a name it gives none is left out). */
export function* versionsOf(names: Iterable<string>, versionOf: (name: string) => string | undefined): Iterable<readonly [string, string]> {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const version = versionOf(name);
    if (version !== undefined) yield [name, version];
  }
}
