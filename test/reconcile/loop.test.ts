// The reconcile loop with a real cache and the real pipeline: batches (a lone change at once,
// changes during a batch folded into one next batch), keep-last-valid, a conflict's loser, and
// where allocated ports go.
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { until } from '../e2e/support.js';
import { change, service, setupLoop, state, tlsService, upserted, CERT, type LoopSetup } from './support.js';

/** Let every pending microtask run, and nothing else (no timer, no I/O). */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

describe('reconcile loop: batches', () => {
  let loop: LoopSetup | undefined;
  afterEach(() => loop?.reconciler.close());

  it('folds changes arriving during a batch into ONE next batch, applied as one change set', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT } });
    const { reconciler, fake, batches, applied, cache } = loop;
    fake.hold('ns/sec/a-cert');
    reconciler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await until(() => fake.waiting() === 1, 5000, 'the first batch to wait on its secret');
    for (const port of [3, 4, 5, 6, 7]) reconciler.onEvent(change(state(tlsService('a', 1) + service('b', port)), ['ns/svc/b']));
    fake.release();
    await reconciler.idle();
    expect(batches).toHaveLength(2);
    expect(applied).toHaveLength(2);
    expect(batches[1]?.work.compiled).toBe(1);
    // only b's last edit: its new listener and endpoints, its old listener removed
    expect(upserted(applied[1]).filter((n) => n.includes('ns/svc/a') || n.includes('10001'))).toEqual([]);
    expect(upserted(applied[1])).toContain('Listener 0.0.0.0:10007/tcp');
    expect(applied[1]?.changes.flatMap((c) => c.removed)).toEqual(['0.0.0.0:10002/tcp']);
    expect(cache.list(TYPE.listener).map((r) => r.name)).toEqual(['0.0.0.0:10001/tcp', '0.0.0.0:10007/tcp']);
    expect(fake.calls).toEqual(['ns/sec/a-cert']);
  });

  it('sends a lone change out at once (no timer runs first), compiling only that service', async () => {
    loop = await setupLoop();
    const { reconciler, batches, applied, cache } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(service('a', 1) + service('b', 2)) });
    await reconciler.idle();
    expect(batches[0]?.work.compiled).toBe(2);
    reconciler.onEvent(change(state(service('a', 1) + service('b', 3)), ['ns/svc/b']));
    await microtasks();
    expect(cache.get(TYPE.listener, '0.0.0.0:10003/tcp')).toBeDefined();
    await reconciler.idle();
    expect(batches).toHaveLength(2);
    expect(batches[1]?.work.compiled).toBe(1);
    expect(upserted(applied[1]).filter((n) => n.includes('ns/svc/a'))).toEqual([]);
  });

  it('keeps the last valid resources of a broken edit, never serves a new broken service, and removes what goes', async () => {
    loop = await setupLoop();
    const { reconciler, cache, log } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(service('a', 1)) });
    await reconciler.idle();
    const before = cache.get(TYPE.cluster, 'ns/svc/a.expose#0')?.version;
    reconciler.onEvent(change(state(service('a', 1, ', lb_policy: fastest') + service('n', 5, ', lb_policy: fastest')), ['ns/svc/a', 'ns/svc/n']));
    await reconciler.idle();
    expect(cache.get(TYPE.cluster, 'ns/svc/a.expose#0')?.version).toBe(before);
    expect(cache.get(TYPE.cluster, 'ns/svc/n.expose#0')).toBeUndefined();
    expect(cache.get(TYPE.listener, '0.0.0.0:10005/tcp')).toBeUndefined();
    const statuses = new Map(reconciler.statuses().map((s) => [s.path, s]));
    expect(statuses.get('ns/svc/a')).toMatchObject({ valid: false, served: true, exposes: [{ rid: 'expose#0', served: true, current: false }] });
    expect(statuses.get('ns/svc/n')).toMatchObject({ valid: false, served: false, listeners: [], clusters: [] });
    expect(log.withMsg('service invalid').map((l) => [l['service'], l['served']])).toEqual([
      ['ns/svc/a', 'partly or its last valid definition'],
      ['ns/svc/n', 'not served'],
    ]);
    reconciler.onEvent(change(state(service('z', 9)), ['ns/svc/a', 'ns/svc/n', 'ns/svc/z']));
    await reconciler.idle();
    expect(cache.list(TYPE.cluster).map((r) => r.name)).toEqual(['ns/svc/z.expose#0']);
    expect(reconciler.statuses().map((s) => s.path)).toEqual(['ns/svc/z']);
  });

  it("serves a conflict's loser without the losing expose, names the holder, and logs both sides", async () => {
    loop = await setupLoop();
    const { reconciler, cache, log, hooks } = loop;
    // b asks for a's listener (10001) with expose#0, and for its own (10008) with expose#1
    const b = `${service('b', 1)}    expose#1: { port: 8, listener_port: 10008 }\n`;
    reconciler.onEvent({ kind: 'snapshot', state: state(service('a', 1) + b) });
    await reconciler.idle();
    expect(cache.list(TYPE.cluster).map((r) => r.name)).toEqual(['ns/svc/a.expose#0', 'ns/svc/b.expose#1']);
    expect(cache.list(TYPE.listener).map((r) => r.name)).toEqual(['0.0.0.0:10001/tcp', '0.0.0.0:10008/tcp']);
    const status = reconciler.statuses().find((s) => s.path === 'ns/svc/b');
    expect(status).toMatchObject({ valid: false, served: true, listeners: ['0.0.0.0:10008/tcp'], clusters: ['ns/svc/b.expose#1'] });
    expect(status?.exposes.map((e) => [e.rid, e.served, e.conflict?.holder])).toEqual([['expose#0', false, 'ns/svc/a expose#0'], ['expose#1', true, undefined]]);
    expect(status?.problems).toEqual([expect.objectContaining({ section: 'expose#0', reason: 'Conflict' })]);
    const what = 'listener 0.0.0.0:10001/tcp default filter chain (the one without server names)';
    expect(log.withMsg('conflict: the holder keeps it').map((l) => [l['loser'], l['holder'], l['what']])).toEqual([['ns/svc/b.expose#0', 'ns/svc/a.expose#0', what]]);
    expect(hooks.conflicts).toEqual([`ns/svc/b.expose#0 < ns/svc/a.expose#0: ${what}`]);
  });
});

