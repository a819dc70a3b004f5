// Many streams held: 1,000 delta clients (each on its own connection) on a small cluster. What one
// more idle stream costs in server memory, how fast one endpoint change reaches them all, and how
// long the server takes to stop with them connected.
import { Timeout } from '../harness/clients.js';
import type { Figure } from '../harness/figures.js';
import { memory, quiet } from '../harness/proc.js';
import { changeSeries, endpointChange, pick, q } from './changes.js';
import { describeClients } from '../harness/session.js';
import { withSession } from './run-session.js';
import type { Options, Scenario } from './types.js';

function figures(o: Options): Figure[] {
  return [
    { key: 'streams.connect', label: `${o.clients} streams opened → all hold everything (${o.services} services)`, unit: 'ms' },
    { key: 'streams.rss', label: 'server RSS per idle stream', unit: 'KB', target: { max: 50 } },
    { key: 'streams.p50', label: `endpoint change → all ${o.clients} streams, p50`, unit: 'ms' },
    { key: 'streams.p99', label: `endpoint change → all ${o.clients} streams, p99`, unit: 'ms', target: { max: 150 } },
    { key: 'streams.stop', label: `SIGTERM → exit with ${o.clients} streams open (killed after 30 s)`, unit: 'ms' },
  ];
}

export const streams: Scenario = {
  name: 'streams',
  summary: '1,000 delta streams held (100 services): RSS per idle stream, one endpoint change to all, stop time',
  defaults: { services: 100, clients: 1000, changes: 10 },
  figures,
  measure: (ctx) =>
    withSession(ctx, { services: ctx.options.services, clients: 1 }, figures(ctx.options).map((f) => f.key), async (session) => {
      const o = ctx.options;
      const pid = session.server.pid;
      await quiet(pid);
      const before = memory(pid).rssMb;
      const t0 = Number(process.hrtime.bigint()) / 1e6;
      try {
        const opened = await session.clients.open(session.server.target, o.clients - 1, session.minimum, o.timeoutMs);
        const connect = Math.max(...opened.complete) - t0;
        await quiet(pid);
        const perStream = ((memory(pid).rssMb - before) * 1024) / (o.clients - 1);
        ctx.log(`${ctx.kind} run ${ctx.run}: ${o.clients} streams hold everything after ${connect.toFixed(0)} ms`);
        const series = await changeSeries(session, o.changes, (i) => endpointChange(session, pick(i + 1, o.services)), o.timeoutMs);
        const drops = (await session.clients.status()).reduce((n, c) => n + c.drops, 0);
        const stopped = await session.server.stop();
        return {
          values: { 'streams.connect': connect, 'streams.rss': perStream, 'streams.p50': q(series.all, 0.5), 'streams.p99': q(series.all, 0.99), 'streams.stop': stopped.killed ? 'timeout' : stopped.ms },
          window: series.window,
          notes: [
            ...(series.timeouts > 0 ? [`${series.timeouts} change(s) timed out`] : []),
            ...(drops > 0 ? [`${drops} client stream(s) dropped by the server (opened again)`] : []),
          ],
        };
      } catch (err) {
        if (!(err instanceof Timeout)) throw err;
        const clients = describeClients(await session.clients.status());
        return { values: Object.fromEntries(figures(o).map((f) => [f.key, 'timeout'])), notes: [`${err.message}; ${clients}`] };
      }
    }),
};
