// /metrics of a running janitor, read with a Prometheus text-format parser: the standard process
// and Node.js metrics under their own names, xds_build_info, no doubled prefix, well-formed
// families, per-client sync state that a hostile node id cannot break, certificate expiry that
// follows the served secret.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import parsePrometheus, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_LABEL_MAX } from '../../src/admin/client-sync.js';
import { TYPE } from '../../src/xds/types.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { ROOT, getText, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { registeredFamilies } from '../monitoring/exported.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Quotes, a backslash, a newline, braces and a length past the label cap: chosen by a hostile client. */
const HOSTILE_NODE = `evil"} 1\nxds_fake 1 {\\${'x'.repeat(300)}`;

const expirySeconds = (pem: string): number => Date.parse(new X509Certificate(pem).validTo) / 1000;

async function scrape(j: RunningJanitor): Promise<{ text: string; families: MetricFamily[] }> {
  const { status, body } = await getText(`${j.admin}/metrics`);
  expect(status).toBe(200);
  return { text: body, families: parsePrometheus(body) };
}

function family(families: readonly MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name} in /metrics`);
  return found;
}

describe('/metrics', () => {
  let cluster: TempCluster;
  let j: RunningJanitor;
  let client: XdsTestClient;

  beforeAll(async () => {
    cluster = tempCluster();
    j = await startTestJanitor({ source: `file:${cluster.file}` });
    await j.janitor.ready;
    client = await connectAds({ address: j.xds, nodeId: HOSTILE_NODE, variant: 'sotw' });
    client.request(TYPE.cluster);
    client.ack(await client.nextSotw(TYPE.cluster, { timeoutMs: 5000 }));
  });

  afterAll(async () => {
    client.close();
    await j.close();
    cluster.cleanup();
  });

  it('has the process and Node.js metrics under their standard names, and no doubled prefix', async () => {
    const { families } = await scrape(j);
    const names = families.map((f) => f.name);
    for (const standard of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_version_info']) {
      expect(names).toContain(standard);
    }
    expect(family(families, 'process_resident_memory_bytes').metrics[0]?.value).toMatch(/^[1-9]\d*$/);
    expect(names.filter((n) => /^([a-z]+_)\1/.test(n) || n.startsWith('xds_process_') || n.startsWith('xds_nodejs_'))).toEqual([]);
  });

  it('has xds_build_info 1 with the package version, the Node.js version and the protos', async () => {
    const info = family((await scrape(j)).families, 'xds_build_info');
    expect(info.type).toBe('GAUGE');
    expect(info.metrics).toEqual([{ value: '1', labels: { version: PACKAGE_VERSION, nodejs: process.versions.node, protos: expect.stringMatching(/^@grpc\/grpc-js-xds@\d+\.\d+\.\d+$/) as unknown } }]);
  });

  it('is well formed: every family registered has HELP and TYPE, names and values are valid, counters end in _total', async () => {
    const { text, families } = await scrape(j);
    const helped = [...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]).sort();
    expect(helped).toEqual(registeredFamilies());
    expect(families.map((f) => f.name).sort()).toEqual(registeredFamilies());
    for (const f of families) {
      expect(f.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(f.help, f.name).not.toBe('');
      expect(f.type, f.name).not.toBe('UNTYPED');
      if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
      if (f.name.startsWith('xds_') && f.type !== 'COUNTER') expect(f.name).not.toMatch(/_total$/);
      for (const sample of f.metrics) {
        const values = [sample.value, sample.count, sample.sum, ...Object.values(sample.buckets ?? {})].filter((v) => v !== undefined);
        // as Prometheus reads them (Go's ParseFloat: NaN and Inf in any case)
        for (const v of values) expect(v, f.name).toMatch(/^(-?\d+(\.\d+)?(e[+-]?\d+)?|[+-]?inf|nan)$/i);
        expect(sample.timestamp_ms, f.name).toBeUndefined();
      }
    }
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  it.skipIf(promtool.error !== undefined)('passes the Prometheus linter (promtool check metrics) but for the Node.js standard names', async () => {
    const { text } = await scrape(j);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    const complaints = (lint.stdout + lint.stderr).split('\n').filter((l) => l.trim() !== '');
    // prom-client's nodejs_active_*_total gauges keep their standard names, as dashboards know them
    expect(complaints.filter((l) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(l))).toEqual([]);
  });

  it('shows a hostile node id as one escaped, length-capped label value, without breaking the format', async () => {
    const { families } = await scrape(j);
    expect(families.map((f) => f.name)).not.toContain('xds_fake');
    const sync = family(families, 'xds_client_sync').metrics;
    const node = `${HOSTILE_NODE.slice(0, NODE_LABEL_MAX - 1)}…`;
    expect(sync.filter((s) => s.value === '1').map((s) => s.labels)).toEqual([{ node, type: 'Cluster', state: 'synced' }]);
    expect(family(families, 'xds_connected_nodes').metrics[0]?.value).toBe('1');
  });

  it('drops a client from the sync state when it disconnects', async () => {
    const other = await connectAds({ address: j.xds, nodeId: 'short-lived', variant: 'delta' });
    other.subscribe(TYPE.cluster, []);
    await other.nextDelta(TYPE.cluster, { timeoutMs: 5000 }); // not ACKed: pending
    const during = (await scrape(j)).text;
    expect(during).toMatch(/^xds_client_sync\{node="short-lived",type="Cluster",state="pending"\} 1$/m);
    expect(during).toMatch(/^xds_connected_nodes 2$/m);
    other.close();
    await until(async () => !(await scrape(j)).text.includes('short-lived'), 5000, 'the closed client to leave the metrics');
    expect((await scrape(j)).text).toMatch(/^xds_connected_nodes 1$/m);
  });

  it('has the served certificate expiry, follows a rotation, and drops a secret no longer served', async () => {
    const series = async () => family((await scrape(j)).families, 'xds_certificate_expiry_timestamp_seconds').metrics;
    const demo = readFileSync(path.join(cluster.dir, 'certs/web.crt'), 'utf8');
    expect(await series()).toEqual([{ value: String(expirySeconds(demo)), labels: { secret: 'tls_certificate/demo/sec/web-cert' } }]);
    // rotation: another certificate and key in the files the secret names
    const rotated = readFileSync(path.join(ROOT, 'test/janitor/certs/rotated.crt'), 'utf8');
    expect(expirySeconds(rotated)).not.toBe(expirySeconds(demo));
    writeFileSync(path.join(cluster.dir, 'certs/web.key'), readFileSync(path.join(ROOT, 'test/janitor/certs/rotated.key')));
    writeFileSync(path.join(cluster.dir, 'certs/web.crt'), rotated);
    await until(async () => (await series())[0]?.value === String(expirySeconds(rotated)), 10_000, 'the rotated expiry');
    // the only certificate taken off its listener: the secret is no longer served, its series goes
    cluster.write(cluster.read().replace('      listener_certificates: [certificate#0]\n', ''));
    await until(async () => (await series()).length === 0, 10_000, 'the expiry series to go');
  });
});
