// The per-resource book behind the client status service: what a client accepted, rejected, or
// has not answered yet, through ACKs and NACKs of numbered responses. The type state knows what
// the client holds; the book keeps only what waits for an answer or was rejected.
import { expect, it } from 'vitest';
import {
  ackResponse, assumeAccepted, carry, claim, nackResponse, newResourceBook, numberResponse, settle, viewResources,
} from '../../src/xds/status.js';

const nack = { version: 'v2', error: 'bad', at: '2026-01-01T00:00:00.000Z' };

/** A book and the held list a type state would keep beside it. */
function stream() {
  const book = newResourceBook();
  const held = new Map<string, string>();
  return {
    book,
    held,
    carry(name: string, version: string) {
      carry(book, name, version, held.get(name));
      held.set(name, version);
    },
    claim(name: string, version: string) {
      held.set(name, version);
      claim(book, name);
    },
    drop(name: string) {
      held.delete(name);
      settle(book, name);
    },
    view: (requested: string[] = []) => viewResources(book, held, requested),
    state() {
      return Object.fromEntries(this.view().map((r) => [r.name, `${r.state} sent=${r.sentVersion} acked=${r.ackedVersion}`]));
    },
  };
}

it('an ACK accepts what its response and earlier ones carried; a NACK marks only its response', () => {
  const s = stream();
  s.carry('a', 'a1');
  s.carry('b', 'b1');
  const first = numberResponse(s.book);
  ackResponse(s.book, first);
  s.carry('a', 'a2');
  const second = numberResponse(s.book);
  nackResponse(s.book, second, nack, s.held);
  expect(s.state()).toEqual({ a: 'nacked sent=a2 acked=a1', b: 'acked sent=b1 acked=b1' });
  // a later ACK (of another response) does not accept what was rejected
  s.carry('b', 'b2');
  ackResponse(s.book, numberResponse(s.book));
  expect(s.state()).toEqual({ a: 'nacked sent=a2 acked=a1', b: 'acked sent=b2 acked=b2' });
  // sent again, not answered yet: the client still runs a1
  s.carry('a', 'a3');
  numberResponse(s.book);
  expect(s.state()).toEqual({ a: 'sent sent=a3 acked=a1', b: 'acked sent=b2 acked=b2' });
});

it('claims (a reconnect) count as accepted; drops forget; asked-for names not sent are listed', () => {
  const s = stream();
  s.claim('a', 'a1');
  s.carry('b', 'b1');
  assumeAccepted(s.book);
  s.carry('c', 'c1');
  s.drop('c');
  expect(s.view(['a', 'z']).map((r) => `${r.name}:${r.state}`)).toEqual(['a:acked', 'b:acked', 'z:requested']);
});

it('a client in sync leaves nothing in the book: accepted entries are let go', () => {
  const s = stream();
  for (let i = 0; i < 100; i++) s.carry(`r${i}`, 'v1');
  // the first response keeps no entry per resource
  ackResponse(s.book, numberResponse(s.book));
  expect(s.book.pending).toBeUndefined();
  for (let i = 0; i < 100; i++) s.carry(`r${i}`, 'v2');
  const seq = numberResponse(s.book);
  expect(s.book.pending?.size).toBe(100);
  expect(s.view().every((r) => r.state === 'sent' && r.ackedVersion === 'v1')).toBe(true);
  ackResponse(s.book, seq);
  expect(s.book.pending).toBeUndefined();
  expect(s.view().every((r) => r.state === 'acked' && r.ackedVersion === 'v2' && r.ackedAt !== '')).toBe(true);
});

it('a first response is sent, then accepted or rejected as a whole; what follows is kept per resource', () => {
  const s = stream();
  s.carry('a', 'a1');
  s.carry('b', 'b1');
  const first = numberResponse(s.book);
  expect(s.state()).toEqual({ a: 'sent sent=a1 acked=', b: 'sent sent=b1 acked=' });
  // b again before the first is answered: nothing of b was accepted yet
  s.carry('b', 'b2');
  const second = numberResponse(s.book);
  nackResponse(s.book, first, nack, s.held);
  expect(s.state()).toEqual({ a: 'nacked sent=a1 acked=', b: 'sent sent=b2 acked=' });
  ackResponse(s.book, second);
  // the ACK of a later response does not accept what the first one carried and the client refused
  expect(s.state()).toEqual({ a: 'nacked sent=a1 acked=', b: 'acked sent=b2 acked=b2' });
});
