// The reconcile loop and secrets: the first snapshot waits for them, later a slow fetch holds back
// only the service that needs it, a changed secret rebuilds only its users (nothing pushed when its
// content is the same), and a failed fetch is retried with backoff (issue 9) while the last good
// values stay served and the error is shown, until it succeeds or no service names it.
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { until } from '../e2e/support.js';
import { change, service, setupLoop, state, tlsService, upserted, CERT, ROTATED, type LoopSetup } from './support.js';

const SDS = (name: string): string => `tls_certificate/ns/sec/${name}`;

describe('reconcile loop: secrets', () => {
  let loop: LoopSetup | undefined;
  afterEach(() => {
    loop?.reconciler.close();
    expect(loop?.log.lines().map((l) => JSON.stringify(l)).join('\n')).not.toContain('PRIVATE KEY');
  });

  it('the first snapshot is built from the state its secrets were fetched for; an edit meanwhile goes in the next batch', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT, 'ns/sec/b-cert': CERT } });
    const { reconciler, fake, cache, log, applied } = loop;
    fake.hold('ns/sec/a-cert');
    reconciler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await until(() => fake.waiting() === 1, 5000, 'the first fetch');
    // b now terminates TLS with a secret never fetched
    reconciler.onEvent(change(state(tlsService('a', 1) + tlsService('b', 2)), ['ns/svc/b']));
    fake.release();
    await until(() => cache.get(TYPE.secret, SDS('b-cert')) !== undefined, 5000, "b's secret");
    await reconciler.idle();
    // the first snapshot held b as it was then (complete), its edit followed once its secret was there
    expect(upserted(applied[0])).toContain('Cluster ns/svc/b.expose#0');
    expect(upserted(applied[0])).not.toContain(`Secret ${SDS('b-cert')}`);
    expect(log.withMsg('service invalid')).toEqual([]);
    expect(reconciler.statuses().map((s) => [s.path, s.valid])).toEqual([['ns/svc/a', true], ['ns/svc/b', true]]);
  });

  it('after the first snapshot, a slow secret fetch holds back only the service that needs it', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT, 'ns/sec/a2-cert': ROTATED } });
    const { reconciler, fake, cache } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await reconciler.idle();
    fake.hold('ns/sec/a2-cert');
    reconciler.onEvent(change(state(tlsService('a', 1, 'a2-cert') + service('b', 3)), ['ns/svc/a', 'ns/svc/b']));
    await until(() => cache.get(TYPE.listener, '0.0.0.0:10003/tcp') !== undefined, 5000, "b's change");
    expect(fake.waiting()).toBe(1);
    expect(cache.get(TYPE.secret, SDS('a-cert'))).toBeDefined();
    expect(cache.get(TYPE.secret, SDS('a2-cert'))).toBeUndefined();
    fake.release();
    await until(() => cache.get(TYPE.secret, SDS('a2-cert')) !== undefined, 5000, "a's new secret");
    await reconciler.idle();
    expect(cache.get(TYPE.secret, SDS('a-cert'))).toBeUndefined();
    // read from the daemon once, though the batch and its service both waited for it
    expect(fake.calls.filter((c) => c === 'ns/sec/a2-cert')).toHaveLength(1);
  });

  it('refetches a changed secret and rebuilds only its users; pushes nothing when its content is the same', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT, 'ns/sec/b-cert': CERT } });
    const { reconciler, fake, batches, applied, cache } = loop;
    const s = state(tlsService('a', 1) + tlsService('b', 2));
    reconciler.onEvent({ kind: 'snapshot', state: s });
    await reconciler.idle();
    const a = cache.get(TYPE.secret, SDS('a-cert'))?.version;
    fake.values.set('ns/sec/b-cert', ROTATED);
    reconciler.onEvent(change(s, [], ['ns/sec/b-cert']));
    await until(() => batches.length === 2, 5000, 'the rebuild');
    await reconciler.idle();
    expect(batches[1]?.work.compiled).toBe(1);
    expect(upserted(applied[1])).toEqual([`Secret ${SDS('b-cert')}`]);
    expect(cache.get(TYPE.secret, SDS('a-cert'))?.version).toBe(a);
    // the same content again: fetched, nothing rebuilt, nothing pushed
    reconciler.onEvent(change(s, [], ['ns/sec/b-cert']));
    await until(() => fake.calls.length === 4, 5000, 'the refetch');
    await reconciler.idle();
    expect(fake.calls.sort()).toEqual(['ns/sec/a-cert', 'ns/sec/b-cert', 'ns/sec/b-cert', 'ns/sec/b-cert']);
    expect(batches).toHaveLength(2);
    expect(applied).toHaveLength(2);
  });
});

