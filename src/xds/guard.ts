// Per-stream bounds, checked on every request in O(1): the names one request carries (counted on
// the wire before anything is decoded), the names the stream subscribes to in total, and the
// request rate (a token bucket: past the burst, the stream is read no faster than the rate, so a
// flooding client slows itself down through HTTP/2 flow control instead of the server).
import type { XdsLimits } from './limits.js';
import type { NameBudget, NameLoad } from './request.js';

/** The guard of one stream: plain data, read and charged by the functions below. */
export interface StreamGuard {
  readonly limits: XdsLimits;
  /** What one request may carry: reading its names stops past this. */
  readonly budget: NameBudget;
  readonly now: () => number;
  tokens: number;
  last: number;
}

/** A request costs one token, plus one per 16 KiB it carries (a big request costs more to read). */
const BYTES_PER_TOKEN = 16 * 1024;

const monotonic = (): number => performance.now();

export function createStreamGuard(limits: XdsLimits, now: () => number = monotonic): StreamGuard {
  return { limits, budget: { maxCount: limits.maxSubscriptions, maxBytes: limits.maxSubscriptionBytes }, now, tokens: limits.requestBurst, last: now() };
}

function refill(g: StreamGuard): void {
  const t = g.now();
  g.tokens = Math.min(g.limits.requestBurst, g.tokens + ((t - g.last) * g.limits.requestsPerSecond) / 1000);
  g.last = t;
}

function over(limits: XdsLimits, count: number, bytes: number, what: string, complete = true): string | undefined {
  if (count > limits.maxSubscriptions) {
    return complete
      ? `${what} ${count} resource names, more than the ${limits.maxSubscriptions} a stream may subscribe to`
      : `${what} more than ${limits.maxSubscriptions} resource names, the most a stream may subscribe to`;
  }
  if (bytes > limits.maxSubscriptionBytes) {
    return complete
      ? `${what} ${bytes} bytes of resource names, more than the ${limits.maxSubscriptionBytes} a stream may subscribe to`
      : `${what} more than ${limits.maxSubscriptionBytes} bytes of resource names, the most a stream may subscribe to`;
  }
  return undefined;
}

/** The names one request carries: a sentence when it is over a limit by itself. */
export const checkRequest = (g: StreamGuard, load: NameLoad): string | undefined => over(g.limits, load.count, load.bytes, 'request carries', load.complete);

/** The stream's subscriptions after a request: a sentence when they are over a limit. */
export const checkTotals = (g: StreamGuard, count: number, bytes: number): string | undefined => over(g.limits, count, bytes, 'stream subscribes to');

/** Charge one request of `bytes`; the milliseconds to wait before reading the next (0: none). */
export function chargeRequest(g: StreamGuard, bytes: number): number {
  refill(g);
  g.tokens -= 1 + Math.floor(bytes / BYTES_PER_TOKEN);
  return g.tokens >= 0 ? 0 : Math.ceil((-g.tokens * 1000) / g.limits.requestsPerSecond);
}

/** Take one token if there is one (for what is refused rather than delayed: no debt). */
export function takeToken(g: StreamGuard): boolean {
  refill(g);
  if (g.tokens < 1) return false;
  g.tokens -= 1;
  return true;
}
