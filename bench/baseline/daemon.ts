// The baseline's daemon follower, as small as it can be: subscribe to events, fetch daemon_status,
// apply the buffered then the following patches IN PLACE, and say which object paths each patch
// touched. No gap detection, no resync, no warm-up wait: a minimal server for comparison only.
import net from 'node:net';

import { applyInPlace, type Json, type Stanza } from '../daemon/in-place.js';

export type { Json } from '../daemon/in-place.js';

export interface FollowHandlers {
  onSnapshot(status: Json): void;
  /** `all`: a stanza above the object level changed; otherwise the object paths touched. */
  onPatch(touched: Set<string> | 'all'): void;
}

/** Open a socket, send one NUL-terminated request, hand every NUL-terminated message to `onMessage`. */
function request(socketPath: string, body: unknown, onMessage: (text: string) => void): net.Socket {
  const socket = net.createConnection(socketPath, () => socket.write(`${JSON.stringify(body)}\0`));
  let pending: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let nul = chunk.indexOf(0, start); nul !== -1; nul = chunk.indexOf(0, start)) {
      pending.push(chunk.subarray(start, nul));
      onMessage(Buffer.concat(pending).toString('utf8'));
      pending = [];
      start = nul + 1;
    }
    if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
  });
  return socket;
}

/** Object paths touched by one stanza (`monitor.nodes.<n>.services.<status|config>.<path>…`). */
function touch(touched: Set<string> | 'all', path: readonly (string | number)[]): Set<string> | 'all' {
  if (touched === 'all' || path[0] !== 'monitor') return touched;
  if (path[1] === 'nodes' && path[3] === 'services' && typeof path[5] === 'string') return touched.add(path[5]);
  if (path[1] === 'services' && typeof path[2] === 'string') return touched.add(path[2]);
  return path[1] === 'nodes' ? 'all' : touched;
}

export function followDaemon(socketPath: string, handlers: FollowHandlers): void {
  let status: Json | undefined;
  const buffered: Stanza[][] = [];
  const onPatch = (stanzas: Stanza[]): void => {
    if (status === undefined) return void buffered.push(stanzas);
    let touched: Set<string> | 'all' = new Set();
    for (const stanza of stanzas) {
      if (stanza[0][0] !== 'monitor') continue;
      applyInPlace(status, stanza);
      touched = touch(touched, stanza[0]);
    }
    if (touched === 'all' || touched.size > 0) handlers.onPatch(touched);
  };
  const events = request(socketPath, { action: 'events' }, (text) => {
    const message = JSON.parse(text) as { kind?: string; data?: Stanza[] };
    if (message.kind === 'patch' && Array.isArray(message.data)) onPatch(message.data);
  });
  events.on('error', (err) => fatal(`events: ${err.message}`));
  events.on('close', () => fatal('events stream closed'));
  events.once('connect', () => {
    request(socketPath, { action: 'daemon_status' }, (text) => {
      status = JSON.parse(text) as Json;
      for (const stanzas of buffered.splice(0)) for (const stanza of stanzas) if (stanza[0][0] === 'monitor') applyInPlace(status, stanza);
      handlers.onSnapshot(status);
    }).on('error', (err) => fatal(`daemon_status: ${err.message}`));
  });
}

function fatal(why: string): never {
  process.stderr.write(`baseline: ${why}\n`);
  process.exit(1);
}
