// Endpoint changes, one at a time: an instance's ip address changes in the daemon; the time until
// every client decoded the ClusterLoadAssignment carrying it.
import type { Figure, Target } from '../harness/figures.js';
import { changeSeries, endpointChange, pick, q } from './changes.js';
import { withSession } from './run-session.js';
import type { Options, Scenario } from './types.js';

interface EndpointTargets {
  readonly p50?: Target;
  readonly p99?: Target;
}

export function endpointFigures(o: Options, targets: EndpointTargets): Figure[] {
  const size = `${o.services} services × ${o.clients} clients`;
  return [
    { key: 'reach.p50', label: `endpoint change → all clients, p50 (${size})`, unit: 'ms', ...(targets.p50 ? { target: targets.p50 } : {}) },
    { key: 'reach.p99', label: `endpoint change → all clients, p99 (${size})`, unit: 'ms', ...(targets.p99 ? { target: targets.p99 } : {}) },
    { key: 'client.p50', label: 'endpoint change → one client, p50', unit: 'ms' },
    { key: 'client.p99', label: 'endpoint change → one client, p99', unit: 'ms' },
    { key: 'cpu.change', label: 'server CPU per endpoint change', unit: 'ms' },
    { key: 'reach.first', label: 'first endpoint change after the initial sync → all clients (its code run for the first time; not in the percentiles)', unit: 'ms' },
  ];
}

export function endpointScenario(name: string, summary: string, defaults: Partial<Options>, targets: EndpointTargets): Scenario {
  return {
    name,
    summary,
    defaults,
    figures: (o) => endpointFigures(o, targets),
    measure: (ctx) =>
      withSession(ctx, ctx.options, endpointFigures(ctx.options, targets).map((f) => f.key), async (session) => {
        const o = ctx.options;
        const series = await changeSeries(session, o.changes, (i) => endpointChange(session, pick(i + 1, o.services)), o.timeoutMs);
        return {
          values: {
            'reach.p50': q(series.all, 0.5),
            'reach.p99': q(series.all, 0.99),
            'client.p50': q(series.perClient, 0.5),
            'client.p99': q(series.perClient, 0.99),
            'cpu.change': series.cpuPerChange,
            'reach.first': Number.isFinite(series.first) ? series.first : 'timeout',
          },
          window: series.window,
          notes: series.timeouts > 0 ? [`${series.timeouts} change(s) timed out`] : [],
        };
      }),
  };
}
