// The rebuild loop on its own (real model, translation and cache; cluster states written as
// cluster files): coalescing, the worker pool, one change set per batch, keep-last-valid.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createModelApi } from '../../src/build/model-api.js';
import { createScheduler } from '../../src/build/scheduler.js';
import { fullCheck } from '../../src/validate/check.js';
import { parseCluster } from '../../src/source/file/cluster.js';
import type { ClusterState, SecretValues, Source } from '../../src/source/types.js';
import { createResourceCache, type CacheEvent } from '../../src/xds/cache.js';
import { TYPE } from '../../src/xds/types.js';
import { ROOT, closedPort, until } from '../e2e/support.js';

const CERT = { certificate_chain: readFileSync(path.join(ROOT, 'examples/certs/web.crt'), 'utf8'), private_key: readFileSync(path.join(ROOT, 'examples/certs/web.key'), 'utf8') };

function service(name: string, port: number, extra = ''): string {
  return `  ns/svc/${name}:\n    endpoints: [10.0.0.1]\n    expose#0: { port: ${port}, listener_port: ${port + 10000}${extra} }\n`;
}

function tlsService(name: string, port: number): string {
  return `${service(name, port, ', vhosts: [vhost#0], listener_certificates: [certificate#0]')}    vhost#0: { domains: [${name}.example] }\n    route#0: { match_prefix: / }\n    certificate#0: { certificate_secret: ${name}-cert }\n`.replace('vhost#0: { domains', 'vhost#0: { routes: [route#0], domains');
}

function state(services: string): ClusterState {
  const r = parseCluster(`services:\n${services}`, '/');
  if (!r.ok) throw new Error(r.problem.message);
  return r.cluster.state;
}

