// A restart never flips a winner. After any sequence of colliding gateways, a janitor started
// again from its record (`remembered`) and given the last cluster in one step still serves every
// expose that was served in its current version, and leaves out the routes they had lost to one
// another (property), with services of one namespace and of several; and the cases that property
// found, pinned: a route match, a shared plain-HTTP chain's members and its data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remembered, serviceStatuses, type PipelineState } from '../../src/pipeline/index.js';
import { goodTls } from '../model/support/certs.js';
import { gateway, TENANT_NAMESPACES, tenantHistory } from './support/arbitrary.js';
import { RESTART_CASES } from './support/restart-cases.js';
import { Gateway, statusOf, type ServiceSpec, type Services } from './support/gateway.js';
import { SECRETS, l4, svc, web } from './support/specs.js';

/**
 * Exposes served in their current version, and the routes they lose to another such expose (a
 * route lost to an earlier version kept served may come back: that version is not in the cluster
 * any more, a restart cannot build it again).
 */
function outcome(state: PipelineState): { served: string[]; lost: string[] } {
  const served = new Set<string>();
  const lostTo: [string, string, string][] = [];
  for (const st of serviceStatuses(state)) {
    for (const e of st.exposes) {
      if (!e.served || !e.current) continue;
      served.add(e.cluster);
      for (const l of e.lostRoutes) lostTo.push([e.cluster, `${l.hostname} ${l.route}`, l.holder.replace(' ', '.')]);
    }
  }
  return { served: [...served], lost: lostTo.filter(([, , holder]) => served.has(holder)).map((l) => l.join(' ')) };
}

describe('a restart', () => {
  it('keeps every winner of the sequence before it (property)', () => {
    let contested = 0;
    fc.assert(
      fc.property(fc.array(gateway(true, 4), { minLength: 2, maxLength: 4 }), (states: Services[]) => {
        const g = new Gateway({ secrets: SECRETS });
        for (const s of states) g.set(s);
        const before = outcome(g.state);
        const memory = remembered(g.state);
        if (memory.holders.size > 0) contested += 1;
        const restarted = new Gateway({ remembered: memory, secrets: SECRETS });
        restarted.apply(g.cluster);
        const after = outcome(restarted.state);
        expect(after.served).toEqual(expect.arrayContaining(before.served));
        expect(after.lost).toEqual(expect.arrayContaining(before.lost));
      }),
      { numRuns: 30 },
    );
    expect(contested).toBeGreaterThan(10);
  });

  it('keeps every winner among namespaces: host names, wildcards over them, chains, addresses (property)', () => {
    const secrets = Object.fromEntries(TENANT_NAMESPACES.map((ns) => [`${ns}/sec/cert`, goodTls]));
    let contested = 0;
    fc.assert(
      fc.property(tenantHistory(), (states: Services[]) => {
        const g = new Gateway({ secrets });
        for (const s of states) g.set(s);
        const before = outcome(g.state);
        const memory = remembered(g.state);
        if (memory.holders.size > 0) contested += 1;
        const restarted = new Gateway({ remembered: memory, secrets });
        restarted.apply(g.cluster);
        const after = outcome(restarted.state);
        expect(after.served).toEqual(expect.arrayContaining(before.served));
        expect(after.lost).toEqual(expect.arrayContaining(before.lost));
      }),
      { numRuns: 60, examples: RESTART_CASES.map((states) => [[...states]]) },
    );
    expect(contested).toBeGreaterThan(20);
  });
});

