// Cold start: the server is spawned on a daemon that already holds the whole cluster, the clients
// are connected as soon as it listens. When is the first snapshot served, when does every client
// hold everything, how much memory did it take.
import type { Figure, Value } from '../harness/figures.js';
import { cpuMs, memory } from '../harness/proc.js';
import type { Session } from '../harness/session.js';
import { withSession } from './run-session.js';
import type { Options, Scenario } from './types.js';

function figures(o: Options): Figure[] {
  return [
    { key: 'cold.first', label: 'daemon status sent → first response served', unit: 'ms', target: { max: 1500 } },
    { key: 'cold.held', label: `spawn → all ${o.clients} clients hold everything (${o.services} services)`, unit: 'ms', target: { ratioMax: 1.5 } },
    { key: 'cold.heldAfterStatus', label: 'daemon status sent → all clients hold everything', unit: 'ms' },
    { key: 'cold.status', label: 'spawn → daemon status sent', unit: 'ms' },
    { key: 'cold.peak', label: 'peak RSS (VmHWM)', unit: 'MB', target: { max: 400 } },
    { key: 'cold.cpu', label: 'server CPU until all clients hold everything', unit: 'ms' },
    { key: 'cold.secrets', label: 'get_secret_key requests', unit: 'count' },
  ];
}

export const cold: Scenario = {
  name: 'cold',
  summary: 'cold start at 10,000 services × 10 clients: first snapshot served, all clients holding everything, peak RSS',
  defaults: { services: 10_000, clients: 10, timeoutMs: 300_000 },
  figures,
  measure: (ctx) =>
    withSession(ctx, ctx.options, figures(ctx.options).map((f) => f.key), async (session, sync) => {
      const cpu = cpuMs(session.server.pid);
      const status = sync.statusSentAt;
      return {
        values: {
          'cold.first': status === undefined ? null : sync.firstServedAt - status,
          'cold.held': sync.allHeldAt - sync.spawnedAt,
          'cold.heldAfterStatus': status === undefined ? null : sync.allHeldAt - status,
          'cold.status': status === undefined ? null : status - sync.spawnedAt,
          'cold.peak': sync.memory.peakMb,
          'cold.cpu': cpu,
          'cold.secrets': session.standIn.requests('get_secret_key'),
        },
        window: { fromMs: sync.spawnedAt, toMs: sync.allHeldAt },
        notes: [
          `daemon status: ${((session.standIn.statusSent()?.bytes ?? 0) / 1e6).toFixed(1)} MB`,
          `clients process CPU until then: ${cpuMs(session.clients.pid).toFixed(0)} ms`,
        ],
      };
    }, partial),
};

/** What a cold start that never completed still tells: first response, status time, peak memory, requests. */
async function partial(session: Session): Promise<Record<string, Value>> {
  const firsts = (await session.clients.status()).flatMap((c) => (c.firstAt === undefined ? [] : [c.firstAt]));
  const status = session.standIn.statusSent()?.at;
  return {
    ...(firsts.length > 0 && status !== undefined ? { 'cold.first': Math.min(...firsts) - status } : {}),
    ...(status !== undefined ? { 'cold.status': status - session.server.spawnedAt } : {}),
    'cold.peak': memory(session.server.pid).peakMb,
    'cold.secrets': session.standIn.requests('get_secret_key'),
  };
}
