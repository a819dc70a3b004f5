// The janitor on the OpenSVC source, against the stand-in daemon: nothing served before the first
// snapshot, the source lost (last state kept, not ready) and back (resync), secret rotation, and
// listener port allocation written back to the daemon.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenSvcSource } from '../../src/source/opensvc/index.js';
import { TYPE } from '../../src/xds/types.js';
import { startFakeDaemon, type FakeDaemon } from '../support/fake-daemon/index.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { ROOT, getJson, getText, startTestJanitor, until, type RunningJanitor } from '../e2e/support.js';
import { tempSocket } from '../source/opensvc/helpers.js';

const FINAL = new URL('../fixtures/opensvc-v2.1/daemon_status.final.json', import.meta.url).pathname;
const SECRET = 'test/sec/web1-front-cert';
const CLUSTERS = ['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2'];
const pem = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Status = { monitor: { nodes: { vm: { services: { status: Record<string, { resources: Record<string, { info: Record<string, unknown> }> }> } } } } };

function status(edit?: (s: Status) => void): Status {
  const s = JSON.parse(readFileSync(FINAL, 'utf8')) as Status;
  edit?.(s);
  return s;
}

function exposeInfo(s: Status, rid: string): Record<string, unknown> {
  const info = s.monitor.nodes.vm.services.status['test/svc/web1']?.resources[rid]?.info;
  if (!info) throw new Error(`no ${rid}`);
  return info;
}

