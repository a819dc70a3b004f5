// The smallest end-to-end run (test/bench/smoke.test.ts runs it): a few services and clients, three
// changes (an address, an instance going down, another address), then what every client holds.
import type { ExpectItem } from '../clients/protocol.js';
import { addressPatch, claName, markerAddress, NODES, statusPatch, type Stanza } from '../daemon/cluster.js';
import { Timeout } from '../harness/clients.js';
import { changeId } from './changes.js';
import { withSession } from './run-session.js';
import type { Scenario } from './types.js';
import { compareHeld } from './verify.js';

/** One change as the results report it: service index, node name, and what changed. */
export interface SmokeChange {
  readonly service: number;
  readonly node: string;
  readonly address?: string;
  readonly status?: 'down';
}

const KEYS = ['smoke.max', 'smoke.wrong'];

export const smoke: Scenario = {
  name: 'smoke',
  summary: '20 services × 2 clients, 3 changes, final state checked (what the test suite runs)',
  defaults: { services: 20, clients: 2, changes: 3 },
  figures: () => [
    { key: 'smoke.max', label: 'slowest change → all clients', unit: 'ms' },
    { key: 'smoke.wrong', label: 'endpoint sets wrong at the end (all clients)', unit: 'count', target: { equals: 0 } },
  ],
  measure: (ctx) =>
    withSession(ctx, ctx.options, KEYS, async (session) => {
      const cluster = session.standIn.cluster;
      const last = cluster.size - 1;
      const all: SmokeChange[] = [
        { service: Math.min(1, last), node: 'n1', address: markerAddress(changeId()) },
        { service: Math.min(2, last), node: 'n2', status: 'down' },
        { service: Math.min(3, last), node: 'n2', address: markerAddress(changeId()) },
      ];
      const plan = all.slice(0, ctx.options.changes);
      let slowest = 0;
      const notes: string[] = [];
      for (const change of plan) {
        const j = NODES.indexOf(change.node as (typeof NODES)[number]);
        const current = cluster.instances[change.service]?.[j]?.address ?? '';
        const stanzas: Stanza[] = change.address ? addressPatch(cluster, change.service, j, change.address) : statusPatch(cluster, change.service, j, 'down');
        const item: ExpectItem = change.address
          ? { kind: 'endpoint', name: claName(change.service, 'expose#0'), address: change.address }
          : { kind: 'endpoint', name: claName(change.service, 'expose#0'), address: current, health: 'UNHEALTHY' };
        const id = changeId();
        await session.clients.arm([{ id, items: [item] }]);
        const t0 = session.standIn.emit(stanzas);
        try {
          slowest = Math.max(slowest, ...(await session.clients.reached(id, ctx.options.timeoutMs)).map((t) => t - t0));
        } catch (err) {
          if (!(err instanceof Timeout)) throw err;
          notes.push(err.message);
        }
      }
      const held = await session.clients.dump();
      const mismatch = compareHeld(cluster, held);
      return {
        values: { 'smoke.max': notes.length > 0 ? 'timeout' : slowest, 'smoke.wrong': mismatch.wrong },
        notes: [...notes, ...mismatch.examples],
        details: { changes: plan, held },
      };
    }),
};
