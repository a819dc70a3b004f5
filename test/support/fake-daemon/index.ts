// A stand-in for the OpenSVC 2.1 daemon's raw unix socket (lsnr.sock), for tests: real NUL framing on
// a real socket, `daemon_status`, `events`, `get_secret_key` and `service_action`, patches computed
// like JournaledData (diff.ts), and the failures a client must survive (restart, cut message, id gap,
// garbage). Its replies are checked against the recordings in test/source/opensvc/fake-daemon.test.ts.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { createNulSplitter, encodeMessage } from '../../../src/source/opensvc/framing.js';
import type { Json } from '../../../src/source/opensvc/json.js';
import { applyPatch, type Stanza } from '../../../src/source/opensvc/patch.js';
import { journaledDiff } from './diff.js';
import { optionPath, routingError, selectStatus, serviceAction, type ActionFailure, type DaemonData } from './handlers.js';
import { applyKeywords, touchSecret } from './mutations.js';
import { createSecretDesk } from './secret-desk.js';

export type { ActionFailure } from './handlers.js';

export interface FakeDaemonOptions {
  readonly socketPath: string;
  /** The initial daemon_status. */
  readonly status: unknown;
  /** Secret objects: path → key → value. */
  readonly secrets?: Record<string, Record<string, string>>;
  /** Called when a daemon_status reply has been handed to the kernel whole (bench: "status received"). */
  readonly onStatusSent?: (bytes: number) => void;
  /** Use `status` as is instead of a copy (the caller gives it up; saves seconds on a huge status). */
  readonly adoptStatus?: boolean;
}

export interface PatchMessage {
  readonly kind: 'patch';
  readonly id: number;
  readonly ts: number;
  readonly data: Stanza[];
}

export interface FakeDaemon {
  readonly socketPath: string;
  /** Options of every service_action request, in order. */
  readonly actions: Json[];
  /** Action name of every request received, in order (`daemon_status`, `events`, …). */
  readonly requests: string[];
  /** Every patch message emitted, in order. */
  readonly patches: PatchMessage[];
  /** Every get_secret_key request, as `path key`, in order. */
  readonly secretReads: string[];
  /** Most get_secret_key requests open at once since the start or the last call (which resets it). */
  takeSecretPeak(): number;
  /** Answer get_secret_key `ms` later (0: at once). */
  holdSecretReplies(ms: number): void;
  /** While on, every get_secret_key request is answered by closing its connection, no reply. */
  failSecretReads(on: boolean): void;
  status(): Json;
  count(action: string): number;
  subscribers(): number;
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** Diff the current status to `next` and emit it as one patch with the next id (nothing if equal). */
  setStatus(next: unknown): PatchMessage | undefined;
  /**
   * Emit these stanzas as the next patch. They are applied to the stand-in's own status too unless
   * `apply` is false (to send a patch that does not match the status, e.g. one that cannot apply).
   */
  emitPatch(stanzas: Stanza[], apply?: boolean): PatchMessage;
  /** Send one message (JSON-encoded unless a string) to every events subscriber. */
  emitRaw(message: unknown): void;
  /** Send these bytes as they are (no terminator added) to every events subscriber. */
  emitRawBytes(bytes: Buffer): void;
  /** Go away: drop every connection and stop listening. */
  stop(): Promise<void>;
  /** Listen again (after stop). */
  start(): Promise<void>;
  /** Restart: drop connections, ids back to 1, optionally a new status. */
  restart(next?: unknown): Promise<void>;
  /** Change the status to `next` (if given) but cut its patch half-way and drop every subscriber. */
  dropMidMessage(next?: unknown): void;
  /** The next patch ids jump by n. */
  skipIds(n: number): void;
  /** Like the real daemon, publish a listener.stats patch after each request (off by default). */
  statsNoise(on: boolean): void;
  /** The current subscribers stay connected but receive nothing more (a hung daemon). */
  muteEvents(): void;
  /** Answer daemon_status `ms` later, with the status as it is then (0: at once). */
  holdStatusReplies(ms: number): void;
  sendGarbage(text?: string): void;
  setSecret(path: string, key: string, value: string): void;
  failNextAction(failure: ActionFailure): void;
  close(): Promise<void>;
}

const ACTIONS = ['daemon_status', 'events', 'get_secret_key', 'get_key', 'service_action'];

