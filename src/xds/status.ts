// Per resource, what one stream's client did with what we sent: accepted, rejected (with the
// NACK), or not answered yet. The client status service and the admin pages read it; the stream
// updates it in O(1) per resource sent, and a NACK (rare) walks the resources of its response.
//
// Responses of a type are numbered in order (seq). A resource records the seq of the last
// response that carried it and the version the client accepted before that one. A SotW or Delta
// ACK of seq N accepts every resource carried at seq <= N that was not NACKed.
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
  version: string;
  seq: number;
  /** The version accepted before this one was sent. */
  accepted: string;
  nack: NackInfo | null;
}

export interface ResourceBook {
  /** The next response of the type carries this resource at this version. */
  carry(name: string, version: string): void;
  /** The client holds this version already (a reconnect said so): accepted without a response. */
  claim(name: string, version: string): void;
  /** The client no longer holds it (removed, unsubscribed, or told it does not exist). */
  drop(name: string): void;
  /** A response of the type was written: returns its seq. */
  sent(): number;
  /** Everything sent so far is held by the client already (SotW reconnect with the same version). */
  assumeAccepted(): void;
  ack(seq: number): void;
  nack(seq: number, info: NackInfo): void;
  /** Every resource the client holds or was sent, then the names it asked for that were not sent. */
  view(requested: Iterable<string>): ResourceStatus[];
}

export function createResourceBook(): ResourceBook {
  const entries = new Map<string, Entry>();
  let next = 1;
  let ackedSeq = 0;
  let ackedAt = '';

  const accepted = (e: Entry): boolean => e.nack === null && e.seq <= ackedSeq;
  const status = (name: string, e: Entry): ResourceStatus => {
    const ok = accepted(e);
    return {
      name,
      state: ok ? 'acked' : e.nack ? 'nacked' : 'sent',
      sentVersion: e.version,
      ackedVersion: ok ? e.version : e.accepted,
      ackedAt: ok || e.accepted !== '' ? ackedAt : '',
      nack: e.nack,
    };
  };

  return {
    carry(name, version) {
      const old = entries.get(name);
      const before = old ? (accepted(old) ? old.version : old.accepted) : '';
      entries.set(name, { version, seq: next, accepted: before, nack: null });
    },
    claim: (name, version) => void entries.set(name, { version, seq: 0, accepted: version, nack: null }),
    drop: (name) => void entries.delete(name),
    sent: () => next++,
    assumeAccepted() {
      ackedSeq = next++;
    },
    ack(seq) {
      if (seq > ackedSeq) ackedSeq = seq;
      ackedAt = new Date().toISOString();
    },
    nack(seq, info) {
      for (const e of entries.values()) if (e.seq === seq) e.nack = info;
    },
    view(requested) {
      const out: ResourceStatus[] = [];
      for (const [name, e] of entries) out.push(status(name, e));
      for (const name of requested) {
        if (!entries.has(name)) out.push({ name, state: 'requested', sentVersion: '', ackedVersion: '', ackedAt: '', nack: null });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