describe('reconcile loop: a failed or slow get_secret_key (issue 9)', () => {
  let loop: LoopSetup | undefined;
  afterEach(() => loop?.reconciler.close());

  it('a first fetch failing is retried with backoff until it succeeds; the service is served then', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT } });
    const { reconciler, fake, cache, hooks, log } = loop;
    fake.fail('ns/sec/a-cert', Infinity, 'get_secret_key: timeout');
    reconciler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1) + service('b', 2)) });
    await until(() => hooks.secretFailures.length >= 3, 5000, 'retries');
    await reconciler.idle();
    expect(cache.get(TYPE.listener, '0.0.0.0:10002/tcp')).toBeDefined();
    expect(cache.get(TYPE.listener, '0.0.0.0:10001/tcp')).toBeUndefined();
    const a = reconciler.statuses().find((x) => x.path === 'ns/svc/a');
    expect(a).toMatchObject({ valid: false, served: false });
    expect(a?.problems).toEqual(expect.arrayContaining([expect.objectContaining({ keyword: 'certificate_secret', reason: 'SecretUnavailable' })]));
    expect(log.withMsg('secret fetch failed, retrying')[0]).toMatchObject({ secret: 'ns/sec/a-cert', err: 'get_secret_key: timeout', attempt: 1 });
    fake.fail('ns/sec/a-cert', 0);
    await until(() => cache.get(TYPE.secret, SDS('a-cert')) !== undefined, 5000, 'the secret, once fetched');
    await until(() => reconciler.statuses().every((x) => x.valid), 5000, 'a valid');
    expect(cache.get(TYPE.listener, '0.0.0.0:10001/tcp')).toBeDefined();
  });

  it('a rotation that cannot be fetched keeps the last good certificate served and shows the error, until it succeeds', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT } });
    const { reconciler, fake, cache, hooks } = loop;
    const s = state(tlsService('a', 1));
    reconciler.onEvent({ kind: 'snapshot', state: s });
    await reconciler.idle();
    const served = cache.get(TYPE.secret, SDS('a-cert'))?.version;
    fake.values.set('ns/sec/a-cert', ROTATED);
    fake.fail('ns/sec/a-cert', Infinity, 'daemon busy');
    reconciler.onEvent(change(s, [], ['ns/sec/a-cert']));
    await until(() => hooks.secretFailures.length >= 3, 5000, 'retries');
    expect(cache.get(TYPE.secret, SDS('a-cert'))?.version).toBe(served);
    const a = reconciler.statuses()[0];
    expect(a).toMatchObject({ path: 'ns/svc/a', served: true });
    expect(a?.warnings.filter((w) => w.reason === 'SecretUnavailable')).toEqual([expect.objectContaining({ reason: 'SecretUnavailable', message: expect.stringContaining('daemon busy') as unknown })]);
    fake.fail('ns/sec/a-cert', 0);
    await until(() => cache.get(TYPE.secret, SDS('a-cert'))?.version !== served, 5000, 'the rotated secret');
    expect(reconciler.statuses()[0]?.warnings.filter((w) => w.reason === 'SecretUnavailable')).toEqual([]);
  });

  it('stops retrying once no service names the secret', async () => {
    loop = await setupLoop({ secrets: { 'ns/sec/a-cert': CERT }, backoffMs: 2 });
    const { reconciler, fake, cache } = loop;
    reconciler.onEvent({ kind: 'snapshot', state: state(tlsService('a', 1)) });
    await reconciler.idle();
    fake.fail('ns/sec/gone', Infinity);
    reconciler.onEvent(change(state(tlsService('a', 1, 'gone')), ['ns/svc/a']));
    const tries = (): number => fake.calls.filter((c) => c === 'ns/sec/gone').length;
    await until(() => tries() >= 4, 5000, 'retries');
    // the last valid definition stays served meanwhile
    expect(cache.get(TYPE.secret, SDS('a-cert'))).toBeDefined();
    reconciler.onEvent(change(state(tlsService('a', 1)), ['ns/svc/a']));
    await reconciler.idle();
    const after = tries();
    // many backoff periods (at most 8 ms each) later, at most the one retry already due has run
    await new Promise((r) => setTimeout(r, 300));
    expect(tries()).toBeLessThanOrEqual(after + 1);
    expect(reconciler.statuses()[0]).toMatchObject({ valid: true });
  });
});
