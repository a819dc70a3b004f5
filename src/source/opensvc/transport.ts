// Connections to the daemon's raw unix socket: one connection per request (the daemon answers and
// closes), and the long-lived `events` subscription. Every message is bounded (framing.ts): past
// the bound the connection is dropped and the failure says so.
import net from 'node:net';
import { MAX_MESSAGE_BYTES, createNulSplitter, encodeMessage } from './framing.js';

export interface RequestOptions {
  readonly timeoutMs: number;
  /** Largest reply accepted (bytes, default MAX_MESSAGE_BYTES). */
  readonly maxBytes?: number;
}

/** A reply or an event larger than the bound: the connection was dropped. */
export class MessageTooLarge extends Error {}

function tooLarge(what: string, size: number, max: number): MessageTooLarge {
  return new MessageTooLarge(`${what}: message larger than ${max} bytes (${size} bytes and no end yet): connection dropped`);
}

/** Send one request and resolve with its parsed reply. Rejects on connect errors, timeout, EOF, garbage or a reply past the bound. */
export function request(socketPath: string, body: { action: string }, options: RequestOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const what = `opensvc ${body.action} on ${socketPath}`;
    const max = options.maxBytes ?? MAX_MESSAGE_BYTES;
    const socket = net.createConnection(socketPath);
    let settled = false;
    const finish = (err: Error | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const fail = (reason: string): void => finish(new Error(`${what}: ${reason}`));
    const timer = setTimeout(() => fail(`no reply within ${options.timeoutMs} ms`), options.timeoutMs);
    const onReply = (text: string): void => {
      try {
        finish(undefined, JSON.parse(text));
      } catch {
        fail('unparseable reply');
      }
    };
    const splitter = createNulSplitter(onReply, { maxBytes: max, onOversize: (size) => finish(tooLarge(what, size, max)) });
    socket.on('connect', () => socket.write(encodeMessage(body)));
    socket.on('data', (chunk) => splitter.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on('close', () => fail('connection closed before the reply ended'));
  });
}

export interface EventStream {
  close(): void;
}

export interface EventHandlers {
  /** One decoded message text (not parsed: the caller decides what garbage means). */
  onMessage(text: string): void;
  /** The stream ended (EOF, error, a message past the bound); called once, never after close(). */
  onEnd(reason: string): void;
  /** A message grew past the bound (onEnd follows). */
  onOversize?(): void;
}

/** Subscribe to `events`. Resolves once connected and subscribed; rejects if the connection fails. */
export function openEvents(socketPath: string, handlers: EventHandlers, maxBytes = MAX_MESSAGE_BYTES): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let connected = false;
    let ended = false;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      socket.destroy();
      if (connected) handlers.onEnd(reason);
      else reject(new Error(`opensvc events on ${socketPath}: ${reason}`));
    };
    const splitter = createNulSplitter(
      (text) => {
        if (!ended) handlers.onMessage(text);
      },
      {
        maxBytes,
        onOversize: (size) => {
          handlers.onOversize?.();
          end(tooLarge('opensvc events', size, maxBytes).message);
        },
      },
    );
    socket.on('connect', () => {
      connected = true;
      socket.write(encodeMessage({ action: 'events' }));
      resolve({
        close: () => {
          ended = true;
          socket.destroy();
        },
      });
    });
    socket.on('data', (chunk) => splitter.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => end(err.code ?? err.message));
    socket.on('close', () => end('connection closed by the daemon'));
  });
}
