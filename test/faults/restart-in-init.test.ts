// A daemon restart whose node stays in `init` longer than the warm-up never withdraws what is
// served: the janitor holds, says why on /readyz and in a metric, and converges once the daemon is
// ready. A ready daemon that suddenly reports most services gone is believed only when a second
// daemon_status agrees.
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { until } from '../e2e/support.js';
import { everything } from '../replay/observe.js';
import { delay } from '../source/opensvc/helpers.js';
import { finalStatus, initializing, removalsSince, startOpenSvcStack, statuses, type OpenSvcStack } from './support.js';

const WEB1 = 'test/svc/web1';
const CLUSTERS = [`${WEB1}.expose#0`, `${WEB1}.expose#1`, `${WEB1}.expose#2`];

describe('a restarting daemon is not believed when it suddenly says nothing', () => {
  let s: OpenSvcStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('node in init past the warm-up: clients keep listeners, clusters and secrets; /readyz says why; then it converges', async () => {
    s = await startOpenSvcStack(finalStatus(), { warmupMs: 200, confirmMs: 300 });
    const stack = s;
    await stack.settled();
    const before = stack.views.map(everything);
    const marks = stack.views.map((v) => v.seen.length);

    await stack.daemon.restart(initializing(finalStatus()));
    await until(async () => (await stack.readiness()).reasons.some((r) => r.includes('held')), 5000, 'the hold on /readyz');
    await delay(800); // well past the warm-up (200 ms) and the confirmation delay (300 ms)
    const held = await stack.readiness();
    expect(held.status).toBe(503);
    expect(held.reasons).toEqual([
      `source opensvc held: the daemon status would withdraw 1 of the 1 services with exposes (${WEB1}) while the daemon is not ready (nodes initializing: vm): the last state is kept until it is`,
    ]);
    expect(await stack.metrics()).toMatch(/^xds_source_state\{source="opensvc",state="held"\} 1$/m);
    expect(removalsSince(stack.views, marks)).toEqual([]);
    expect(stack.views.map(everything)).toEqual(before);
    // a client connecting meanwhile gets the last state too, not an empty one
    for (const v of stack.views) expect(v.names(TYPE.cluster)).toEqual(CLUSTERS);

    // the daemon is ready, with one change made while it restarted: the clients converge on it
    const ready = finalStatus();
    ((statuses(ready)[WEB1]?.['resources'] as Record<string, { info: Record<string, unknown> }>)['expose#0'] as { info: Record<string, unknown> }).info['port'] = 81;
    stack.daemon.setStatus(ready);
    await until(async () => (await stack.readiness()).status === 200, 5000, 'ready again');
    await until(() => stack.views.every((v) => JSON.stringify(v.message(TYPE.endpoint, `${WEB1}.expose#0`)).includes('"port_value":81')), 5000, 'the change made during the restart');
    expect(removalsSince(stack.views, marks)).toEqual([]);
    expect(stack.views.map((v) => v.names(TYPE.cluster))).toEqual([CLUSTERS, CLUSTERS]);
    expect(stack.views.map((v) => v.names(TYPE.secret))).toEqual([['tls_certificate/test/sec/web1-front-cert'], ['tls_certificate/test/sec/web1-front-cert']]);
  }, 30_000);

  it('a ready daemon reporting every service gone: held, fetched again, withdrawn only when the second status agrees', async () => {
    s = await startOpenSvcStack(finalStatus(), { confirmMs: 300 });
    const stack = s;
    await stack.settled();
    const gone = finalStatus();
    delete statuses(gone)[WEB1];
    delete (gone['monitor'] as { services: Record<string, unknown> }).services[WEB1];
    const fetches = stack.daemon.count('daemon_status');
    await stack.daemon.restart(gone);
    await until(async () => (await stack.readiness()).reasons.some((r) => r.includes('fetched again in 300 ms')), 5000, 'the hold');
    expect(stack.views.map((v) => v.names(TYPE.cluster))).toEqual([CLUSTERS, CLUSTERS]);
    await until(() => stack.views.every((v) => v.names(TYPE.cluster).length === 0), 5000, 'the withdrawal, once confirmed');
    expect(stack.daemon.count('daemon_status')).toBe(fetches + 2); // the snapshot, then the confirmation
    expect((await stack.readiness()).status).toBe(200);
  }, 30_000);

  it('a ready daemon whose second status disagrees (the services are back): nothing is ever withdrawn', async () => {
    s = await startOpenSvcStack(finalStatus(), { confirmMs: 300 });
    const stack = s;
    await stack.settled();
    const marks = stack.views.map((v) => v.seen.length);
    const gone = finalStatus();
    delete statuses(gone)[WEB1];
    const fetches = stack.daemon.count('daemon_status');
    await stack.daemon.restart(gone);
    await until(async () => (await stack.readiness()).reasons.some((r) => r.includes('held')), 5000, 'the hold');
    // before the confirmation, the daemon has its service back (a patch, on the same subscription)
    stack.daemon.setStatus(finalStatus());
    await until(async () => (await stack.readiness()).status === 200, 5000, 'ready again');
    expect(stack.daemon.count('daemon_status')).toBe(fetches + 2); // the snapshot, then the confirmation
    await delay(400);
    expect(removalsSince(stack.views, marks)).toEqual([]);
    expect(stack.views.map((v) => v.names(TYPE.cluster))).toEqual([CLUSTERS, CLUSTERS]);
  }, 30_000);
});
