// The stand-in's get_secret_key counter: every read as `path key`, how many are open at once (the
// high-water mark since it was last taken), an optional delay before each reply, and reads that
// fail: the connection closed without a reply (a daemon restarting or overloaded).
import type net from 'node:net';
import { encodeMessage } from '../../../src/source/opensvc/framing.js';
import { field, type Json } from '../../../src/source/opensvc/json.js';
import { getSecretKey, optionPath, type DaemonData } from './handlers.js';

export interface SecretDesk {
  readonly reads: string[];
  serve(socket: net.Socket, options: Json | undefined): void;
  takePeak(): number;
  hold(ms: number): void;
  /** While on, every read is answered by closing its connection. */
  fail(on: boolean): void;
}

export function createSecretDesk(data: DaemonData): SecretDesk {
  let delay = 0;
  let failing = false;
  let open = 0;
  let peak = 0;
  const reads: string[] = [];
  return {
    reads,
    serve(socket, options) {
      reads.push(`${optionPath(options) ?? ''} ${String(field(options, 'key'))}`);
      if (failing) {
        socket.destroy();
        return;
      }
      open += 1;
      peak = Math.max(peak, open);
      const reply = (): void => {
        open -= 1;
        socket.end(encodeMessage(getSecretKey(data, options)));
      };
      if (delay === 0) reply();
      else setTimeout(reply, delay);
    },
    takePeak() {
      const highest = peak;
      peak = open;
      return highest;
    },
    hold: (ms) => void (delay = ms),
    fail: (on) => void (failing = on),
  };
}