describe('janitor on the OpenSVC source', () => {
  let daemon: FakeDaemon | undefined;
  let j: RunningJanitor | undefined;
  let envoyAdmin: Server | undefined;
  const clients: XdsTestClient[] = [];
  let cleanup = () => undefined as void;

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await j?.close();
    await daemon?.close();
    await new Promise<void>((resolve) => (envoyAdmin ? envoyAdmin.close(() => resolve()) : resolve()));
    envoyAdmin = undefined;
    cleanup();
    // no secret value in any log line, whatever happened
    expect(j?.log() ?? '').not.toContain('PRIVATE KEY');
  });

  async function setup(opts: { daemonUp?: boolean; initial?: Status; envoyPort?: number; range?: string } = {}) {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    const secrets = { [SECRET]: { certificate_chain: pem('examples/certs/web.crt'), private_key: pem('examples/certs/web.key') } };
    const startDaemon = () => startFakeDaemon({ socketPath: sock.path, status: opts.initial ?? status(), secrets });
    if (opts.daemonUp !== false) daemon = await startDaemon();
    const source = createOpenSvcSource({ socketPath: sock.path, logger: pino({ level: 'silent' }), backoff: { minMs: 20, maxMs: 100 } });
    // the test client reads secrets over TCP without mutual TLS: the operator's explicit opt-in
    j = await startTestJanitor({ name: 'gw', insecureSdsOverTcp: true, ...(opts.envoyPort ? { envoyPort: String(opts.envoyPort) } : {}), ...(opts.range ? { portRange: opts.range } : {}) }, { source });
    return { j, startDaemon };
  }

  async function client(janitor: RunningJanitor): Promise<XdsTestClient> {
    const c = await connectAds({ address: janitor.xds, nodeId: `n${clients.length}`, variant: 'delta' });
    clients.push(c);
    return c;
  }

  it('serves nothing before the first snapshot, then everything', async () => {
    const { j, startDaemon } = await setup({ daemonUp: false });
    const ready = await getJson(`${j.admin}/readyz`);
    expect(ready.status).toBe(503);
    expect((ready.body as { reasons: string[] }).reasons).toEqual(['first snapshot not served yet', 'source opensvc not connected yet']);
    const c = await client(j);
    c.subscribe(TYPE.cluster, []);
    await c.expectQuiet(300, TYPE.cluster);
    daemon = await startDaemon();
    const r = await c.nextDelta(TYPE.cluster, { timeoutMs: 5000 });
    expect(r.resources.map((x) => x.name).sort()).toEqual(CLUSTERS);
    await until(async () => (await getJson(`${j.admin}/readyz`)).status === 200, 3000, 'ready');
  });

  it('keeps serving the last state while the daemon is away, not ready; resyncs when it returns', async () => {
    const { j } = await setup();
    await j.janitor.ready;
    const d = daemon as FakeDaemon;
    await d.stop();
    await until(async () => (await getJson(`${j.admin}/readyz`)).status === 503, 3000, 'not ready');
    expect(((await getJson(`${j.admin}/readyz`)).body as { reasons: string[] }).reasons[0]).toMatch(/^source opensvc stale: /);
    const lost = (await getText(`${j.admin}/metrics`)).body;
    expect(lost).toMatch(/^xds_source_state\{source="opensvc",state="stale"\} 1$/m);
    expect(lost).toMatch(/^xds_source_state\{source="opensvc",state="live"\} 0$/m);
    expect(j.log()).toContain('"msg":"source lost: serving the last state"');
    // an Envoy (re)connecting meanwhile still gets the last state, not an empty one
    const c = await client(j);
    c.subscribe(TYPE.cluster, []);
    const during = await c.nextDelta(TYPE.cluster, { timeoutMs: 3000 });
    expect(during.resources.map((x) => x.name).sort()).toEqual(CLUSTERS);
    c.ack(during);
    c.subscribe(TYPE.endpoint, CLUSTERS);
    c.ack(await c.nextDelta(TYPE.endpoint));
    // the daemon comes back (restarted, ids from 1) with a change made while it was away
    await d.restart(status((s) => (exposeInfo(s, 'expose#0')['port'] = 81)));
    await until(async () => (await getJson(`${j.admin}/readyz`)).status === 200, 5000, 'ready again');
    expect(j.log()).toContain('"msg":"source resynced"');
    const after = await c.nextDelta(TYPE.endpoint, { timeoutMs: 3000 });
    expect(after.resources.map((x) => x.name)).toEqual(['test/svc/web1.expose#0']);
    expect(JSON.stringify(after.resources[0]?.message)).toContain('"port_value":81');
    const back = (await getText(`${j.admin}/metrics`)).body;
    expect(back).toMatch(/^xds_source_state\{source="opensvc",state="live"\} 1$/m);
    expect(back).toMatch(/^xds_source_state\{source="opensvc",state="stale"\} 0$/m);
    expect(back).toMatch(/^xds_source_resyncs_total\{source="opensvc"\} 1$/m);
  });

  it('fetches a rotated secret again and pushes it', async () => {
    const { j } = await setup();
    await j.janitor.ready;
    const c = await client(j);
    c.subscribe(TYPE.secret, [`tls_certificate/${SECRET}`]);
    const first = await c.nextDelta(TYPE.secret, { timeoutMs: 3000 });
    c.ack(first);
    const rotated = pem('test/janitor/certs/rotated.crt');
    const d = daemon as FakeDaemon;
    d.setSecret(SECRET, 'private_key', pem('test/janitor/certs/rotated.key'));
    d.setSecret(SECRET, 'certificate_chain', rotated);
    await until(() => c.received.some((r) => r.typeUrl === TYPE.secret && JSON.stringify(r.resources).includes(rotated.split('\n')[1] ?? '?')), 5000, 'the rotated certificate');
  });

  it('allocates listener_port 0 around Envoy’s own listeners, writes it back once, and serves it', async () => {
    envoyAdmin = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ listener_statuses: [{ name: 'admin-stats', local_address: { socket_address: { address: '0.0.0.0', port_value: 2000 } } }] }));
    });
    await new Promise<void>((resolve) => envoyAdmin?.listen(0, '127.0.0.1', () => resolve()));
    const envoyPort = (envoyAdmin.address() as AddressInfo).port;
    const { j } = await setup({ initial: status((s) => (exposeInfo(s, 'expose#2')['listener_port'] = 0)), envoyPort, range: '2000-3000' });
    await j.janitor.ready;
    const d = daemon as FakeDaemon;
    await until(() => d.actions.length > 0, 3000, 'the write-back');
    expect(d.actions).toEqual([{ path: 'test/svc/web1', action: 'set', options: { kw: ['expose#2.listener_port=2001'] }, sync: true }]);
    const c = await client(j);
    c.subscribe(TYPE.listener, []);
    await until(async () => {
      const r = c.received.filter((x) => x.typeUrl === TYPE.listener).flatMap((x) => x.resources.map((y) => y.name));
      if (r.length === 0) c.ack(await c.nextDelta(TYPE.listener));
      return c.received.some((x) => x.typeUrl === TYPE.listener && x.resources.some((y) => y.name === '0.0.0.0:2001/tcp'));
    }, 3000, 'the allocated listener');
    await new Promise((r) => setTimeout(r, 200));
    expect(d.actions).toHaveLength(1);
    expect(j.log()).toMatch(/"service":"test\/svc\/web1","rid":"expose#2","port":2001,"msg":"listener port allocated"/);
  });
});
