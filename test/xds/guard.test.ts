// The per-stream guard: names per request and per stream, and the request budget (a token bucket
// on an injected clock: a burst, then the rate; a big request costs more).
import { expect, it } from 'vitest';
import { chargeRequest, checkRequest, checkTotals, createStreamGuard, takeToken } from '../../src/xds/guard.js';
import { DEFAULT_LIMITS } from '../../src/xds/limits.js';

const limits = { ...DEFAULT_LIMITS, requestBurst: 10, requestsPerSecond: 100, maxSubscriptions: 5, maxSubscriptionBytes: 50 };

it('lets a burst through, then asks the stream to wait as long as the rate needs', () => {
  let now = 0;
  const g = createStreamGuard(limits, () => now);
  for (let i = 0; i < 10; i++) expect(chargeRequest(g, 10)).toBe(0);
  expect(chargeRequest(g, 10)).toBe(10); // one token short at 100/s: 10 ms
  now += 10;
  expect(chargeRequest(g, 10)).toBe(10);
  now += 1000; // a quiet second refills the burst, not more
  for (let i = 0; i < 10; i++) expect(chargeRequest(g, 10)).toBe(0);
  expect(chargeRequest(g, 10)).toBeGreaterThan(0);
});

it('charges a large request one token per 16 KiB on top of its one', () => {
  const g = createStreamGuard(limits, () => 0);
  expect(chargeRequest(g, 9 * 16 * 1024)).toBe(0); // 10 tokens: the whole burst
  expect(chargeRequest(g, 0)).toBe(10);
});

it('names the bound a request or a stream is over', () => {
  const g = createStreamGuard(limits);
  expect(checkRequest(g, { count: 5, bytes: 50, complete: true })).toBeUndefined();
  expect(checkRequest(g, { count: 6, bytes: 6, complete: false })).toBe('request carries more than 5 resource names, the most a stream may subscribe to');
  expect(checkTotals(g, 3, 51)).toBe('stream subscribes to 51 bytes of resource names, more than the 50 a stream may subscribe to');
  expect(g.budget).toEqual({ maxCount: 5, maxBytes: 50 });
});

it('take() refuses without running into debt: a flood of refusals does not silence the next second', () => {
  let now = 0;
  const g = createStreamGuard(limits, () => now);
  let taken = 0;
  for (let i = 0; i < 1000; i++) if (takeToken(g)) taken++;
  expect(taken).toBe(10);
  now += 20; // two tokens at 100/s
  expect([takeToken(g), takeToken(g), takeToken(g)]).toEqual([true, true, false]);
});
