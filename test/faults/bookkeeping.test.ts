// Record-keeping on connect and disconnect is O(1) per stream: the janitor's hooks keep a count
// of streams per node and never list every stream (listing on each open and close made 2,000
// streams take seconds to accept and bulk disconnects stall the admin server). Real streams, the
// janitor's own hooks, a registry that counts how often it is listed.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createXdsHooks } from '../../src/admin/hooks.js';
import { createMetrics } from '../../src/admin/metrics.js';
import { createLifecycle } from '../../src/reconcile/lifecycle.js';
import type { ClientRegistry } from '../../src/xds/registry.js';
import { TYPE } from '../../src/xds/types.js';
import type { XdsTestClient } from '../xds/support/client.js';
import { startHarness, type Harness } from '../xds/support/harness.js';
import { cluster } from '../xds/support/resources.js';

let h: Harness | undefined;
afterEach(async () => h?.close());

it('opening, identifying and closing 200 streams of 50 nodes never lists the streams; logs follow the nodes', async () => {
  let text = '';
  const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => ((text += String(c)), done()) }));
  const metrics = createMetrics(false);
  let listed = 0;
  const server: { registry?: ClientRegistry } = {};
  const counting = (): ClientRegistry | undefined => server.registry && {
    ...server.registry,
    size: () => server.registry?.size() ?? 0,
    list: () => (listed++, server.registry?.list() ?? []),
    records: () => (listed++, server.registry?.records() ?? []),
  };
  const hooks = createXdsHooks(metrics, logger, () => createLifecycle('test', logger).takePendingPush(), counting);
  h = await startHarness({ hooks });
  server.registry = h.server.registry;
  h.put(cluster('a'));
  const clients: XdsTestClient[] = [];
  for (let i = 0; i < 200; i++) {
    // four connections of 50 streams (one connection may carry 128 streams at once)
    const channelOptions = { 'grpc.primary_user_agent': `group-${Math.floor(i / 50)}` };
    const c = await h.connect({ nodeId: `node-${i % 50}`, variant: i % 2 ? 'sotw' : 'delta', channelOptions });
    if (i % 2) c.request(TYPE.cluster);
    else c.subscribe(TYPE.cluster, []);
    clients.push(c);
  }
  await Promise.all(clients.map((c) => c.nextResponse(TYPE.cluster)));
  expect(/xds_connected_streams 200$/m.test(await metrics.registry.metrics())).toBe(true);
  expect(text.match(/"msg":"client connected"/g)).toHaveLength(50);
  for (const c of clients.slice(0, 150)) c.close();
  await h.until(() => h?.server.registry.size() === 50, 10_000);
  // each node had 4 streams: after 150 closed, each still has one
  expect(text.match(/"msg":"client disconnected"/g) ?? []).toHaveLength(0);
  for (const c of clients.slice(150)) c.close();
  await h.until(() => h?.server.registry.size() === 0, 10_000);
  expect(text.match(/"msg":"client disconnected"/g)).toHaveLength(50);
  expect(/xds_connected_streams 0$/m.test(await metrics.registry.metrics())).toBe(true);
  expect(listed).toBe(0);
});
