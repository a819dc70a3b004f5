// The OpenSVC 2.1 source: follows a daemon over its raw unix socket (lsnr.sock), reconnecting with
// capped exponential backoff. While the daemon is away the last state is kept and a `stale` event
// says so; the cluster is never reported empty because of a failure. See follower.ts for the resync
// rules and the snapshot race, gate.ts for when a fresh status is believed, verify.ts for anti-entropy.
//
// Requests to the daemon socket (daemon_status, get_secret_key, service_action; not the events
// stream) go through one queue per source, at most `maxConcurrentRequests` at once (default 16):
// the daemon's listen backlog is small, and hundreds of secret reads at once overflowed it. The
// status and write-back requests go before queued secret reads. Each message from the daemon is
// bounded by `maxMessageBytes` (default 256 MiB, framing.ts).
import PQueue from 'p-queue';
import { pino, type Logger } from 'pino';
import { SECRET_KEYS, zeroCounts, type SecretValues, type Source, type SourceCounter, type SourceEvent } from '../types.js';
import { createFollower, type Follower } from './follower.js';
import { MAX_MESSAGE_BYTES } from './framing.js';
import { fetchSecret, type Requester } from './secrets.js';
import { MessageTooLarge, openEvents, request, type EventStream } from './transport.js';
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
  /** Longest wait for a (re)starting daemon's nodes to leave `init` before a snapshot that withdraws little is published (ms, default 30 s). */
  readonly warmupMs?: number;
  /** Delay before a snapshot that would withdraw most services, from a ready daemon, is fetched again to confirm it (ms, default 5 s). */
  readonly confirmMs?: number;
  /** Silence on the events stream before the daemon is probed (ms, default 60 s; see watchdog.ts). */
  readonly idleMs?: number;
  /** Requests to the daemon socket at once (default 16). */
  readonly maxConcurrentRequests?: number;
  /** Largest daemon message (bytes, default 256 MiB): past it the connection is dropped (then resynced). */
  readonly maxMessageBytes?: number;
  /** Anti-entropy period (ms, default 5 minutes; 0: only on demand, through verify()). */
  readonly antiEntropyMs?: number;
}

const PRIORITY = { status: 1, secret: 0 } as const;

export function createOpenSvcSource(opts: OpenSvcSourceOptions): Source {
  const log = (opts.logger ?? pino({ level: 'silent' })).child({ module: 'source/opensvc' });
  const backoff = opts.backoff ?? { minMs: 250, maxMs: 10_000 };
  const requestMs = opts.timeouts?.requestMs ?? 10_000;
  const actionMs = opts.timeouts?.actionMs ?? 60_000;
  const maxBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const counts = zeroCounts();
  const count = (counter: SourceCounter, n = 1): void => void (counts[counter] += n);
  const queue = new PQueue({ concurrency: opts.maxConcurrentRequests ?? 16 });
  const queued =
    (priority: number): Requester =>
    (body, options) =>
      queue.add(() => request(opts.socketPath, body, { maxBytes, ...options }), { priority }).catch((err: unknown) => {
        if (err instanceof MessageTooLarge) count('oversizedMessages');
        throw err;
      });
  const send = queued(PRIORITY.status);
  const sendSecret = queued(PRIORITY.secret);
  let onEvent: ((event: SourceEvent) => void) | undefined;
  let stream: EventStream | undefined;
  let watchdog: Watchdog | undefined;
  let timer: NodeJS.Timeout | undefined;
  let antiEntropy: NodeJS.Timeout | undefined;
  let attempt = 0;
  let stale = false;
  let closed = false;

  const emit = (event: SourceEvent): void => {
    if (closed || !onEvent) return;
    if (event.kind === 'snapshot') attempt = 0;
    // after a snapshot or a hold the janitor no longer shows the source stale: a new loss is news
    if (event.kind === 'snapshot' || event.kind === 'held') stale = false;
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
    confirmMs: opts.confirmMs ?? 5000,
    count,
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
      const opened = await openEvents(
        opts.socketPath,
        {
          onMessage: (text) => {
            if (stream === opened) watchdog?.kick();
            follower.onMessage(text);
          },
          onEnd: (reason) => {
            if (stream === opened) lost(reason);
          },
          onOversize: () => count('oversizedMessages'),
        },
        maxBytes,
      );
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

  function startAntiEntropy(): void {
    const every = opts.antiEntropyMs ?? 300_000;
    if (every <= 0) return;
    antiEntropy = setInterval(() => void follower.verify(), every);
    antiEntropy.unref();
  }

  return {
    name: 'opensvc',
    async start(handler) {
      onEvent = handler;
      log.info({ socket: opts.socketPath }, 'following the OpenSVC daemon');
      startAntiEntropy();
      await connect();
    },
    async getSecret(path, keys = SECRET_KEYS): Promise<SecretValues> {
      try {
        return await fetchSecret(sendSecret, path, keys, requestMs);
      } catch (err) {
        count('secretFetchFailures');
        throw err;
      }
    },
    setListenerPort: (path, rid, port) => writeListenerPort(send, path, rid, port, actionMs),
    verify: () => follower.verify(),
    counts: () => ({ ...counts }),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      clearInterval(antiEntropy);
      watchdog?.stop();
      watchdog = undefined;
      stream?.close();
      stream = undefined;
      follower.disconnected();
    },
  };
}
