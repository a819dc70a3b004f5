// Per-stream bounds, checked on every request in O(1): the names one request carries (counted on
// the wire before anything is decoded), the names the stream subscribes to in total, and the
// request rate (a token bucket: past the burst, the stream is read no faster than the rate, so a
// flooding client slows itself down through HTTP/2 flow control instead of the server).
import type { XdsLimits } from './limits.js';
import type { NameBudget, NameLoad } from './request.js';

export interface StreamGuard {
  /** What one request may carry: reading its names stops past this. */
  readonly budget: NameBudget;
  /** The names one request carries: a sentence when it is over a limit by itself. */
  checkRequest(load: NameLoad): string | undefined;
  /** The stream's subscriptions after a request: a sentence when they are over a limit. */
  checkTotals(count: number, bytes: number): string | undefined;
  /** Charge one request of `bytes`; the milliseconds to wait before reading the next (0: none). */
  charge(bytes: number): number;
  /** Take one token if there is one (for what is refused rather than delayed: no debt). */
  take(): boolean;
}

/** A request costs one token, plus one per 16 KiB it carries (a big request costs more to read). */
const BYTES_PER_TOKEN = 16 * 1024;

export function createStreamGuard(limits: XdsLimits, now: () => number = () => performance.now()): StreamGuard {
  let tokens = limits.requestBurst;
  let last = now();
  const refill = (): void => {
    const t = now();
    tokens = Math.min(limits.requestBurst, tokens + ((t - last) * limits.requestsPerSecond) / 1000);
    last = t;
  };

  const over = (count: number, bytes: number, what: string, complete = true): string | undefined => {
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
  };

  return {
    budget: { maxCount: limits.maxSubscriptions, maxBytes: limits.maxSubscriptionBytes },
    checkRequest: (load) => over(load.count, load.bytes, 'request carries', load.complete),
    checkTotals: (count, bytes) => over(count, bytes, 'stream subscribes to'),
    charge(bytes) {
      refill();
      tokens -= 1 + Math.floor(bytes / BYTES_PER_TOKEN);
      return tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / limits.requestsPerSecond);
    },
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
