// The real @grpc/grpc-js-xds client against this server over ADS (SotW): it resolves an xds:///
// target through Listener → RouteConfiguration → Cluster → ClusterLoadAssignment served from the
// cache, calls a real backend, follows an endpoint change, and NACKs a CLA it cannot accept.
// grpc-js-xds keeps global state (register(), cached bootstrap): this file is its only user.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@grpc/grpc-js';
import { register } from '@grpc/grpc-js-xds';
import { TYPE } from '../../src/xds/types.js';
import { connectCsds } from './support/csds.js';
import { startHarness, type Harness } from './support/harness.js';
import { apiListener, cla, cluster, routeConfig } from './support/resources.js';
import { newClient, startBackend, who, type Backend } from './support/backend.js';

let h: Harness;
let b1: Backend;
let b2: Backend;
let client: Client;
const edsResponses: number[] = [];

beforeAll(async () => {
  h = await startHarness({
    ready: false,
    hooks: { onResponse: (t) => void (t === TYPE.endpoint && edsResponses.push(Date.now())) },
  });
  [b1, b2] = await Promise.all([startBackend('backend-1'), startBackend('backend-2')]);
  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [{ server_uri: `localhost:${h.port}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: 'grpc-client-1', cluster: 'test-clients', locality: {} },
  });
  register();
  h.apply({
    upserts: [apiListener('whoami', 'whoami-routes'), routeConfig('whoami-routes', 'whoami-cluster', 'whoami'),
      cluster('whoami-cluster'), cla('whoami-cluster', [b1])],
  });
  h.cache.markReady();
  client = newClient('xds:///whoami');
});

afterAll(async () => {
  client?.close();
  await h?.close();
  await Promise.all([b1?.close(), b2?.close()]);
});

async function until(pred: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

const grpcClient = () => h.server.registry.list().find((c) => c.nodeId === 'grpc-client-1');

test('resolves xds:///whoami through LDS, RDS, CDS, EDS and calls backend 1', async () => {
  expect(await who(client, 10_000)).toBe('backend-1');
  const info = grpcClient();
  expect(info).toMatchObject({ service: 'ads', variant: 'sotw', transport: 'tcp', nodeCluster: 'test-clients' });
  for (const t of [TYPE.listener, TYPE.route, TYPE.cluster, TYPE.endpoint]) {
    expect(info?.types[t]?.ackedVersion, t).not.toBe('');
    expect(info?.types[t]?.lastNack, t).toBeNull();
  }
});

test('follows an endpoint change to backend 2 without restarting', async () => {
  h.put(cla('whoami-cluster', [b2]));
  await until(async () => (await who(client)) === 'backend-2');
  for (let i = 0; i < 5; i++) expect(await who(client)).toBe('backend-2');
});

test('a CLA without locality is NACKed, recorded, not resent; the next good one is accepted', async () => {
  const before = grpcClient()?.types[TYPE.endpoint]?.ackedVersion;
  const accepted = h.cache.get(TYPE.endpoint, 'whoami-cluster')?.version;
  h.put(cla('whoami-cluster', [b1], { locality: false }));
  const rejected = h.cache.get(TYPE.endpoint, 'whoami-cluster');
  await until(() => grpcClient()?.types[TYPE.endpoint]?.lastNack != null);
  const eds = grpcClient()?.types[TYPE.endpoint];
  expect(eds?.lastNack?.error).toMatch(/locality/);
  expect(eds?.ackedVersion).toBe(before);
  expect(eds?.lastNack?.version).toBe(eds?.sentVersion);
  expect(rejected).toBeDefined();
  // the client status service tells the same: NACKED, the error, the version still in use
  const csds = connectCsds(`127.0.0.1:${h.port}`);
  const seen = async () => (await csds.fetch({ node_matchers: [{ node_id: { exact: 'grpc-client-1' } }] }))[0]?.generic_xds_configs?.find((g) => g.type_url === TYPE.endpoint);
  expect(await seen()).toMatchObject({
    name: 'whoami-cluster', client_status: 'NACKED', config_status: 'ERROR', version_info: accepted,
    error_state: { details: expect.stringMatching(/locality/), version_info: eds?.sentVersion },
  });
  // no NACK loop: nothing more is sent for EDS while the cache does not change
  const sent = edsResponses.length;
  await new Promise((r) => setTimeout(r, 1000));
  expect(edsResponses.length).toBe(sent);
  // the client keeps its last accepted endpoints
  expect(await who(client)).toBe('backend-2');
  // the next version goes out and is accepted
  h.put(cla('whoami-cluster', [b1]));
  await until(async () => (await who(client)) === 'backend-1');
  await until(() => grpcClient()?.types[TYPE.endpoint]?.ackedVersion === grpcClient()?.types[TYPE.endpoint]?.sentVersion);
  expect(await seen()).toMatchObject({ client_status: 'ACKED', config_status: 'SYNCED', version_info: h.cache.get(TYPE.endpoint, 'whoami-cluster')?.version });
  csds.close();
});
