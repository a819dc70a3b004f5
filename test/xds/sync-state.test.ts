// Per-type sync state of a stream, as `/clients` and `xds status` show it: STALE while a response
// is unanswered or something waits to go out, SYNCED once the latest response is ACKed, NACKED
// when it was NACKed; the time of the last ACK is kept.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { startHarness, type Harness } from './support/harness.js';
import { cla, cluster } from './support/resources.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const typeOf = (nodeId: string, typeUrl: string) => h.server.registry.list().find((c) => c.nodeId === nodeId)?.types[typeUrl];

describe.each(['sotw', 'delta'] as const)('%s', (variant) => {
  test('STALE until ACKed, SYNCED after, NACKED when the latest response is refused, SYNCED again', async () => {
    h.put(cluster('a'));
    const c = await h.connect({ nodeId: 'n1', variant });
    if (variant === 'sotw') c.request(TYPE.cluster);
    else c.subscribe(TYPE.cluster, []);
    const first = await c.nextResponse(TYPE.cluster);
    await h.until(() => typeOf('n1', TYPE.cluster)?.responses === 1);
    expect(typeOf('n1', TYPE.cluster)).toMatchObject({ sync: 'STALE', lastAckAt: null });

    c.ack(first);
    await h.until(() => typeOf('n1', TYPE.cluster)?.sync === 'SYNCED');
    const ackedAt = typeOf('n1', TYPE.cluster)?.lastAckAt;
    expect(Date.parse(ackedAt ?? '')).toBeGreaterThan(Date.now() - 10_000);

    h.put(cluster('a', 7));
    const bad = await c.nextResponse(TYPE.cluster);
    await h.until(() => typeOf('n1', TYPE.cluster)?.sync === 'STALE');
    c.nack(bad, 'cluster a: refused for the test');
    await h.until(() => typeOf('n1', TYPE.cluster)?.sync === 'NACKED');
    expect(typeOf('n1', TYPE.cluster)?.lastNack?.error).toBe('cluster a: refused for the test');
    expect(typeOf('n1', TYPE.cluster)?.lastAckAt).toBe(ackedAt);

    h.put(cluster('a', 9));
    const good = await c.nextResponse(TYPE.cluster);
    c.ack(good);
    await h.until(() => typeOf('n1', TYPE.cluster)?.sync === 'SYNCED');
  });

  test('a type asked only for names not served owes nothing: SYNCED', async () => {
    h.put(cla('a', [{ host: '10.0.0.1', port: 80 }]));
    const c = await h.connect({ nodeId: 'n2', variant });
    if (variant === 'sotw') {
      c.request(TYPE.endpoint, ['missing']);
      await h.until(() => typeOf('n2', TYPE.endpoint) !== undefined);
      expect(typeOf('n2', TYPE.endpoint)).toMatchObject({ sync: 'SYNCED', responses: 0 });
    } else {
      // Delta says "does not exist" in removed_resources: a response, then its ACK
      c.subscribe(TYPE.endpoint, ['missing']);
      c.ack(await c.nextResponse(TYPE.endpoint));
      await h.until(() => typeOf('n2', TYPE.endpoint)?.sync === 'SYNCED');
    }
  });
});

test('before the cache is ready a subscribed type is STALE (it waits for the first snapshot)', async () => {
  await h.close();
  h = await startHarness({ ready: false });
  const c = await h.connect({ nodeId: 'n3', variant: 'sotw' });
  c.request(TYPE.cluster);
  await h.until(() => typeOf('n3', TYPE.cluster) !== undefined);
  expect(typeOf('n3', TYPE.cluster)?.sync).toBe('STALE');
  h.cache.markReady();
  c.ack(await c.nextResponse(TYPE.cluster));
  await h.until(() => typeOf('n3', TYPE.cluster)?.sync === 'SYNCED');
});
