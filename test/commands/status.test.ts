// `xds status`, the real CLI, against a running janitor (file source) with real xDS clients: one
// that ACKs everything (SYNCED), one that NACKs its listeners (NACKED with the error), one that
// never answers (STALE); then the janitor gone (exit 1) and a bad address (exit 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/commands/status-format.js';
import { TYPE } from '../../src/xds/types.js';
import { closedPort, getJson, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { runCli } from './support.js';

describe('xds status', () => {
  let cluster: TempCluster;
  let j: RunningJanitor;
  const clients: XdsTestClient[] = [];
  const sync = async (node: string, type: string): Promise<string | undefined> => {
    const list = (await getJson(`${j.admin}/clients`)).body as { nodeId: string; types: Record<string, { sync: string }> }[];
    return list.find((c) => c.nodeId === node)?.types[type]?.sync;
  };

  beforeAll(async () => {
    cluster = tempCluster();
    j = await startTestJanitor({ source: `file:${cluster.file}` });
    await j.janitor.ready;
    const ok = await connectAds({ address: j.xds, nodeId: 'envoy-ok', nodeCluster: 'gw', variant: 'sotw' });
    clients.push(ok);
    ok.request(TYPE.cluster);
    const cds = await ok.nextSotw(TYPE.cluster);
    ok.ack(cds);
    ok.request(TYPE.endpoint, cds.resources.map((r) => r.name));
    ok.ack(await ok.nextSotw(TYPE.endpoint));
    ok.request(TYPE.listener);
    ok.ack(await ok.nextSotw(TYPE.listener));
    const nacker = await connectAds({ address: j.xds, nodeId: 'envoy-nack', nodeCluster: 'gw', variant: 'delta' });
    clients.push(nacker);
    nacker.subscribe(TYPE.cluster, []);
    nacker.ack(await nacker.nextDelta(TYPE.cluster));
    nacker.subscribe(TYPE.listener, []);
    nacker.nack(await nacker.nextDelta(TYPE.listener), 'listener 0.0.0.0:10080/tcp: refused for the test');
    const silent = await connectAds({ address: j.xds, nodeId: 'envoy-silent', nodeCluster: 'gw', variant: 'sotw' });
    clients.push(silent);
    silent.request(TYPE.cluster);
    await silent.nextSotw(TYPE.cluster);
    await until(async () => (await sync('envoy-ok', TYPE.listener)) === 'SYNCED' && (await sync('envoy-nack', TYPE.listener)) === 'NACKED', 5000, 'the ACKs and the NACK');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await j.close();
    cluster.cleanup();
  });

  it('--output json: each stream, per type SYNCED / STALE / NACKED with the error, and the last ACK', async () => {
    const r = await runCli(['status', '--admin', j.admin.replace('http://', ''), '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as StatusReport;
    expect(report.streams.map((s) => s.node)).toEqual(['envoy-nack', 'envoy-ok', 'envoy-silent']);
    const [nack, ok, silent] = report.streams;
    expect(ok).toMatchObject({ cluster: 'gw', service: 'ads', variant: 'sotw', transport: 'tcp', types: { CDS: { sync: 'SYNCED', nack: null }, EDS: { sync: 'SYNCED' }, LDS: { sync: 'SYNCED' } } });
    expect(ok?.secondsSinceLastAck).toBeLessThan(30);
    expect(Date.parse(ok?.lastAckAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(nack).toMatchObject({ variant: 'delta', types: { CDS: { sync: 'SYNCED' }, LDS: { sync: 'NACKED', nack: { error: 'listener 0.0.0.0:10080/tcp: refused for the test' } } } });
    expect(silent).toMatchObject({ types: { CDS: { sync: 'STALE' } }, lastAckAt: null, secondsSinceLastAck: null });
  });

  it('the table: one row per stream, a column per type, the NACK errors below (XDS_ADMIN as a URL)', async () => {
    const r = await runCli(['status'], { XDS_ADMIN: j.admin });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NODE\s+CLUSTER\s+STREAM\s+CDS\s+EDS\s+SDS\s+LDS\s+RDS\s+LAST ACK\s+CONNECTED$/);
    expect(r.stdout).toMatch(/^envoy-ok\s+gw\s+ads\/sotw\/tcp\s+SYNCED\s+SYNCED\s+-\s+SYNCED\s+-\s+\d+s ago\s+\d+s$/m);
    expect(r.stdout).toMatch(/^envoy-nack\s+gw\s+ads\/delta\/tcp\s+SYNCED\s+-\s+-\s+NACKED\s+-\s+\d+s ago/m);
    expect(r.stdout).toMatch(/^envoy-silent\s+gw\s+ads\/sotw\/tcp\s+STALE\s+-\s+-\s+-\s+-\s+never/m);
    expect(r.stdout).toMatch(/^NACKed:\n {2}envoy-nack LDS \(stream \d+\) rejected version \S+: listener 0\.0\.0\.0:10080\/tcp: refused for the test$/m);
  });

  it('a janitor that is not there: exit 1 naming the address; a bad address: exit 2', async () => {
    const port = await closedPort();
    const gone = await runCli(['status', '--admin', `127.0.0.1:${port}`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`cannot read the janitor's clients from http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    const bad = await runCli(['status', '--admin', 'nowhere']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('xds: --admin: "nowhere" is not ADDR:PORT (e.g. 127.0.0.1:9902, [::1]:9902)\n');
  });
});
