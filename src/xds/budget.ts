// The bytes of responses handed to gRPC and not yet written to a socket, all streams of a server
// together. A stream starts a flush only while the total is under the bound; past it, the stream
// waits in line and is woken (first come, first served) as writes complete. So 1,000 streams that
// connect at once do not each buffer their whole first sync at the same moment (the memory such a
// peak takes is not given back to the system), and a change still goes out at once when the
// streams are idle (a change is small).
//
// A client that stops reading keeps its bytes unwritten: they count against the bound only for
// GRACE_MS, then they are forgiven, so a client that never reads can delay the others by at most
// that long, never stop them. A stream that ends gives back what it still counted.

/** How long bytes a client does not read keep counting against the bound. */
export const GRACE_MS = 2000;

/** What one stream has charged and not yet released. One per stream, kept by the stream. */
export interface Ticket {
  bytes: number;
  /** performance.now() of the first charge still counted. */
  since: number;
}

export interface WriteBudget {
  /** May a flush start now? If not, `wake` joins the line (once) and is called when there is room. */
  admit(wake: () => void): boolean;
  charge(ticket: Ticket, bytes: number): void;
  /** Written (or the stream ended): give back up to `bytes` of what the ticket still counts. */
  release(ticket: Ticket, bytes: number): void;
  /** The stream ended: out of the line, and everything it counted given back. */
  leave(ticket: Ticket, wake: () => void): void;
  /** Bytes counted now (all streams). */
  readonly queued: number;
  /** Streams waiting for room. */
  readonly waiting: number;
}

export function createWriteBudget(maxBytes: number, graceMs = GRACE_MS, now: () => number = () => performance.now()): WriteBudget {
  let queued = 0;
  const line = new Set<() => void>();
  /** Tickets counting bytes now, oldest first. */
  const counting = new Set<Ticket>();
  let timer: NodeJS.Timeout | undefined;

  const wakeSome = (): void => {
    // a woken stream flushes at once (it charges before the next one is woken)
    for (const wake of line) {
      if (queued >= maxBytes) return;
      line.delete(wake);
      wake();
    }
  };

  const give = (ticket: Ticket, bytes: number): void => {
    const n = Math.min(bytes, ticket.bytes);
    ticket.bytes -= n;
    queued -= n;
    if (ticket.bytes === 0) counting.delete(ticket);
  };

  /** Forgive what waited longer than the grace (clients that do not read), then wake the line. */
  const expire = (): void => {
    timer = undefined;
    const limit = now() - graceMs;
    for (const t of counting) {
      if (t.since > limit) break;
      give(t, t.bytes);
    }
    wakeSome();
    arm();
  };

  const arm = (): void => {
    if (timer !== undefined || counting.size === 0) return;
    const oldest = counting.values().next().value;
    const wait = oldest ? Math.max(0, oldest.since + graceMs - now()) : graceMs;
    timer = setTimeout(expire, wait + 1);
    timer.unref();
  };

  return {
    admit(wake) {
      if (queued < maxBytes) return true;
      line.add(wake);
      return false;
    },
    charge(ticket, bytes) {
      if (ticket.bytes === 0) {
        ticket.since = now();
        counting.add(ticket);
      }
      ticket.bytes += bytes;
      queued += bytes;
      arm();
    },
    release(ticket, bytes) {
      if (ticket.bytes === 0) return;
      give(ticket, bytes);
      wakeSome();
    },
    leave(ticket, wake) {
      line.delete(wake);
      if (ticket.bytes > 0) give(ticket, ticket.bytes);
      wakeSome();
    },
    get queued() {
      return queued;
    },
    get waiting() {
      return line.size;
    },
  };
}
