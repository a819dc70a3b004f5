// What one client may cost the server, over real gRPC: names per request and per stream, request
// size, streams in total, streams per connection, connections in total. Past a per-stream bound
// the stream ends with RESOURCE_EXHAUSTED and a sentence naming the bound; past a server bound
// the newcomer is refused and the others carry on.
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { type XdsTestClient } from '../xds/support/client.js';
import { startHarness, type Harness, type HarnessOptions } from '../xds/support/harness.js';
import { cla, cluster, ep } from '../xds/support/resources.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 };
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function harness(limits: HarnessOptions['limits']): Promise<Harness> {
  h = await startHarness({ limits });
  h.put(cluster('a'), cla('a', ep('10.0.0.1')));
  return h;
}

/** A stream that asks for the Clusters and got them (proof it is served). */
async function served(hh: Harness, nodeId: string, channelOptions = {}): Promise<XdsTestClient> {
  const c = await hh.connect({ nodeId, variant: 'delta', channelOptions });
  c.subscribe(TYPE.cluster, []);
  c.ack(await c.nextDelta(TYPE.cluster));
  return c;
}

describe.each(['sotw', 'delta'] as const)('%s: resource names per stream', (variant) => {
  const ask = (c: XdsTestClient, typeUrl: typeof TYPE.endpoint | typeof TYPE.route, list: readonly string[]) =>
    variant === 'sotw' ? c.request(typeUrl, list) : c.subscribe(typeUrl, list);

  it('one request naming more than --max-subscriptions ends the stream with RESOURCE_EXHAUSTED; others carry on', async () => {
    const hh = await harness({ maxSubscriptions: 10 });
    const other = await served(hh, 'bystander');
    const c = await hh.connect({ nodeId: 'greedy', variant });
    ask(c, TYPE.endpoint, names('cla', 11));
    expect(await c.ended).toEqual({ code: status.RESOURCE_EXHAUSTED, details: 'request carries more than 10 resource names, the most a stream may subscribe to' });
    hh.put(cluster('b'));
    expect((await other.nextDelta(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['b']);
  });

  it('names added over several requests and types count together', async () => {
    const hh = await harness({ maxSubscriptions: 10 });
    const c = await hh.connect({ nodeId: 'creeping', variant });
    ask(c, TYPE.endpoint, ['a', ...names('cla', 5)]);
    c.ack(await c.nextResponse(TYPE.endpoint));
    ask(c, TYPE.route, names('route', 6));
    expect(await c.ended).toEqual({ code: status.RESOURCE_EXHAUSTED, details: 'stream subscribes to 12 resource names, more than the 10 a stream may subscribe to' });
  });

  it('names longer in total than --max-subscription-bytes end the stream', async () => {
    const hh = await harness({ maxSubscriptionBytes: 100 });
    const c = await hh.connect({ nodeId: 'long', variant });
    ask(c, TYPE.endpoint, ['x'.repeat(101)]);
    expect(await c.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: 'request carries more than 100 bytes of resource names, the most a stream may subscribe to' });
  });

  it('a request larger than --max-request-bytes is refused by gRPC with RESOURCE_EXHAUSTED', async () => {
    const hh = await harness({ maxRequestBytes: 1024 });
    const c = await hh.connect({ nodeId: 'big', variant });
    ask(c, TYPE.endpoint, names('cla-with-a-long-name', 100));
    expect((await c.ended).code).toBe(status.RESOURCE_EXHAUSTED);
  });
});

describe('request pace', () => {
  it('a flooding stream is read at the allowed pace: nothing lost, nothing cut, a bystander served', async () => {
    const hh = await harness({ requestBurst: 5, requestsPerSecond: 100 });
    hh.put(cla('b', ep('10.0.0.2')));
    const other = await served(hh, 'bystander');
    // delta: subscription changes apply whatever the nonce, so every request counts
    const flooder = await hh.connect({ nodeId: 'flooder', variant: 'delta' });
    flooder.subscribe(TYPE.endpoint, ['a']);
    for (let i = 0; i < 100; i++) {
      flooder.subscribe(TYPE.endpoint, ['b']);
      flooder.unsubscribe(TYPE.endpoint, ['b']);
    }
    flooder.unsubscribe(TYPE.endpoint, ['a']);
    flooder.subscribe(TYPE.endpoint, ['b']);
    hh.put(cluster('c'));
    expect((await other.nextDelta(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['c']);
    // the last request (after 200 at 100 per second) is read and answered in the end
    await hh.until(() => JSON.stringify(hh.server.registry.list().find((c) => c.nodeId === 'flooder')?.types[TYPE.endpoint]?.names) === '["b"]', 20_000);
    expect(await Promise.race([flooder.ended, Promise.resolve('open')])).toBe('open');
  });
});

describe('server bounds', () => {
  it('past --max-streams a new TCP stream is refused with RESOURCE_EXHAUSTED; the unix socket has its own room', async () => {
    const hh = await harness({ maxStreams: 3 });
    const first = await served(hh, 's1');
    await served(hh, 's2');
    await served(hh, 's3');
    const late = await hh.connect({ nodeId: 's4', variant: 'delta' });
    late.subscribe(TYPE.cluster, []);
    expect(await late.ended).toEqual({ code: status.RESOURCE_EXHAUSTED, details: 'the server already has 3 xDS streams open on tcp, its limit' });
    // TCP clients cannot take the unix socket's room
    const local = await hh.connect({ nodeId: 'local-envoy', variant: 'delta', transport: 'unix' });
    local.subscribe(TYPE.cluster, []);
    expect((await local.nextDelta(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['a']);
    first.close();
    await hh.until(() => hh.server.registry.size() === 3);
    await served(hh, 's5');
  });

  it('past --max-streams-per-connection a stream waits for room on its connection', async () => {
    const hh = await harness({ maxStreamsPerConnection: 2 });
    const shared = { 'grpc.use_local_subchannel_pool': 0, 'grpc.primary_user_agent': 'per-connection-test' };
    const first = await served(hh, 'c1', shared);
    await served(hh, 'c2', shared);
    const third = await hh.connect({ nodeId: 'c3', variant: 'delta', channelOptions: shared });
    third.subscribe(TYPE.cluster, []);
    // on another connection a stream is served at once: the server is not full, that connection is
    await served(hh, 'elsewhere', OWN_CONNECTION);
    expect(hh.server.registry.list().map((c) => c.nodeId).sort()).toEqual(['c1', 'c2', 'elsewhere']);
    first.close();
    expect((await third.nextDelta(TYPE.cluster, { timeoutMs: 10_000 })).resources.map((r) => r.name)).toEqual(['a']);
  });

  it('past --max-connections a new TCP connection is closed; the open ones and the unix socket are served', async () => {
    const hh = await harness({ maxConnections: 2 });
    const one = await served(hh, 'k1', OWN_CONNECTION);
    await served(hh, 'k2', OWN_CONNECTION);
    const third = await hh.connect({ nodeId: 'k3', variant: 'delta', channelOptions: OWN_CONNECTION });
    third.subscribe(TYPE.cluster, []);
    expect((await third.ended).code).toBe(status.UNAVAILABLE);
    hh.put(cluster('b'));
    expect((await one.nextDelta(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['b']);
    // the unix socket counts its own connections
    const local = await hh.connect({ nodeId: 'local-envoy', variant: 'delta', transport: 'unix' });
    local.subscribe(TYPE.cluster, []);
    expect((await local.nextDelta(TYPE.cluster)).resources.map((r) => r.name)).toEqual(['a', 'b']);
  });
});
