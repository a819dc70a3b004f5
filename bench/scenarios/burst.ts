// A burst: N changes to N distinct services within one second (an endpoint address each). How long
// after the last event do the clients hold all of them, and is the final state exact.
import { monotonicMs } from '../daemon/standin.js';
import { Timeout } from '../harness/clients.js';
import type { Figure, Value } from '../harness/figures.js';
import { quiet } from '../harness/proc.js';
import { endpointChange, type Change } from './changes.js';
import { withSession } from './run-session.js';
import type { Options, Scenario } from './types.js';
import { compareHeld } from './verify.js';

const SLICES = 100;
const BURST_MS = 1000;

function figures(o: Options): Figure[] {
  return [
    { key: 'burst.last', label: `${o.changes} changes in 1 s: last event → all clients hold every change (${o.services} services × ${o.clients} clients)`, unit: 'ms', target: { max: 1000 } },
    { key: 'burst.all', label: 'first event → all clients hold every change', unit: 'ms' },
    { key: 'burst.wrong', label: 'endpoint sets wrong at the end (all clients)', unit: 'count', target: { equals: 0 } },
  ];
}

export const burst: Scenario = {
  name: 'burst',
  summary: '1,000 endpoint changes to distinct services within one second (1,000 services × 10 clients): last one reached, final state exact',
  defaults: { services: 1000, clients: 10, changes: 1000 },
  figures,
  measure: (ctx) =>
    withSession(ctx, ctx.options, figures(ctx.options).map((f) => f.key), async (session) => {
      const o = ctx.options;
      if (o.changes > o.services) throw new Error(`burst: --changes ${o.changes} exceeds --services ${o.services} (one change per service)`);
      await quiet(session.server.pid);
      const changes: Change[] = Array.from({ length: o.changes }, (_, k) => endpointChange(session, k));
      await session.clients.arm(changes.map((c) => ({ id: c.id, items: c.items })));
      const perSlice = Math.ceil(changes.length / SLICES);
      let first = NaN;
      let last = NaN;
      const start = monotonicMs();
      for (let s = 0; s * perSlice < changes.length; s++) {
        // slices are due at fixed times from the start: a late timer does not delay the ones after it
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (s * BURST_MS) / SLICES - monotonicMs())));
        for (const c of changes.slice(s * perSlice, (s + 1) * perSlice)) {
          last = session.standIn.emit(c.stanzas);
          if (Number.isNaN(first)) first = last;
        }
      }
      let reachedAt = -Infinity;
      const notes: string[] = [`events emitted over ${(last - first).toFixed(0)} ms`];
      try {
        for (const c of changes) reachedAt = Math.max(reachedAt, ...(await session.clients.reached(c.id, o.timeoutMs)));
      } catch (err) {
        if (!(err instanceof Timeout)) throw err;
        reachedAt = Infinity;
        notes.push(err.message);
      }
      await quiet(session.server.pid);
      const mismatch = compareHeld(session.standIn.cluster, await session.clients.dump());
      notes.push(...mismatch.examples);
      const since = (t: number): Value => (Number.isFinite(reachedAt) ? reachedAt - t : 'timeout');
      return {
        values: { 'burst.last': since(last), 'burst.all': since(first), 'burst.wrong': mismatch.wrong },
        window: { fromMs: first, toMs: Number.isFinite(reachedAt) ? reachedAt : last + o.timeoutMs },
        notes,
      };
    }),
};
