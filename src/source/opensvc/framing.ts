// NUL framing of the daemon's raw unix socket (reference §1.2): a request is UTF-8 JSON followed by
// one NUL byte; every reply and every event is JSON followed by NUL. The splitter keeps bytes until a
// NUL arrives and decodes each message as a whole, so a multi-byte character split across reads, a
// message across reads and many messages in one read all come out right.

const NUL = 0;

export interface NulSplitter {
  /** Feed bytes as they arrive; `onMessage` is called once per complete message, in order. */
  push(chunk: Uint8Array): void;
  /** Bytes received after the last NUL (an unfinished message). */
  pendingBytes(): number;
}

export function createNulSplitter(onMessage: (text: string) => void): NulSplitter {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  const decoder = new TextDecoder('utf-8');

  function emit(tail: Uint8Array): void {
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingLength = 0;
    onMessage(decoder.decode(bytes));
  }

  return {
    push(chunk) {
      let start = 0;
      for (let nul = chunk.indexOf(NUL, start); nul !== -1; nul = chunk.indexOf(NUL, start)) {
        emit(chunk.subarray(start, nul));
        start = nul + 1;
      }
      if (start < chunk.length) {
        const rest = Buffer.from(chunk.subarray(start));
        pending.push(rest);
        pendingLength += rest.length;
      }
    },
    pendingBytes: () => pendingLength,
  };
}

/** The bytes of one request or message: UTF-8 JSON and its NUL terminator. */
export function encodeMessage(body: unknown): Buffer {
  return Buffer.concat([Buffer.from(JSON.stringify(body), 'utf8'), Buffer.from([NUL])]);
}