describe('a refused version after a restart', () => {
  const show = (state: PipelineState): string[] => serviceStatuses(state).map((st) => `${st.path} ${st.exposes.map((e) => `${e.served}/${e.current}`).join(' ')}`);

  it('takes none of the keys it claims that others hold, though the key it waited for is free', () => {
    const [A, B, C, D] = ['test/svc/a', 'test/svc/b', 'test/svc/c', 'test/svc/d'];
    const g = new Gateway();
    g.set({ [A]: svc('10.0.0.1', l4(0, 3000)), [B]: svc('10.0.0.2', l4(0, 8443, { sni: ['x.org'] })) });
    const rest = { [C]: svc('10.0.0.3', l4(0, 8443, { sni: ['y.org'] })), [D]: svc('10.0.0.4', l4(0, 8443, { sni: ['z.org'] })) };
    g.set({ [A]: svc('10.0.0.1', l4(0, 3000)), [B]: svc('10.0.0.2', l4(0, 8443, { sni: ['x.org'] })), ...rest });
    // a (the oldest) asks for x.org (b's) and y.org (c's); b moves to z.org (d's): both refused, b keeps x.org
    g.set({ [A]: svc('10.0.0.1', l4(0, 8443, { sni: ['x.org', 'y.org'] })), [B]: svc('10.0.0.2', l4(0, 8443, { sni: ['z.org'] })), ...rest });
    expect(show(g.state)).toEqual([`${A} true/false`, `${B} true/false`, `${C} true/true`, `${D} true/true`]);
    // after a restart b's kept version is gone and x.org is free: a still may not take y.org from c
    const restarted = new Gateway({ remembered: remembered(g.state) });
    restarted.apply(g.cluster);
    expect(show(restarted.state)).toEqual([`${A} false/false`, `${B} false/false`, `${C} true/true`, `${D} true/true`]);
  });

  it('whose wildcard address would cover another namespace\'s specific address leaves it served', () => {
    const [A, S1, S2, D] = ['a/svc/a', 'c/svc/s1', 'c/svc/s2', 'd/svc/d'];
    const g = new Gateway();
    const s2 = { [S2]: svc('10.0.0.3', l4(0, 2000, { listener_addr: '10.0.0.5' })), [D]: svc('10.0.0.4', l4(0, 2500)) };
    g.set({ [A]: svc('10.0.0.1', l4(0, 3000)), [S1]: svc('10.0.0.2', l4(0, 2000)), ...s2 });
    // c/svc/s1 moves to d's port (refused, keeps 0.0.0.0:2000); a asks for 0.0.0.0:2000 (refused, waits)
    g.set({ [A]: svc('10.0.0.1', l4(0, 2000)), [S1]: svc('10.0.0.2', l4(0, 2500)), ...s2 });
    expect(show(g.state)).toEqual([`${A} true/false`, `${S1} true/false`, `${S2} true/true`, `${D} true/true`]);
    // after a restart a gets 0.0.0.0:2000 (its holder's kept version is gone), beside c's 10.0.0.5:2000
    const restarted = new Gateway({ remembered: remembered(g.state) });
    restarted.apply(g.cluster);
    expect(show(restarted.state)).toEqual([`${A} true/true`, `${S1} false/false`, `${S2} true/true`, `${D} true/true`]);
  });
});

describe('a route match after a restart', () => {
  const OLD = 'test/svc/old';
  const API = 'test/svc/api';
  const shop = (routes: Record<string, unknown>[], ip: string): ServiceSpec => svc(ip, web(0, { domains: ['shop.org'], routes }));

  it('stays with its holder, though the service that lost it is older', () => {
    const g = new Gateway();
    g.set({ [OLD]: shop([{ match_prefix: '/' }], '10.0.0.1') });
    g.set({ [OLD]: shop([{ match_prefix: '/' }], '10.0.0.1'), [API]: shop([{ match_prefix: '/api' }], '10.0.0.2') });
    // the older service adds the match the younger one already routes: its route is left out
    const out = g.set({ [OLD]: shop([{ match_prefix: '/' }, { match_prefix: '/api' }], '10.0.0.1'), [API]: shop([{ match_prefix: '/api' }], '10.0.0.2') });
    expect(statusOf(out.statuses, OLD).exposes[0]?.lostRoutes).toEqual([{ hostname: 'shop.org', route: 'route#01', holder: `${API} expose#0` }]);
    const restarted = new Gateway({ remembered: remembered(g.state) });
    const again = restarted.apply(g.cluster);
    expect(statusOf(again.statuses, OLD).exposes[0]?.lostRoutes).toEqual([{ hostname: 'shop.org', route: 'route#01', holder: `${API} expose#0` }]);
    expect(statusOf(again.statuses, API)).toMatchObject({ valid: true, problems: [] });
    expect(restarted.snapshot()).toEqual(g.snapshot());
  });
});

