// The daemon side of the replay: the stand-in daemon started on the recorded initial status, the
// recorded events.jsonl fed to it in order, and a thin socket in front of it that lets the test
// change a secret's stored value silently (the real daemon's secret change shows to a subscriber
// only as a patch touching `services.config.<secret>`: patch 60; the stand-in's own setSecret
// emits a patch of its own, which would not be a replay).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNulSplitter, encodeMessage } from '../../src/source/opensvc/framing.js';
import type { Stanza } from '../../src/source/opensvc/patch.js';
import { startFakeDaemon, type FakeDaemon, type PatchMessage } from '../support/fake-daemon/index.js';

export const RECORDING = new URL('../fixtures/opensvc-v2.1', import.meta.url).pathname;

export interface RecordedMessage {
  readonly kind: string;
  readonly id?: number;
  readonly data: unknown;
}

export function recordedStatus(name: 'initial' | 'final'): unknown {
  return JSON.parse(readFileSync(path.join(RECORDING, `daemon_status.${name}.json`), 'utf8'));
}

export function recordedMessages(): RecordedMessage[] {
  return readFileSync(path.join(RECORDING, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { msg: RecordedMessage }).msg);
}

export interface Replay {
  /** Feed the recorded messages up to and including patch `id`; returns the patches as emitted. */
  through(id: number): PatchMessage[];
  /** Recorded id → id the stand-in gave it (they differ after the janitor's own write-back patch). */
  readonly emittedIds: Map<number, number>;
  done(): boolean;
}

/**
 * Replays events.jsonl into the stand-in: patches through emitPatch (applied to its status too, so a
 * restart or a resync sees the replayed state) numbered on from the recorded first id, named
 * events (instance_delete) raw. The stand-in numbers every patch it sends, the janitor's write-back
 * included, exactly as the real daemon would: recorded ids after that write-back shift by one.
 */
export function createReplay(daemon: FakeDaemon, messages = recordedMessages()): Replay {
  let cursor = 0;
  const emittedIds = new Map<number, number>();
  const first = messages.find((m) => m.kind === 'patch')?.id ?? 1;
  daemon.skipIds(first - 1);
  return {
    emittedIds,
    done: () => cursor >= messages.length,
    through(id) {
      const out: PatchMessage[] = [];
      while (cursor < messages.length) {
        const m = messages[cursor++] as RecordedMessage;
        if (m.kind !== 'patch') {
          daemon.emitRaw(m);
          continue;
        }
        const sent = daemon.emitPatch(m.data as Stanza[]);
        emittedIds.set(m.id ?? 0, sent.id);
        out.push(sent);
        if (m.id === id) break;
      }
      return out;
    },
  };
}

export interface SecretShim {
  /** The socket path the janitor uses (in front of the stand-in's). */
  readonly socketPath: string;
  /** get_secret_key requests seen, as `path key`. */
  readonly fetches: string[];
  /** From now on answer get_secret_key for path/key with value (the daemon's store changed). */
  change(secretPath: string, key: string, value: string): void;
  close(): Promise<void>;
}

/** A unix socket forwarding every connection to the stand-in, except the overridden secret reads. */
export async function startSecretShim(upstream: string): Promise<SecretShim> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-replay-'));
  const socketPath = path.join(dir, 'lsnr.sock');
  const overrides = new Map<string, string>();
  const fetches: string[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    let forwarded: net.Socket | undefined;
    const early: Buffer[] = [];
    const splitter = createNulSplitter((text) => {
      if (forwarded) return;
      const request = JSON.parse(text) as { action?: string; options?: { path?: string; key?: string } };
      const key = `${request.options?.path ?? ''} ${request.options?.key ?? ''}`;
      if (request.action === 'get_secret_key') fetches.push(key);
      const value = request.action === 'get_secret_key' ? overrides.get(key) : undefined;
      if (value !== undefined) return void client.end(encodeMessage({ status: 0, data: value }));
      const up = net.connect(upstream);
      forwarded = up;
      open.add(up);
      up.on('close', () => (open.delete(up), client.destroy()));
      up.on('error', () => up.destroy());
      client.on('close', () => up.destroy());
      up.write(Buffer.concat(early));
      up.pipe(client);
    });
    client.on('data', (chunk: Buffer) => {
      if (forwarded) return void forwarded.write(chunk);
      early.push(chunk);
      splitter.push(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, () => resolve()));
  return {
    socketPath,
    fetches,
    change: (secretPath, key, value) => void overrides.set(`${secretPath} ${key}`, value),
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRecordedDaemon(status: unknown, secrets: Record<string, Record<string, string>>): Promise<{ daemon: FakeDaemon; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-replay-daemon-'));
  const daemon = await startFakeDaemon({ socketPath: path.join(dir, 'lsnr.sock'), status, secrets });
  return { daemon, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
