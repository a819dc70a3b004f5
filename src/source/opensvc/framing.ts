// NUL framing of the daemon's raw unix socket (reference §1.2): a request is UTF-8 JSON followed by
// one NUL byte; every reply and every event is JSON followed by NUL. The splitter keeps bytes until a
// NUL arrives and decodes each message as a whole, so a multi-byte character split across reads, a
// message across reads and many messages in one read all come out right.
//
// A message is bounded: one that grows past `maxBytes` without its NUL (a stream gone mad, or a
// daemon that never ends its message) is dropped as soon as it does, and the splitter stops;
// its owner drops the connection (a resync follows for the events stream).

const NUL = 0;

/** Default bound of one daemon message: a daemon_status of 10,000 services on 4 nodes is about 100 MB. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface NulSplitter {
  /** Feed bytes as they arrive; `onMessage` is called once per complete message, in order. */
  push(chunk: Uint8Array): void;
  /** Bytes received after the last NUL (an unfinished message). */
  pendingBytes(): number;
}

export interface SplitterLimit {
  readonly maxBytes: number;
  /** The message grew past maxBytes (`size`: bytes seen so far); nothing more is delivered. */
  readonly onOversize: (size: number) => void;
}

export function createNulSplitter(onMessage: (text: string) => void, limit?: SplitterLimit): NulSplitter {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let stopped = false;
  const decoder = new TextDecoder('utf-8');
  const maxBytes = limit?.maxBytes ?? Infinity;

  function oversize(size: number): void {
    stopped = true;
    pending = [];
    pendingLength = 0;
    limit?.onOversize(size);
  }

  function emit(tail: Uint8Array): void {
    if (pendingLength + tail.length > maxBytes) return oversize(pendingLength + tail.length);
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingLength = 0;
    onMessage(decoder.decode(bytes));
  }

  return {
    push(chunk) {
      let start = 0;
      for (let nul = chunk.indexOf(NUL, start); nul !== -1 && !stopped; nul = chunk.indexOf(NUL, start)) {
        emit(chunk.subarray(start, nul));
        start = nul + 1;
      }
      if (stopped || start >= chunk.length) return;
      if (pendingLength + chunk.length - start > maxBytes) return oversize(pendingLength + chunk.length - start);
      const rest = Buffer.from(chunk.subarray(start));
      pending.push(rest);
      pendingLength += rest.length;
    },
    pendingBytes: () => pendingLength,
  };
}

/** The bytes of one request or message: UTF-8 JSON and its NUL terminator. */
export function encodeMessage(body: unknown): Buffer {
  return Buffer.concat([Buffer.from(JSON.stringify(body), 'utf8'), Buffer.from([NUL])]);
}