describe('reconcile loop: allocated ports', () => {
  let loop: LoopSetup | undefined;
  afterEach(() => loop?.reconciler.close());
  const asking = `  ns/svc/z:\n    endpoints: [10.0.0.1]\n    expose#0: { port: 22, listener_port: 0 }\n`;

  it('read-only (memory): serves the allocation and never calls setListenerPort', async () => {
    loop = await setupLoop({ target: 'memory' });
    const { reconciler, cache, fake, log } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(asking + service('a', 1)) });
    await reconciler.idle();
    expect(cache.get(TYPE.listener, '0.0.0.0:1025/tcp')).toBeDefined();
    reconciler.onEvent(change(state(asking + service('a', 2)), ['ns/svc/a', 'ns/svc/z']));
    await reconciler.idle();
    expect(cache.get(TYPE.listener, '0.0.0.0:1025/tcp')).toBeDefined();
    expect(fake.writes).toEqual([]);
    expect(log.withMsg('listener port allocated, kept in memory (not written to the cluster)')).toEqual([expect.objectContaining({ service: 'ns/svc/z', port: 1025, why: '--read-only' })]);
  });

  it('cluster: writes the allocation back once', async () => {
    loop = await setupLoop({ target: 'cluster' });
    const { reconciler, cache, fake } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(asking) });
    await reconciler.idle();
    reconciler.onEvent(change(state(asking + service('a', 1)), ['ns/svc/a', 'ns/svc/z']));
    await reconciler.idle();
    expect(cache.get(TYPE.listener, '0.0.0.0:1025/tcp')).toBeDefined();
    expect(fake.writes).toEqual(['ns/svc/z expose#0=1025']);
  });
});

describe('reconcile loop: what a restart remembers', () => {
  let loop: LoopSetup | undefined;
  afterEach(() => loop?.reconciler.close());
  const services = (r: { ages: ReadonlyMap<string, number> } | undefined): string[] => [...(r?.ages.keys() ?? [])].sort();

  it('says so whenever the services or the contested holders change, and only then', async () => {
    loop = await setupLoop();
    const { reconciler, hooks } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(service('a', 1) + service('x', 2)) });
    await reconciler.idle();
    expect(services(hooks.remembered.at(-1))).toEqual(['ns/svc/a', 'ns/svc/x']);
    // x goes and b comes in one batch: as many services as before, not the same ones
    reconciler.onEvent(change(state(service('a', 1) + service('b', 3)), ['ns/svc/x', 'ns/svc/b']));
    await reconciler.idle();
    expect(services(hooks.remembered.at(-1))).toEqual(['ns/svc/a', 'ns/svc/b']);
    // c claims a's listener: a holds it, and that is remembered
    reconciler.onEvent(change(state(service('a', 1) + service('b', 3) + service('c', 1)), ['ns/svc/c']));
    await reconciler.idle();
    expect([...(hooks.remembered.at(-1)?.holders.values() ?? [])]).toEqual(['ns/svc/a.expose#0']);
    const count = hooks.remembered.length;
    reconciler.onEvent(change(state(service('a', 1) + service('b', 4) + service('c', 1)), ['ns/svc/b']));
    await reconciler.idle();
    expect(hooks.remembered).toHaveLength(count);
  });
});