describe('a shared plain-HTTP chain after a restart', () => {
  const DATA = 'test/svc/data';
  const OLD = 'test/svc/old';
  const fcd = (seconds: number): Record<string, unknown> => ({ filter_config_data: `{"stream_idle_timeout": "${seconds}s"}` });

  it('still admits members bringing no data or the same data, and refuses other data', () => {
    const g = new Gateway();
    g.set({ [DATA]: svc('10.0.0.1', web(0, { domains: ['a.org'], expose: fcd(60) })) });
    const all = {
      [DATA]: svc('10.0.0.1', web(0, { domains: ['a.org'], expose: fcd(60) })),
      'test/svc/plain': svc('10.0.0.2', web(0, { domains: ['b.org'] })),
      'test/svc/same': svc('10.0.0.3', web(0, { domains: ['c.org'], expose: fcd(60) })),
      'test/svc/other': svc('10.0.0.4', web(0, { domains: ['d.org'], expose: fcd(600) })),
    };
    const out = g.set(all);
    expect([...out.statuses].map(([p, st]) => [p, st?.valid])).toEqual([['test/svc/other', false], ['test/svc/plain', true], ['test/svc/same', true]]);
    const restarted = new Gateway({ remembered: remembered(g.state) });
    const again = restarted.apply(g.cluster);
    expect([...again.statuses].map(([p, st]) => [p, st?.valid])).toEqual([[DATA, true], ['test/svc/other', false], ['test/svc/plain', true], ['test/svc/same', true]]);
    expect(restarted.snapshot()).toEqual(g.snapshot());
  });

  it('keeps another namespace\'s member, though the chain\'s first member, older, now brings data it refuses', () => {
    const B = 'b/svc/first';
    const A = 'a/svc/joined';
    const g = new Gateway();
    g.set({ [B]: svc('10.0.0.1', web(0, { domains: ['b.org'] })) });
    g.set({ [B]: svc('10.0.0.1', web(0, { domains: ['b.org'] })), [A]: svc('10.0.0.2', web(0, { domains: ['a.org'] })) });
    const edited = g.set({ [B]: svc('10.0.0.1', web(0, { domains: ['b.org'], expose: fcd(60) })), [A]: svc('10.0.0.2', web(0, { domains: ['a.org'] })) });
    expect(statusOf(edited.statuses, B).exposes[0]).toMatchObject({ served: true, current: false, conflict: { holder: `${A} expose#0` } });
    // the record names a member whose current version is served (A), not the chain's first member
    const restarted = new Gateway({ remembered: remembered(g.state) });
    const again = restarted.apply(g.cluster);
    expect(statusOf(again.statuses, A)).toMatchObject({ valid: true, served: true });
    expect(statusOf(again.statuses, B).exposes[0]).toMatchObject({ served: false, conflict: { holder: `${A} expose#0` } });
  });

  it('keeps the data of the member that brought it, though an older service joined it without', () => {
    const g = new Gateway();
    g.set({ [OLD]: svc('10.0.0.1', l4(0, 2000)) });
    g.set({ [OLD]: svc('10.0.0.1', l4(0, 2000)), [DATA]: svc('10.0.0.2', web(0, { domains: ['a.org'], expose: fcd(60) })) });
    const joined = g.set({ [OLD]: svc('10.0.0.1', l4(0, 2000), web(1, { domains: ['b.org'] })), [DATA]: svc('10.0.0.2', web(0, { domains: ['a.org'], expose: fcd(60) })) });
    expect(statusOf(joined.statuses, OLD)).toMatchObject({ valid: true });
    const restarted = new Gateway({ remembered: remembered(g.state) });
    const again = restarted.apply(g.cluster);
    expect(statusOf(again.statuses, DATA)).toMatchObject({ valid: true, served: true });
    expect(statusOf(again.statuses, OLD)).toMatchObject({ valid: true, served: true });
    expect(restarted.snapshot()).toEqual(g.snapshot());
  });
});
