// Per resource, what one stream's client did with what we sent: accepted, rejected (with the
// NACK), or not answered yet. The client status service and the admin pages read it; the stream
// updates it in O(1) per resource sent, an ACK walks what was waiting for it, and a NACK (rare)
// walks the resources of its response.
//
// Responses of a type are numbered in order (seq). A resource carried by a response records the
// seq of the last response that carried it and the version the client accepted before that one.
// A SotW or Delta ACK of seq N accepts every resource carried at seq <= N that was not NACKed.
// Only resources waiting for an answer, or rejected, have an entry: a resource the client accepted
// is what the stream says it holds (the type state gives that list to `viewResources`), so a
// stream whose client is in sync keeps nothing here per resource. The first response of a type
// (a stream's first sync: nothing held before, nothing claimed) is kept as its seq alone: what the
// client holds without an entry was carried by it.
import type { NackInfo } from './registry.js';

export type ResourceState = 'acked' | 'nacked' | 'sent' | 'requested';

export interface ResourceStatus {
  readonly name: string;
  readonly state: ResourceState;
  /** Version of the last response that carried it ('' when never sent). */
  readonly sentVersion: string;
  /** The version the client accepted last ('' when none). */
  readonly ackedVersion: string;
  /** ISO time of the ACK that accepted ackedVersion's response ('' when unknown). */
  readonly ackedAt: string;
  readonly nack: NackInfo | null;
}

interface Entry {
  readonly version: string;
  readonly seq: number;
  /** The version accepted before this one was sent. */
  readonly accepted: string;
  nack: NackInfo | null;
}

export interface ResourceBook {
  /** Resources carried and not accepted yet (or rejected); undefined while none. */
  pending: Map<string, Entry> | undefined;
  /** The seq of the next response. */
  next: number;
  ackedSeq: number;
  /** Time (ms since the epoch) of the last ACK, 0 before the first. */
  ackedAt: number;
  /** Until the first response is numbered and while nothing was claimed: carries need no entry. */
  bulkOpen: boolean;
  /** The seq of the first response when it carried resources without entries (0: none). */
  bulkSeq: number;
}

export const newResourceBook = (): ResourceBook => ({ pending: undefined, next: 1, ackedSeq: 0, ackedAt: 0, bulkOpen: true, bulkSeq: 0 });

/** The first response carried resources without entries and the client has not accepted it yet. */
const bulkWaits = (book: ResourceBook): boolean => book.bulkSeq > book.ackedSeq;

const accepted = (book: ResourceBook, e: Entry): boolean => e.nack === null && e.seq <= book.ackedSeq;

/**
 * The next response of the type carries this resource at this version. `held`: the version the
 * client held before (undefined: none), accepted unless an entry says otherwise.
 */
export function carry(book: ResourceBook, name: string, version: string, held: string | undefined): void {
  const old = book.pending?.get(name);
  if (book.bulkOpen && held === undefined && !old) return;
  const before = old ? (accepted(book, old) ? old.version : old.accepted) : held !== undefined && !bulkWaits(book) ? held : '';
  (book.pending ??= new Map()).set(name, { version, seq: book.next, accepted: before, nack: null });
}

/** The client says it holds this version already (a reconnect): accepted without a response. */
export function claim(book: ResourceBook, name: string): void {
  book.bulkOpen = false;
  settle(book, name);
}

/**
 * The client no longer holds it (removed, unsubscribed, or told it does not exist), or holds it
 * already (a reconnect said so: accepted without a response). Either way nothing is pending.
 */
export function settle(book: ResourceBook, name: string): void {
  book.pending?.delete(name);
}

/** A response of the type was written: returns its seq. */
export function numberResponse(book: ResourceBook): number {
  if (book.bulkOpen) {
    book.bulkOpen = false;
    book.bulkSeq = book.next;
  }
  return book.next++;
}

/** Everything sent so far is held by the client already (SotW reconnect with the same version). */
export function assumeAccepted(book: ResourceBook): void {
  book.ackedSeq = book.next++;
  prune(book);
}

export function ackResponse(book: ResourceBook, seq: number): void {
  if (seq > book.ackedSeq) book.ackedSeq = seq;
  book.ackedAt = Date.now();
  prune(book);
}

/** `held`: what the client holds per the type state (the first response's resources have no entry: they get one). */
export function nackResponse(book: ResourceBook, seq: number, info: NackInfo, held: Iterable<readonly [string, string]>): void {
  if (seq === book.bulkSeq && bulkWaits(book)) {
    const pending = (book.pending ??= new Map());
    for (const [name, version] of held) if (!pending.has(name)) pending.set(name, { version, seq, accepted: '', nack: null });
    book.bulkSeq = 0;
  }
  for (const e of book.pending?.values() ?? []) if (e.seq === seq) e.nack = info;
}

/** Accepted entries say nothing the held list does not: let them go. */
function prune(book: ResourceBook): void {
  const pending = book.pending;
  if (!pending) return;
  for (const [name, e] of pending) if (accepted(book, e)) pending.delete(name);
  if (pending.size === 0) book.pending = undefined;
}

const iso = (ms: number): string => (ms === 0 ? '' : new Date(ms).toISOString());

/**
 * Every resource the client holds (`held`: name and version, as the type state knows it) with
 * what it did with it, then the names it asked for that were not sent; sorted by name.
 */
export function viewResources(book: ResourceBook, held: Iterable<readonly [string, string]>, requested: Iterable<string>): ResourceStatus[] {
  const ackedAt = iso(book.ackedAt);
  const out: ResourceStatus[] = [];
  const seen = new Set<string>();
  const waits = bulkWaits(book);
  for (const [name, version] of held) {
    seen.add(name);
    const e = book.pending?.get(name);
    if (!e) {
      out.push(waits ? { name, state: 'sent', sentVersion: version, ackedVersion: '', ackedAt: '', nack: null } : { name, state: 'acked', sentVersion: version, ackedVersion: version, ackedAt, nack: null });
      continue;
    }
    const ok = accepted(book, e);
    out.push({
      name,
      state: ok ? 'acked' : e.nack ? 'nacked' : 'sent',
      sentVersion: e.version,
      ackedVersion: ok ? e.version : e.accepted,
      ackedAt: ok || e.accepted !== '' ? ackedAt : '',
      nack: e.nack,
    });
  }
  for (const name of requested) {
    if (!seen.has(name)) out.push({ name, state: 'requested', sentVersion: '', ackedVersion: '', ackedAt: '', nack: null });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
