// Server CPU per endpoint change as the cluster grows: the same changes at each size.
import type { Figure, Value } from '../harness/figures.js';
import { changeSeries, endpointChange, pick } from './changes.js';
import { withSession } from './run-session.js';
import type { Measured, Options, Scenario } from './types.js';

function figures(o: Options): Figure[] {
  const small = Math.min(...o.sizes);
  const large = Math.max(...o.sizes);
  return [
    ...o.sizes.map((s): Figure => ({ key: `cpu.${s}`, label: `server CPU per endpoint change, ${s} services × ${o.clients} clients`, unit: 'ms' })),
    { key: 'cpu.ratio', label: `CPU per change at ${large} / at ${small} services`, unit: 'x', target: { max: 2 } },
  ];
}

export const cpu: Scenario = {
  name: 'cpu',
  summary: 'server CPU per endpoint change at 100 and at 10,000 services (10 clients): the ratio',
  defaults: { sizes: [100, 10_000], clients: 10, changes: 30, timeoutMs: 300_000 },
  figures,
  async measure(ctx) {
    const o = ctx.options;
    const values: Record<string, Value> = {};
    const notes: string[] = [];
    let window: Measured['window'];
    for (const size of o.sizes) {
      const key = `cpu.${size}`;
      const m = await withSession(ctx, { services: size, clients: o.clients }, [key], async (session) => {
        const series = await changeSeries(session, o.changes, (i) => endpointChange(session, pick(i + 1, size)), o.timeoutMs);
        return { values: { [key]: series.timeouts > 0 ? 'timeout' : series.cpuPerChange }, window: series.window, notes: [] };
      });
      Object.assign(values, m.values);
      notes.push(...m.notes);
      window = m.window ?? window;
    }
    const small = values[`cpu.${Math.min(...o.sizes)}`];
    const large = values[`cpu.${Math.max(...o.sizes)}`];
    values['cpu.ratio'] = typeof small === 'number' && typeof large === 'number' && small > 0 ? large / small : 'timeout';
    return { values, notes, ...(window ? { window } : {}) };
  },
};