export async function startFakeDaemon(options: FakeDaemonOptions): Promise<FakeDaemon> {
  const initial = (options.adoptStatus ? options.status : structuredClone(options.status)) as Json;
  const data: DaemonData = { status: initial, secrets: new Map() };
  for (const [path, keys] of Object.entries(options.secrets ?? {})) data.secrets.set(path, new Map(Object.entries(keys)));
  const desk = createSecretDesk(data);
  const sockets = new Set<net.Socket>();
  const subscribers = new Set<net.Socket>();
  let lastId = 0;
  let failure: ActionFailure | undefined;
  let statusDelay = 0;
  let noise = false;
  let server: net.Server | undefined;
  const fake: FakeDaemon = {
    socketPath: options.socketPath,
    actions: [],
    requests: [],
    patches: [],
    secretReads: desk.reads,
    takeSecretPeak: () => desk.takePeak(),
    holdSecretReplies: (ms) => desk.hold(ms),
    failSecretReads: (on) => desk.fail(on),
    status: () => data.status,
    count: (action) => fake.requests.filter((a) => a === action).length,
    subscribers: () => subscribers.size,
    waitFor,
    setStatus(next) {
      const message = nextPatch(next);
      if (message) broadcast(encodeMessage(message));
      return message;
    },
    emitPatch(stanzas, apply = true) {
      if (apply) {
        // on a copy: a patch that does not apply leaves the stand-in's status as it was
        const doc = { root: structuredClone(data.status) };
        const result = applyPatch(doc, structuredClone(stanzas));
        if (!result.ok) throw new Error(`fake daemon: emitPatch does not apply: ${result.error}`);
        data.status = doc.root;
      }
      lastId += 1;
      const message: PatchMessage = { kind: 'patch', id: lastId, ts: Date.now() / 1000, data: stanzas };
      fake.patches.push(message);
      broadcast(encodeMessage(message));
      return message;
    },
    emitRaw: (message) => broadcast(frame(message)),
    emitRawBytes: (bytes) => broadcast(bytes),
    async stop() {
      for (const socket of sockets) socket.destroy();
      subscribers.clear();
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    start: listen,
    async restart(next) {
      await fake.stop();
      lastId = 0;
      if (next !== undefined) data.status = structuredClone(next) as Json;
      await listen();
    },
    dropMidMessage(next) {
      const message = next === undefined ? noisePatch() : nextPatch(next);
      const bytes = encodeMessage(message ?? noisePatch());
      for (const socket of subscribers) {
        socket.write(bytes.subarray(0, Math.max(1, bytes.length >> 1)));
        socket.destroy();
      }
      subscribers.clear();
    },
    skipIds: (n) => void (lastId += n),
    holdStatusReplies: (ms) => void (statusDelay = ms),
    statsNoise: (on) => void (noise = on),
    muteEvents: () => subscribers.clear(),
    sendGarbage: (text = '{"kind": "patch", "id": ') => broadcast(frame(text)),
    setSecret(path, key, value) {
      const keys = data.secrets.get(path) ?? new Map<string, string>();
      keys.set(key, value);
      data.secrets.set(path, keys);
      fake.setStatus(touchSecret(data.status, path, Date.now() / 1000));
    },
    failNextAction: (next) => void (failure = next),
    close: () => fake.stop(),
  };

  function nextPatch(next: unknown): PatchMessage | undefined {
    const stanzas = journaledDiff(data.status, next as Json);
    data.status = structuredClone(next) as Json;
    if (stanzas.length === 0) return undefined;
    lastId += 1;
    const message: PatchMessage = { kind: 'patch', id: lastId, ts: Date.now() / 1000, data: stanzas };
    fake.patches.push(message);
    return message;
  }

  function noisePatch(): PatchMessage {
    lastId += 1;
    const message: PatchMessage = { kind: 'patch', id: lastId, ts: Date.now() / 1000, data: [[['listener', 'stats', 'sessions', 'accepted'], lastId]] };
    fake.patches.push(message);
    return message;
  }

  function broadcast(bytes: Buffer): void {
    for (const socket of subscribers) socket.write(bytes);
  }

  function frame(message: unknown): Buffer {
    return typeof message === 'string' ? Buffer.concat([Buffer.from(message), Buffer.from([0])]) : encodeMessage(message);
  }

  async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('fake daemon: condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  function onConnection(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      subscribers.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    let handled = false;
    const splitter = createNulSplitter((text) => {
      if (handled) return; // bytes after the request are read and discarded, like the daemon does
      handled = true;
      handle(socket, text);
    });
    socket.on('data', (chunk) => splitter.push(chunk));
  }

  function handle(socket: net.Socket, text: string): void {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      request = undefined;
    }
    const error = routingError(request, ACTIONS);
    const body = request as { action?: string; options?: Json };
    fake.requests.push(typeof body?.action === 'string' ? body.action : '');
    if (noise && body?.action !== 'events') setTimeout(() => broadcast(encodeMessage(noisePatch())), 5);
    if (error) return void socket.end(encodeMessage(error));
    const action = String(body.action).replace(/^\/+/, '');
    if (action === 'events') return void subscribers.add(socket);
    if (action === 'daemon_status') {
      const reply = (): void => {
        const bytes = encodeMessage(selectStatus(data.status, body.options));
        socket.end(bytes, () => options.onStatusSent?.(bytes.length));
      };
      if (statusDelay === 0) return reply();
      return void setTimeout(reply, statusDelay);
    }
    if (action === 'get_secret_key' || action === 'get_key') return desk.serve(socket, body.options);
    fake.actions.push(body.options ?? {});
    const outcome = serviceAction(data.status, body.options, failure);
    failure = undefined;
    socket.end(encodeMessage(outcome.reply));
    const path = optionPath(body.options);
    if (outcome.kw.length > 0 && path) fake.setStatus(applyKeywords(data.status, path, outcome.kw, Date.now() / 1000));
  }

  async function listen(): Promise<void> {
    if (server) return;
    rmSync(options.socketPath, { force: true });
    const next = net.createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(options.socketPath, () => resolve());
    });
    server = next;
  }

  await listen();
  return fake;
}
