// One run against one server: a fresh stand-in daemon with the synthetic cluster, the server under
// test started on it, a clients process, and the clients' first sync (the cold start figures).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { servedCounts } from '../daemon/cluster.js';
import { startStandIn, type StandIn } from '../daemon/standin.js';
import type { ClientStatus } from '../clients/protocol.js';
import { startClients, Timeout, type ClientsProcess, type Opened } from './clients.js';
import { memory, type Memory } from './proc.js';
import { startServer, type RunningServer, type ServerKind, type Transport } from './server.js';

export interface SessionOptions {
  readonly kind: ServerKind;
  readonly services: number;
  /** Clients opened at start (0: none yet). */
  readonly clients: number;
  readonly transport: Transport;
  readonly janitorBuild: 'tsx' | 'dist';
  /** Deadline for the clients to hold everything, ms. */
  readonly syncTimeoutMs: number;
  readonly cpuProfDir?: string;
}

export interface Sync {
  /** Monotonic ms: server spawned, daemon status sent whole, first response to a client, last client holding everything. */
  readonly spawnedAt: number;
  readonly statusSentAt: number | undefined;
  readonly firstServedAt: number;
  readonly allHeldAt: number;
  /** Server memory right after the sync. */
  readonly memory: Memory;
}

export interface Session {
  readonly standIn: StandIn;
  readonly server: RunningServer;
  readonly clients: ClientsProcess;
  /** The first sync, or why it did not finish. */
  readonly sync: Sync | { readonly timeout: string };
  /** What the clients must hold at least (the baseline serves no listeners). */
  readonly minimum: { readonly clusters: number; readonly listeners: number };
  close(): Promise<{ readonly stopMs: number }>;
}

export async function openSession(o: SessionOptions): Promise<Session> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-bench-'));
  const standIn = await startStandIn(path.join(dir, 'lsnr.sock'), o.services);
  const clients = await startClients();
  let server: RunningServer;
  try {
    server = await startServer({ kind: o.kind, daemonSocket: standIn.socketPath, dir, transport: o.transport, janitorBuild: o.janitorBuild, ...(o.cpuProfDir ? { cpuProfDir: o.cpuProfDir } : {}) });
  } catch (err) {
    await clients.close();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const counts = servedCounts(standIn.cluster);
  const minimum = { clusters: counts.clusters, listeners: o.kind === 'janitor' ? counts.listeners : 0 };
  let sync: Sync | { timeout: string } = { timeout: 'no clients opened' };
  if (o.clients > 0) {
    try {
      const opened: Opened = await clients.open(server.target, o.clients, minimum, o.syncTimeoutMs);
      sync = {
        spawnedAt: server.spawnedAt,
        statusSentAt: standIn.statusSent()?.at,
        firstServedAt: Math.min(...opened.firstResponse),
        allHeldAt: Math.max(...opened.complete),
        memory: memory(server.pid),
      };
    } catch (err) {
      if (!(err instanceof Timeout)) throw err;
      sync = { timeout: `${err.message}; ${describeClients(await clients.status().catch(() => []))}` };
    }
  }
  return {
    standIn,
    server,
    clients,
    sync,
    minimum,
    async close() {
      await clients.close();
      const stopped = await server.stop();
      await standIn.close();
      rmSync(dir, { recursive: true, force: true });
      return { stopMs: stopped.ms };
    },
  };
}

/** How many clients hold everything, and what the first one that does not holds and waits for. */
export function describeClients(statuses: readonly ClientStatus[]): string {
  const done = statuses.filter((c) => c.complete).length;
  const drops = statuses.reduce((n, c) => n + c.drops, 0);
  const dropped = drops > 0 ? `; ${drops} stream(s) dropped by the server and opened again` : '';
  const stuck = statuses.find((c) => !c.complete);
  if (!stuck) return `${done}/${statuses.length} clients hold everything${dropped}`;
  const counts = (r: Record<string, number>): string => Object.entries(r).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'nothing';
  return `${done}/${statuses.length} clients hold everything; client ${stuck.id} holds ${counts(stuck.held)}, waits for ${counts(stuck.waiting)}` +
    `${Object.values(stuck.absent).some((n) => n > 0) ? `, told absent: ${counts(stuck.absent)}` : ''}${stuck.ended ? `, last stream end: ${stuck.ended}` : ''}${dropped}`;
}
