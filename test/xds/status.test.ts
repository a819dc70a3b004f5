// The per-resource book behind the client status service: what a client accepted, rejected, or
// has not answered yet, through ACKs and NACKs of numbered responses.
import { expect, it } from 'vitest';
import { createResourceBook } from '../../src/xds/status.js';

const nack = { version: 'v2', error: 'bad', at: '2026-01-01T00:00:00.000Z' };
const state = (book: ReturnType<typeof createResourceBook>) =>
  Object.fromEntries(book.view([]).map((r) => [r.name, `${r.state} sent=${r.sentVersion} acked=${r.ackedVersion}`]));

it('an ACK accepts what its response and earlier ones carried; a NACK marks only its response', () => {
  const book = createResourceBook();
  book.carry('a', 'a1');
  book.carry('b', 'b1');
  const first = book.sent();
  book.ack(first);
  book.carry('a', 'a2');
  const second = book.sent();
  book.nack(second, nack);
  expect(state(book)).toEqual({ a: 'nacked sent=a2 acked=a1', b: 'acked sent=b1 acked=b1' });
  // a later ACK (of another response) does not accept what was rejected
  book.carry('b', 'b2');
  book.ack(book.sent());
  expect(state(book)).toEqual({ a: 'nacked sent=a2 acked=a1', b: 'acked sent=b2 acked=b2' });
  // sent again, not answered yet: the client still runs a1
  book.carry('a', 'a3');
  book.sent();
  expect(state(book)).toEqual({ a: 'sent sent=a3 acked=a1', b: 'acked sent=b2 acked=b2' });
});

it('claims (a reconnect) count as accepted; drops forget; asked-for names not sent are listed', () => {
  const book = createResourceBook();
  book.claim('a', 'a1');
  book.carry('b', 'b1');
  book.assumeAccepted();
  book.carry('c', 'c1');
  book.drop('c');
  expect(book.view(['a', 'z']).map((r) => `${r.name}:${r.state}`)).toEqual(['a:acked', 'b:acked', 'z:requested']);
});
