// One abusive client must not hurt another, against a spawned janitor: a request naming two
// million resources ends the abuser's stream with RESOURCE_EXHAUSTED (the names are counted on
// the wire, never decoded), a flood of requests is read at the allowed pace instead of cut; in
// both cases another client gets the next change and the admin server answers meanwhile.
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageType } from '../../src/proto/root.js';
import { TYPE } from '../../src/xds/types.js';
import { getText, spawnCli, tempCluster, until, type Spawned, type TempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { within } from './support/streams.js';

const CACHE = 'demo/svc/cache.expose#0';
let cluster: TempCluster;
let janitor: Spawned;
let xds: string;
let admin: string;
let port = 6379;

beforeAll(async () => {
  cluster = tempCluster();
  janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '-P', '1']);
  const ports = await janitor.ports();
  xds = `127.0.0.1:${ports.xds}`;
  admin = `http://127.0.0.1:${ports.admin ?? 0}`;
});
afterAll(async () => {
  janitor.child.kill('SIGTERM');
  await janitor.exit;
  cluster.cleanup();
});

/** A well-behaved client on its own connection, following one ClusterLoadAssignment. */
async function victim(nodeId: string): Promise<XdsTestClient> {
  const c = await connectAds({ address: xds, nodeId, variant: 'delta', channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
  c.subscribe(TYPE.endpoint, [CACHE]);
  c.ack(await c.nextDelta(TYPE.endpoint, { timeoutMs: 10_000 }));
  return c;
}

/** Change the cache backend port; resolves once the victim got it. /healthz must answer meanwhile. */
async function changeReaches(c: XdsTestClient): Promise<void> {
  const next = ++port;
  cluster.write(cluster.read().replace(/port: \d+\n(\s+)listener_port: 16379/, `port: ${next}\n$1listener_port: 16379`));
  expect(await within(getText(`${admin}/healthz`), 10_000, '/healthz')).toMatchObject({ status: 200 });
  await until(() => c.received.some((r) => JSON.stringify(r.resources).includes(`"port_value":${next}`)), 20_000, 'the change at the victim');
}

/** A raw SotW ADS stream on its own connection (the abuser writes bytes, not test-client requests). */
function rawStream(): { call: ClientDuplexStream<Buffer, Buffer>; ended: Promise<{ code: number; details: string }>; close(): void } {
  const client = new Client(xds, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const id = (b: Buffer) => b;
  const call = client.makeBidiStreamRequest('/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources', id, id);
  call.on('error', () => undefined);
  call.on('data', () => undefined);
  const ended = new Promise<{ code: number; details: string }>((resolve) => call.on('status', (s: { code: number; details: string }) => resolve(s)));
  return { call, ended, close: () => (call.cancel(), client.close()) };
}

const request = (o: Record<string, unknown>): Buffer => {
  const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  return Buffer.from(t.encode(t.fromObject(o)).finish());
};

/** resource_names fields (3) for `count` short names, framed by hand: protobufjs would take seconds. */
function manyNames(count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(i.toString(36));
    parts.push(Buffer.from([0x1a, name.length]), name);
  }
  return Buffer.concat(parts);
}

it('two million names in one request: the abuser is cut off with RESOURCE_EXHAUSTED, the other client is served', async () => {
  const c = await victim('victim-names');
  const abuser = rawStream();
  const names = manyNames(2_000_000);
  expect(names.length).toBeLessThan(16 * 1024 * 1024);
  abuser.call.write(Buffer.concat([request({ node: { id: 'abuser' }, type_url: TYPE.endpoint }), names]));
  await changeReaches(c);
  expect(await within(abuser.ended, 20_000, "the abuser's end")).toMatchObject({
    code: 8,
    details: 'request carries more than 250000 resource names, the most a stream may subscribe to',
  });
  abuser.close();
  c.close();
}, 60_000);

it('a flood of requests: the flooder is paced, not cut; the other client is served', async () => {
  const c = await victim('victim-flood');
  const flooder = rawStream();
  const first = request({ node: { id: 'flooder' }, type_url: TYPE.cluster });
  const again = request({ type_url: TYPE.cluster, resource_names: ['demo/svc/web.expose#0'] });
  flooder.call.write(first);
  for (let i = 0; i < 50_000; i++) flooder.call.write(again);
  await changeReaches(c);
  await changeReaches(c);
  const still = await Promise.race([flooder.ended, new Promise((resolve) => setImmediate(() => resolve('open')))]);
  expect(still).toBe('open');
  flooder.close();
  c.close();
}, 60_000);