/** A source whose secret fetches wait until released, counting how many run at once. */
function heldSecrets() {
  const waiting: (() => void)[] = [];
  let inflight = 0;
  let maxInflight = 0;
  const calls: string[] = [];
  const source: Pick<Source, 'getSecret' | 'setListenerPort'> = {
    async getSecret(p): Promise<SecretValues> {
      calls.push(p);
      inflight += 1;
      maxInflight = Math.max(maxInflight, inflight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inflight -= 1;
      return CERT;
    },
    setListenerPort: async () => undefined,
  };
  return { source, calls, waiting, release: () => waiting.splice(0).forEach((r) => r()), max: () => maxInflight };
}

async function setup(maxWorkers: number) {
  const cache = createResourceCache();
  const applied: CacheEvent[] = [];
  cache.subscribe((e) => applied.push(e));
  const held = heldSecrets();
  const batches: number[] = [];
  const scheduler = createScheduler({
    api: createModelApi({ min: 1025, max: 65535 }),
    validate: fullCheck,
    cache,
    source: held.source,
    gateway: 'gw',
    maxWorkers,
    envoyAdminPort: await closedPort(),
    logger: pino({ level: 'silent' }),
    onBatch: (build) => batches.push(build.changeSet.upserts.length + build.changeSet.removals.length),
  });
  return { cache, applied, held, batches, scheduler };
}

const change = (s: ClusterState, services: string[], secrets: string[] = []) => ({ kind: 'change' as const, state: s, services: new Set(services), secrets: new Set(secrets) });

describe('rebuild scheduler', () => {
  it('rebuilds unrelated services in parallel on the worker pool, bounded by max-workers', async () => {
    for (const [workers, expected] of [
      [4, 3],
      [1, 1],
    ] as const) {
      const { held, scheduler, cache } = await setup(workers);
      scheduler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + tlsService('b', 2) + tlsService('c', 3)) });
      await until(() => held.waiting.length === (workers === 1 ? 1 : 3), 3000, 'the fetches');
      while (cache.counts()[TYPE.secret] < 3) {
        held.release();
        await new Promise((r) => setTimeout(r, 5));
      }
      await scheduler.idle();
      expect(held.max()).toBe(expected);
    }
  });

  it('folds changes arriving during a rebuild into ONE next batch, applied as one change set', async () => {
    const { held, scheduler, applied, batches, cache } = await setup(8);
    const s0 = state(tlsService('a', 1) + service('b', 2));
    scheduler.onEvent({ kind: 'snapshot', state: s0 });
    await until(() => held.waiting.length === 1, 3000, 'the first batch to wait on its secret');
    // five edits of b while the first batch is still running
    let latest = s0;
    for (const port of [3, 4, 5, 6, 7]) {
      latest = state(tlsService('a', 1) + service('b', port));
      scheduler.onEvent(change(latest, ['ns/svc/b']));
    }
    held.release();
    await scheduler.idle();
    expect(batches).toHaveLength(2);
    expect(applied).toHaveLength(2);
    // the second batch carries only b's new endpoints and listener (its cluster is unchanged)
    const second = applied[1];
    expect(second?.changes.map((c) => [c.typeUrl, c.upserted, c.removed])).toEqual([
      [TYPE.endpoint, ['ns/svc/b.expose#0'], []],
      [TYPE.listener, ['0.0.0.0:10007/tcp'], ['0.0.0.0:10002/tcp']],
    ]);
    expect(cache.get(TYPE.listener, '0.0.0.0:10007/tcp')).toBeDefined();
    expect(held.calls).toEqual(['ns/sec/a-cert']);
  });

  it('starts a lone change at once and rebuilds only the changed service', async () => {
    const { scheduler, applied, held } = await setup(8);
    const s0 = state(service('a', 1) + service('b', 2));
    scheduler.onEvent({ kind: 'snapshot', state: s0 });
    await scheduler.idle();
    scheduler.onEvent(change(state(service('a', 1) + service('b', 3)), ['ns/svc/b']));
    await scheduler.idle();
    expect(applied.map((e) => e.changes.length > 0)).toEqual([true, true]);
    expect(applied[1]?.changes.flatMap((c) => c.upserted)).not.toContain('ns/svc/a.expose#0');
    expect(held.calls).toEqual([]);
  });

  it('keeps the last valid resources of a broken service, and never serves a new broken one', async () => {
    const { scheduler, cache } = await setup(8);
    scheduler.onEvent({ kind: 'snapshot', state: state(service('a', 1)) });
    await scheduler.idle();
    const before = cache.get(TYPE.cluster, 'ns/svc/a.expose#0')?.version;
    scheduler.onEvent(change(state(service('a', 1, ', lb_policy: fastest') + service('n', 5, ', lb_policy: fastest')), ['ns/svc/a', 'ns/svc/n']));
    await scheduler.idle();
    expect(cache.get(TYPE.cluster, 'ns/svc/a.expose#0')?.version).toBe(before);
    expect(cache.get(TYPE.cluster, 'ns/svc/n.expose#0')).toBeUndefined();
    const entries = scheduler.entries();
    expect(entries.get('ns/svc/a')).toMatchObject({ valid: false });
    expect(entries.get('ns/svc/a')?.lastValid).toBeDefined();
    expect(entries.get('ns/svc/n')).toMatchObject({ valid: false, lastValid: undefined });
    // removing the service removes its resources
    scheduler.onEvent(change(state(service('z', 9)), ['ns/svc/a', 'ns/svc/n', 'ns/svc/z']));
    await scheduler.idle();
    expect(cache.list(TYPE.cluster).map((r) => r.name)).toEqual(['ns/svc/z.expose#0']);
  });

  it("serves a conflict's loser without the losing expose, and names the winner", async () => {
    const { scheduler, cache } = await setup(8);
    // b asks for a's listener (10001) with expose#0 and for its own (10008) with expose#1
    const b = `${service('b', 1)}    expose#1: { port: 8, listener_port: 10008 }\n`;
    scheduler.onEvent({ kind: 'snapshot', state: state(service('a', 1) + b) });
    await scheduler.idle();
    expect(cache.list(TYPE.cluster).map((r) => r.name)).toEqual(['ns/svc/a.expose#0', 'ns/svc/b.expose#1']);
    expect(cache.list(TYPE.listener).map((r) => r.name)).toEqual(['0.0.0.0:10001/tcp', '0.0.0.0:10008/tcp']);
    const problems = scheduler.lastBuild()?.problems.get('ns/svc/b') ?? [];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ section: 'expose#0', reason: 'Conflict' });
    expect(problems[0]?.message).toContain('ns/svc/a expose#0');
  });

  it('after the first snapshot, a slow secret fetch holds back only the service that needs it', async () => {
    const { held, scheduler, cache } = await setup(8);
    scheduler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await until(() => held.waiting.length === 1, 3000, 'the first fetch');
    held.release();
    await scheduler.idle();
    // a now names another secret (its fetch hangs), b changes too
    const next = state(tlsService('a', 1).replace('a-cert', 'a2-cert') + service('b', 3));
    scheduler.onEvent(change(next, ['ns/svc/a', 'ns/svc/b']));
    await until(() => cache.get(TYPE.listener, '0.0.0.0:10003/tcp') !== undefined, 3000, "b's change");
    expect(held.waiting).toHaveLength(1);
    expect(cache.get(TYPE.secret, 'tls_certificate/ns/sec/a-cert')).toBeDefined();
    expect(cache.get(TYPE.secret, 'tls_certificate/ns/sec/a2-cert')).toBeUndefined();
    held.release();
    await until(() => cache.get(TYPE.secret, 'tls_certificate/ns/sec/a2-cert') !== undefined, 3000, "a's new secret");
    expect(cache.get(TYPE.secret, 'tls_certificate/ns/sec/a-cert')).toBeUndefined();
  });

  it('refetches a changed secret and rebuilds only the services using it', async () => {
    const { held, scheduler } = await setup(8);
    scheduler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + tlsService('b', 2)) });
    await until(() => held.waiting.length === 2, 3000, 'fetches');
    held.release();
    await scheduler.idle();
    const s = state(tlsService('a', 1) + tlsService('b', 2));
    scheduler.onEvent(change(s, [], ['ns/sec/b-cert']));
    await until(() => held.waiting.length === 1, 3000, 'the refetch');
    held.release();
    await scheduler.idle();
    expect(held.calls.sort()).toEqual(['ns/sec/a-cert', 'ns/sec/b-cert', 'ns/sec/b-cert']);
  });
  it('a secret changing while the first snapshot fetches secrets refetches that secret only', async () => {
    const { held, scheduler, cache } = await setup(8);
    const s = state(tlsService('a', 1) + tlsService('b', 2));
    scheduler.onEvent({ kind: 'snapshot', state: s });
    await until(() => held.waiting.length === 2, 3000, 'the first fetches');
    scheduler.onEvent(change(s, [], ['ns/sec/a-cert']));
    held.release();
    await until(() => held.waiting.length === 1, 3000, 'the refetch');
    held.release();
    await scheduler.idle();
    expect(held.calls.sort()).toEqual(['ns/sec/a-cert', 'ns/sec/a-cert', 'ns/sec/b-cert']);
    expect(cache.list(TYPE.secret).map((r) => r.name)).toEqual(['tls_certificate/ns/sec/a-cert', 'tls_certificate/ns/sec/b-cert']);
  });

  it('a secret changing again during its refetch for the first snapshot: the service is served once it is fetched', async () => {
    const { held, scheduler, cache } = await setup(8);
    const s = state(tlsService('a', 1) + service('b', 2));
    scheduler.onEvent({ kind: 'snapshot', state: s });
    await until(() => held.waiting.length === 1, 3000, 'the first fetch');
    scheduler.onEvent(change(s, [], ['ns/sec/a-cert']));
    held.release();
    await until(() => held.waiting.length === 1, 3000, 'the refetch');
    scheduler.onEvent(change(s, [], ['ns/sec/a-cert']));
    held.release();
    // the first snapshot goes out without a (its secret is not there), and a follows when fetched
    await until(() => cache.get(TYPE.listener, '0.0.0.0:10002/tcp') !== undefined, 3000, 'the first snapshot');
    await until(() => held.waiting.length === 1, 3000, 'the third fetch');
    held.release();
    await until(() => cache.get(TYPE.secret, 'tls_certificate/ns/sec/a-cert') !== undefined, 3000, "a's secret");
    await scheduler.idle();
    expect(scheduler.entries().get('ns/svc/a')).toMatchObject({ valid: true });
    expect(held.calls).toEqual(['ns/sec/a-cert', 'ns/sec/a-cert', 'ns/sec/a-cert']);
  });
  it('a service changing again while its secret fetch hangs holds one worker, not one per change', async () => {
    const { held, scheduler } = await setup(2);
    scheduler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await until(() => held.waiting.length === 1, 3000, 'the first fetch');
    held.release();
    await scheduler.idle();
    // a names a new secret whose fetch hangs, then changes twice more meanwhile
    const a2 = (port: number) => tlsService('a', port).replace('a-cert', 'a2-cert');
    for (const port of [1, 3, 4]) {
      scheduler.onEvent(change(state(a2(port) + service('b', 2)), ['ns/svc/a']));
      await scheduler.idle();
    }
    // b's new secret is fetched on the other worker
    scheduler.onEvent(change(state(a2(4) + tlsService('b', 2)), ['ns/svc/b']));
    await until(() => held.calls.includes('ns/sec/b-cert'), 3000, "b's fetch");
    expect(held.calls).toEqual(['ns/sec/a-cert', 'ns/sec/a2-cert', 'ns/sec/b-cert']);
  });
});
