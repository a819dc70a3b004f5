// Route edits on the shared :443 listener (a match_prefix of one service's vhost): the time until
// every client decoded a RouteConfiguration carrying it. The baseline serves no routes.
import { changeSeries, pick, q, routeChange } from './changes.js';
import { withSession } from './run-session.js';
import type { Scenario } from './types.js';

const KEYS = ['route.p50', 'route.p99', 'route.cpu'];

export const route: Scenario = {
  name: 'route',
  summary: 'route edit on the shared listener → every client, at 10,000 services × 10 clients (janitor only)',
  defaults: { services: 10_000, clients: 10, changes: 20, timeoutMs: 300_000 },
  servers: ['janitor'],
  figures: (o) => [
    { key: 'route.p50', label: `route edit → all clients, p50 (${o.services} services × ${o.clients} clients)`, unit: 'ms' },
    { key: 'route.p99', label: `route edit → all clients, p99 (${o.services} services × ${o.clients} clients)`, unit: 'ms', target: { max: 50 } },
    { key: 'route.cpu', label: 'server CPU per route edit', unit: 'ms' },
  ],
  measure: (ctx) =>
    withSession(ctx, ctx.options, KEYS, async (session) => {
      const o = ctx.options;
      const series = await changeSeries(session, o.changes, (i) => routeChange(session, pick(i + 1, o.services)), o.timeoutMs);
      return {
        values: { 'route.p50': q(series.all, 0.5), 'route.p99': q(series.all, 0.99), 'route.cpu': series.cpuPerChange },
        window: series.window,
        notes: series.timeouts > 0 ? [`${series.timeouts} edit(s) timed out`] : [],
      };
    }),
};
