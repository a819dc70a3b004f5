// Every admin endpoint of a running janitor (file source on a copy of examples/), with a real
// xDS client connected, ACKing and NACKing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { getJson, getText, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';

interface ServiceStatus {
  path: string;
  valid: boolean;
  served: boolean;
  problems: { keyword?: string; reason: string; message: string }[];
  listeners: string[];
  clusters: string[];
}

describe('admin endpoints', () => {
  let cluster: TempCluster;
  let j: RunningJanitor;
  let client: XdsTestClient;

  beforeAll(async () => {
    cluster = tempCluster();
    j = await startTestJanitor({ source: `file:${cluster.file}` });
    await j.janitor.ready;
    client = await connectAds({ address: j.xds, nodeId: 'admin-node', nodeCluster: 'gw', variant: 'delta' });
    client.subscribe(TYPE.cluster, []);
    client.ack(await client.nextDelta(TYPE.cluster));
    client.subscribe(TYPE.listener, []);
    client.nack(await client.nextDelta(TYPE.listener), 'listener refused for the test');
  });

  afterAll(async () => {
    client.close();
    await j.close();
    cluster.cleanup();
  });

  it('/healthz answers ok', async () => {
    expect(await getText(`${j.admin}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('/readyz is ready once the first snapshot is served and the source is live', async () => {
    expect(await getJson(`${j.admin}/readyz`)).toEqual({ status: 200, body: { ready: true, reasons: [] } });
  });

  it('/clients lists the connected Envoy: node id, stream, ACKed versions, last NACK and its error', async () => {
    await until(async () => JSON.stringify((await getJson(`${j.admin}/clients`)).body).includes('listener refused'), 3000, 'the NACK');
    const { status, body } = await getJson(`${j.admin}/clients`);
    expect(status).toBe(200);
    const clients = body as { nodeId: string; nodeCluster: string; variant: string; types: Record<string, { ackedVersion: string; lastNack?: { error: string } }> }[];
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ nodeId: 'admin-node', nodeCluster: 'gw', variant: 'delta' });
    expect(clients[0]?.types[TYPE.cluster]?.ackedVersion).not.toBe('');
    expect(clients[0]?.types[TYPE.listener]?.lastNack?.error).toBe('listener refused for the test');
    expect(j.log()).toMatch(/"node":"admin-node".*"msg":"client connected"/);
    // the same per-client view in the metrics: the rejected type nacked, the accepted one synced
    const metrics = (await getText(`${j.admin}/metrics`)).body;
    expect(metrics).toMatch(/^xds_client_sync\{node="admin-node",type="Listener",state="nacked"\} 1$/m);
    expect(metrics).toMatch(/^xds_client_sync\{node="admin-node",type="Listener",state="synced"\} 0$/m);
    expect(metrics).toMatch(/^xds_client_sync\{node="admin-node",type="Cluster",state="synced"\} 1$/m);
    expect(j.log()).toMatch(/"level":"warn".*"node":"admin-node".*"err":\{"message":"listener refused for the test"\}.*"msg":"xDS NACK"/);
  });

  it('/metrics exposes builds, push latency, resources, clients, ACKs, NACKs, source state and invalid services', async () => {
    // one change pushed to the connected client, for the event-to-push histogram
    cluster.write(cluster.read().replace('listener_port: 16379', 'listener_port: 16380'));
    const pushed = await client.nextDelta(TYPE.listener, { timeoutMs: 3000 });
    expect(pushed.resources.map((r) => r.name)).toEqual(['0.0.0.0:16380/tcp']);
    client.ack(pushed);
    // the old listener's removal comes in its own response (make before break): synced once it is ACKed too
    const removal = await client.nextDelta(TYPE.listener, { timeoutMs: 3000 });
    expect(removal.removed).toEqual(['0.0.0.0:16379/tcp']);
    client.ack(removal);
    await new Promise((r) => setTimeout(r, 50));
    const { status, body, contentType } = await getText(`${j.admin}/metrics`);
    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    expect(body).toMatch(/^xds_build_duration_seconds_count [1-9]/m);
    expect(body).toMatch(/^xds_event_to_push_seconds_count [1-9]/m);
    expect(body).toMatch(/^xds_resources\{type="Cluster"\} 5$/m);
    expect(body).toMatch(/^xds_resources\{type="Secret"\} 1$/m);
    expect(body).toMatch(/^xds_connected_streams 1$/m);
    expect(body).toMatch(/^xds_acks_total\{type="Cluster"\} [1-9]/m);
    expect(body).toMatch(/^xds_nacks_total\{type="Listener"\} 1$/m);
    expect(body).toMatch(/^xds_source_state\{source="file",state="live"\} 1$/m);
    expect(body).toMatch(/^xds_source_state\{source="file",state="connecting"\} 0$/m);
    expect(body).toMatch(/^xds_client_sync\{node="admin-node",type="Cluster",state="synced"\} 1$/m);
    expect(body).toMatch(/^xds_client_sync\{node="admin-node",type="Listener",state="synced"\} 1$/m);
    expect(body).toMatch(/^xds_connected_nodes 1$/m);
    expect(body).toMatch(/^xds_invalid_services 0$/m);
  });

  it('/config_dump shows what is served, decoded, with private keys redacted', async () => {
    const { status, body } = await getText(`${j.admin}/config_dump`);
    expect(status).toBe(200);
    const dump = JSON.parse(body) as Record<string, { version: string; resources: { name: string; resource: Record<string, unknown> }[] }>;
    expect(Object.keys(dump)).toEqual(['Cluster', 'ClusterLoadAssignment', 'Secret', 'Listener', 'RouteConfiguration']);
    expect(dump['Cluster']?.resources.map((r) => r.name)).toContain('demo/svc/web.expose#1');
    const secret = JSON.stringify(dump['Secret']?.resources[0]?.resource);
    expect(secret).toContain('BEGIN CERTIFICATE');
    expect(secret).toContain('"private_key":{"inline_string":"[redacted]"}');
    expect(body).not.toContain('PRIVATE KEY');
    const only = (await getJson(`${j.admin}/config_dump?type=listener`)).body as Record<string, unknown>;
    expect(Object.keys(only)).toEqual(['Listener']);
    // an unknown type is not an empty dump: 400, naming the accepted types
    const unknown = await getJson(`${j.admin}/config_dump?type=Unknown`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: 'unknown type "Unknown": use one of Cluster, ClusterLoadAssignment, Secret, Listener, RouteConfiguration',
      types: ['Cluster', 'ClusterLoadAssignment', 'Secret', 'Listener', 'RouteConfiguration'],
    });
    expect((await getJson(`${j.admin}/config_dump?type=`)).status).toBe(400);
  });

  it('/services shows each service valid or with its problems, its listeners and clusters', async () => {
    const before = (await getJson(`${j.admin}/services`)).body as ServiceStatus[];
    expect(before.map((s) => [s.path, s.valid, s.served])).toEqual([
      ['demo/svc/cache', true, true],
      ['demo/svc/db', true, true],
      ['demo/svc/tls', true, true],
      ['demo/svc/web', true, true],
    ]);
    expect(before.find((s) => s.path === 'demo/svc/web')).toMatchObject({ listeners: ['0.0.0.0:10080/tcp', '0.0.0.0:18443/tcp'], clusters: ['demo/svc/web.expose#0', 'demo/svc/web.expose#1'] });
    // a typo in a live service, and a new service with an error
    cluster.write(
      cluster
        .read()
        .replace('route_timeout: 30s', 'route_timeout: 3x')
        .replace(/^secrets:/m, '  demo/svc/new:\n    endpoints: [127.0.0.1]\n    expose#0: { port: 1, lb_policy: fastest }\n\nsecrets:'),
    );
    await until(async () => ((await getJson(`${j.admin}/services`)).body as ServiceStatus[]).length === 5, 3000, 'the new service');
    const after = (await getJson(`${j.admin}/services`)).body as ServiceStatus[];
    const web = after.find((s) => s.path === 'demo/svc/web');
    expect(web).toMatchObject({ valid: false, served: true, listeners: ['0.0.0.0:10080/tcp', '0.0.0.0:18443/tcp'] });
    expect(web?.problems[0]).toMatchObject({ keyword: 'route_timeout' });
    const added = after.find((s) => s.path === 'demo/svc/new');
    expect(added).toMatchObject({ valid: false, served: false, listeners: [], clusters: [] });
    expect(added?.problems[0]).toMatchObject({ keyword: 'lb_policy' });
    expect((await getText(`${j.admin}/metrics`)).body).toMatch(/^xds_invalid_services 2$/m);
    expect(j.log()).toMatch(/"service":"demo\/svc\/web".*"msg":"service invalid"/);
  });

  it('answers 404 with the endpoint list on an unknown path, 405 on other methods', async () => {
    const missing = await getJson(`${j.admin}/nope`);
    expect(missing.status).toBe(404);
    expect((missing.body as { endpoints: string[] }).endpoints).toContain('/config_dump');
    expect((await fetch(`${j.admin}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});
