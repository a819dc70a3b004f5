// The OpenSVC 2.1 source: follows a daemon over its raw unix socket (lsnr.sock), reconnecting with
// capped exponential backoff. While the daemon is away the last state is kept and a `stale` event
// says so; the cluster is never reported empty because of a failure. See follower.ts for the resync
// rules and the snapshot race.
import { pino, type Logger } from 'pino';
import type { SecretValues, Source, SourceEvent } from '../types.js';
import { createFollower, type Follower } from './follower.js';
import { fetchSecret, type Requester } from './secrets.js';
import { openEvents, request, type EventStream } from './transport.js';
import { createWatchdog, type Watchdog } from './watchdog.js';
import { writeListenerPort } from './writeback.js';

export { resolveSocketPath } from './socket-path.js';

export interface OpenSvcSourceOptions {
  readonly socketPath: string;
  readonly logger?: Logger;
  /** Reconnect delays: minMs, doubled after each failed attempt, capped at maxMs. */
  readonly backoff?: { readonly minMs: number; readonly maxMs: number };
  /** Per-request timeouts (ms). service_action runs a CLI command, so it gets longer. */
  readonly timeouts?: { readonly requestMs?: number; readonly actionMs?: number };
  /** Longest wait for a (re)starting daemon's nodes to leave `init` before a snapshot (ms, default 30 s). */
  readonly warmupMs?: number;
  /** Silence on the events stream before the daemon is probed (ms, default 60 s; see watchdog.ts). */
  readonly idleMs?: number;
}

export function createOpenSvcSource(opts: OpenSvcSourceOptions): Source {
  const log = (opts.logger ?? pino({ level: 'silent' })).child({ module: 'source/opensvc' });
  const backoff = opts.backoff ?? { minMs: 250, maxMs: 10_000 };
  const requestMs = opts.timeouts?.requestMs ?? 10_000;
  const actionMs = opts.timeouts?.actionMs ?? 60_000;
  const send: Requester = (body, options) => request(opts.socketPath, body, options);
  let onEvent: ((event: SourceEvent) => void) | undefined;
  let stream: EventStream | undefined;
  let watchdog: Watchdog | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let stale = false;
  let closed = false;

  const emit = (event: SourceEvent): void => {
    if (closed || !onEvent) return;
    if (event.kind === 'snapshot') {
      attempt = 0;
      stale = false;
    }
    try {
      onEvent(event);
    } catch (err) {
      log.error({ err }, 'source event handler threw');
    }
  };

  const follower: Follower = createFollower({
    emit,
    fetchStatus: () => send({ action: 'daemon_status', options: {} }, { timeoutMs: requestMs }),
    fail: (reason) => lost(reason),
    log,
    warmupMs: opts.warmupMs ?? 30_000,
  });

  // Any request makes the daemon publish listener.stats patches; a selector matching nothing keeps the reply small.
  const probe = () => send({ action: 'daemon_status', options: { selector: '__xds_janitor_probe__' } }, { timeoutMs: requestMs });

  function lost(reason: string): void {
    watchdog?.stop();
    watchdog = undefined;
    stream?.close();
    stream = undefined;
    follower.disconnected();
    if (closed) return;
    if (!stale && follower.current()) {
      stale = true;
      log.warn({ reason }, 'daemon connection lost, keeping the last state');
      emit({ kind: 'stale', reason });
    }
    schedule(reason);
  }

  function schedule(reason: string): void {
    if (closed || timer) return;
    const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(attempt, 30));
    attempt++;
    log.debug({ reason, delay, attempt }, 'reconnecting');
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (closed) return;
    try {
      const opened = await openEvents(opts.socketPath, {
        onMessage: (text) => {
          if (stream === opened) watchdog?.kick();
          follower.onMessage(text);
        },
        onEnd: (reason) => {
          if (stream === opened) lost(reason);
        },
      });
      if (closed) return opened.close();
      stream = opened;
      watchdog = createWatchdog(opts.idleMs ?? 60_000, probe, (reason) => {
        if (stream === opened) lost(reason);
      });
      follower.connected();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // a daemon not there at start would otherwise only show in debug lines; once per run of
      // failures (the counter restarts at each snapshot, and a lost connection already warned)
      if (attempt === 0) log.warn({ socket: opts.socketPath, reason }, 'cannot reach the OpenSVC daemon, retrying');
      schedule(reason);
    }
  }

  return {
    name: 'opensvc',
    async start(handler) {
      onEvent = handler;
      log.info({ socket: opts.socketPath }, 'following the OpenSVC daemon');
      await connect();
    },
    getSecret: (path): Promise<SecretValues> => fetchSecret(send, path, requestMs),
    setListenerPort: (path, rid, port) => writeListenerPort(send, path, rid, port, actionMs),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      watchdog?.stop();
      watchdog = undefined;
      stream?.close();
      stream = undefined;
      follower.disconnected();
    },
  };
}
