// Connections to the daemon's raw unix socket: one connection per request (the daemon answers and
// closes), and the long-lived `events` subscription.
import net from 'node:net';
import { createNulSplitter, encodeMessage } from './framing.js';

export interface RequestOptions {
  readonly timeoutMs: number;
}

/** Send one request and resolve with its parsed reply. Rejects on connect errors, timeout, EOF or garbage. */
export function request(socketPath: string, body: { action: string }, options: RequestOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
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
    const fail = (what: string): void => finish(new Error(`opensvc ${body.action} on ${socketPath}: ${what}`));
    const timer = setTimeout(() => fail(`no reply within ${options.timeoutMs} ms`), options.timeoutMs);
    const splitter = createNulSplitter((text) => {
      try {
        finish(undefined, JSON.parse(text));
      } catch {
        fail('unparseable reply');
      }
    });
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
  /** The stream ended (EOF, error); called once, never after close(). */
  onEnd(reason: string): void;
}

/** Subscribe to `events`. Resolves once connected and subscribed; rejects if the connection fails. */
export function openEvents(socketPath: string, handlers: EventHandlers): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let connected = false;
    let ended = false;
    const splitter = createNulSplitter((text) => {
      if (!ended) handlers.onMessage(text);
    });
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      socket.destroy();
      if (connected) handlers.onEnd(reason);
      else reject(new Error(`opensvc events on ${socketPath}: ${reason}`));
    };
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
