// What `npm start` does, end to end: the real CLI (node + tsx, as the start script runs it) on a
// copy of examples/, an ADS client over TCP and one over the unix socket, an edit of the file,
// and a clean SIGTERM. Private keys go over the unix socket only: TCP without mutual TLS gets
// every other resource, and is told the secret does not exist.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAds, type XdsTestClient, type XdsResponse } from '../xds/support/client.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { getJson, spawnCli, tempCluster, until, type Spawned, type TempCluster } from './support.js';

const CLUSTERS = ['demo/svc/cache.expose#0', 'demo/svc/db.expose#0', 'demo/svc/tls.expose#0', 'demo/svc/web.expose#0', 'demo/svc/web.expose#1'];
// demo/svc/db asks listener_port 0: the lowest free port of the default range, 1025
const LISTENERS = ['0.0.0.0:1025/tcp', '0.0.0.0:10080/tcp', '0.0.0.0:10443/tcp', '0.0.0.0:16379/tcp', '0.0.0.0:18443/tcp'].sort();
// the plain-HTTP chain's RouteConfiguration is named like its listener; a TLS chain's adds its expose
const ROUTES = ['0.0.0.0:10080/tcp', '0.0.0.0:18443/tcp/demo/svc/web.expose#1'];
const SECRETS = ['tls_certificate/demo/sec/web-cert'];

function names(r: XdsResponse): string[] {
  return r.resources.map((x) => x.name).sort();
}

/** Subscribe like Envoy does on one delta ADS stream: CDS and LDS wildcard, then EDS, RDS, SDS by name. */
async function subscribeAll(c: XdsTestClient): Promise<Map<TypeUrl, XdsResponse>> {
  const got = new Map<TypeUrl, XdsResponse>();
  const take = async (typeUrl: TypeUrl, subscribe: readonly string[]) => {
    c.subscribe(typeUrl, subscribe);
    const r = await c.nextDelta(typeUrl, { timeoutMs: 5000 });
    c.ack(r);
    got.set(typeUrl, r);
  };
  await take(TYPE.cluster, []);
  await take(TYPE.endpoint, CLUSTERS);
  await take(TYPE.listener, []);
  await take(TYPE.route, ROUTES);
  await take(TYPE.secret, SECRETS);
  return got;
}

describe('npm start: the janitor on examples/', () => {
  let cluster: TempCluster;
  let janitor: Spawned;
  let ports: { xds: number; admin?: number; unix?: string };
  const clients: XdsTestClient[] = [];

  beforeAll(async () => {
    cluster = tempCluster();
    const sock = path.join(cluster.dir, 'xds.sock');
    janitor = spawnCli(['--source', `file:${cluster.file}`, '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', `unix://${sock}`, '--envoy-port', '1']);
    ports = await janitor.ports();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    if (janitor.child.exitCode === null) janitor.child.kill('SIGKILL');
    cluster.cleanup();
  });

  it('serves the example listeners, routes, clusters and endpoints over delta ADS (TCP), but not the secret', async () => {
    const c = await connectAds({ address: `127.0.0.1:${ports.xds}`, nodeId: 'e2e-delta', variant: 'delta' });
    clients.push(c);
    const got = await subscribeAll(c);
    expect(names(got.get(TYPE.cluster) as XdsResponse)).toEqual(CLUSTERS);
    expect(names(got.get(TYPE.endpoint) as XdsResponse)).toEqual(CLUSTERS);
    expect(names(got.get(TYPE.listener) as XdsResponse)).toEqual(LISTENERS);
    expect(names(got.get(TYPE.route) as XdsResponse)).toEqual(ROUTES);
    const web = (got.get(TYPE.endpoint) as XdsResponse).resources.find((r) => r.name === 'demo/svc/web.expose#0');
    expect(JSON.stringify(web?.message)).toContain('127.0.0.2');
    expect(got.get(TYPE.secret)).toMatchObject({ resources: [], removed: SECRETS });
  });

  it('serves the same over the unix socket to a state-of-the-world client', async () => {
    const c = await connectAds({ unixPath: ports.unix ?? '', nodeId: 'e2e-sotw', variant: 'sotw' });
    clients.push(c);
    c.request(TYPE.cluster);
    const clusters = await c.nextSotw(TYPE.cluster, { timeoutMs: 5000 });
    expect(names(clusters)).toEqual(CLUSTERS);
    c.ack(clusters);
    c.request(TYPE.listener);
    expect(names(await c.nextSotw(TYPE.listener, { timeoutMs: 5000 }))).toEqual(LISTENERS);
    c.request(TYPE.secret, SECRETS);
    const secrets = await c.nextSotw(TYPE.secret, { timeoutMs: 5000 });
    expect(names(secrets)).toEqual(SECRETS);
    expect(JSON.stringify(secrets.resources[0]?.message)).toContain('BEGIN CERTIFICATE');
  });

  it('pushes an edit of the file to a connected client', async () => {
    const c = clients[0] as XdsTestClient;
    cluster.write(cluster.read().replace('port: 6379', 'port: 6380'));
    const r = await c.nextDelta(TYPE.endpoint, { timeoutMs: 5000 });
    c.ack(r);
    expect(names(r)).toEqual(['demo/svc/cache.expose#0']);
    expect(JSON.stringify(r.resources[0]?.message)).toContain('6380');
    const services = await getJson(`http://127.0.0.1:${ports.admin ?? 0}/services`);
    expect(services.status).toBe(200);
  });

  it('keeps serving the last good state when the file is broken, not ready with the line', async () => {
    const c = clients[0] as XdsTestClient;
    cluster.write(cluster.read().replace('port: 6380', 'port: 6381\n   bad indent: ['));
    await c.expectQuiet(300);
    const ready = await getJson(`http://127.0.0.1:${ports.admin ?? 0}/readyz`);
    expect(ready.status).toBe(503);
    expect((ready.body as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^source file held: cluster file refused at line \d+: /)]);
    const dump = (await getJson(`http://127.0.0.1:${ports.admin ?? 0}/config_dump?type=ClusterLoadAssignment`)).body;
    expect(JSON.stringify(dump)).toContain('"port_value":6380');
    expect(janitor.stdout()).toMatch(/"msg":"cluster file refused at line \d+: /);
  });

  it('exits 0 on SIGTERM within 5 s, ending the open streams', async () => {
    const c = clients[0] as XdsTestClient;
    const started = Date.now();
    janitor.child.kill('SIGTERM');
    const exit = await janitor.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    const ended = await c.ended;
    expect(ended.code).toBe(0);
    await until(() => janitor.stdout().includes('"msg":"stopped"'), 1000, 'the stopped log line');
  });
});
