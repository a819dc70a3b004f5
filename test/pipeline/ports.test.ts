// `listener_port = 0` through the step: a port of the range is allocated once and served; the
// write-back reaching the cluster changes nothing Envoy sees; the port stays taken for others.
import { describe, expect, it } from 'vitest';
import { CONFIG, Gateway, upserted, type Services } from './support/gateway.js';
import { l4, svc } from './support/specs.js';

const A = 'test/svc/a';
const B = 'test/svc/b';
const FIRST = CONFIG.portRange.min;

describe('listener_port = 0', () => {
  it('is allocated once, served, and the write-back changes nothing', () => {
    const g = new Gateway();
    const asked: Services = { [A]: svc('10.0.0.1', l4(0, 0)) };
    const first = g.set(asked);
    expect(first.allocations).toEqual([{ service: A, rid: 'expose#0', address: '0.0.0.0', port: FIRST }]);
    expect(g.names('listener')).toEqual([`0.0.0.0:${FIRST}/tcp`]);
    // an endpoint change: no new allocation
    const moved = g.set({ [A]: svc('10.0.0.2', l4(0, 0)) });
    expect(moved.allocations).toEqual([]);
    expect(upserted(moved.changeSet)).toEqual([`endpoint ${A}.expose#0`]);
    // the write-back reached the cluster: the same listener, nothing sent
    const written = g.set({ [A]: svc('10.0.0.2', l4(0, FIRST)) });
    expect(written.allocations).toEqual([]);
    expect(upserted(written.changeSet)).toEqual([]);
    expect(written.changeSet.removals).toEqual([]);
    // the port is taken: the next request gets the next one
    const next = g.set({ [A]: svc('10.0.0.2', l4(0, FIRST)), [B]: svc('10.0.0.3', l4(0, 0)) });
    expect(next.allocations).toEqual([{ service: B, rid: 'expose#0', address: '0.0.0.0', port: FIRST + 1 }]);
  });

  it('among requests arriving together, the older service gets the lower port', () => {
    const g = new Gateway({ remembered: { holders: new Map(), ages: new Map([['test/svc/zzz', 1]]) } });
    const out = g.set({ 'test/svc/aaa': svc('10.0.0.1', l4(0, 0)), 'test/svc/zzz': svc('10.0.0.2', l4(0, 0)) });
    expect(out.allocations.map((a) => [a.service, a.port])).toEqual([['test/svc/zzz', FIRST], ['test/svc/aaa', FIRST + 1]]);
  });

  it('a removed service gives its allocation back', () => {
    const g = new Gateway();
    g.set({ [A]: svc('10.0.0.1', l4(0, 0)) });
    g.set({});
    expect(g.names('listener')).toEqual([]);
    expect(g.set({ [B]: svc('10.0.0.3', l4(0, 0)) }).allocations).toEqual([{ service: B, rid: 'expose#0', address: '0.0.0.0', port: FIRST }]);
  });
});
