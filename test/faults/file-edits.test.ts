// The cluster file as a careless tool or a hostile local user would edit it: written in place in
// pieces, cut short, an alias bomb, a bad keyword, emptied. Real files, a real janitor (in process,
// and the real CLI for the alias bomb), two Envoy-like clients; the clients never see a half state.
import { appendFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSource } from '../../src/source/file/index.js';
import { TYPE } from '../../src/xds/types.js';
import { getJson, getText, spawnCli, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';
import { delay } from '../source/opensvc/helpers.js';
import { removalsSince } from './support.js';

const SERVICES = ['a', 'b', 'c', 'd'];

function clusterText(port = 80): string {
  return `services:\n${SERVICES.map((s, i) => `  ns/svc/${s}:\n    endpoints: [10.0.0.${i + 1}]\n    expose#0: { port: ${port}, listener_port: ${7000 + i} }\n`).join('')}`;
}

const CLUSTERS = SERVICES.map((s) => `ns/svc/${s}.expose#0`);

const bomb = (): string => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  return `services:\n  ns/svc/a:\n    endpoints: [10.0.0.1]\n    expose#0:\n      port: 80\n      cluster_data:\n${lines.map((l) => `        ${l}`).join('\n')}\n`;
};

const readiness = async (admin: string) => {
  const r = await getJson(`${admin}/readyz`);
  return { status: r.status, reasons: (r.body as { reasons?: string[] }).reasons ?? [] };
};

describe('cluster file edits', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function start(text: string, confirmMs = 600): Promise<{ cluster: TempCluster; j: RunningJanitor; views: EnvoyView[] }> {
    const cluster = tempCluster(text);
    cleanups.push(() => cluster.cleanup());
    const source = createFileSource({ path: cluster.file, logger: pino({ level: 'silent' }), confirmMs });
    const j = await startTestJanitor({ name: 'gw' }, { source });
    cleanups.push(() => j.close());
    await j.janitor.ready;
    const views = [await connectEnvoyView(j.xds, 'envoy-delta', 'delta'), await connectEnvoyView(j.xds, 'envoy-sotw', 'sotw')];
    cleanups.push(() => views.forEach((v) => v.close()));
    return { cluster, j, views };
  }

  const holding = (views: readonly EnvoyView[], clusters: string[]) => views.every((v) => v.names(TYPE.cluster).join() === clusters.join() && v.names(TYPE.endpoint).length === clusters.length);
  const port = (v: EnvoyView, c: string) => JSON.stringify(v.held(TYPE.endpoint).get(c)?.message ?? {}).match(/"port_value":(\d+)/)?.[1];

  it('a file written in place in pieces, with pauses shorter and longer than the settle time: the half state never reaches a client', async () => {
    const { cluster, j, views } = await start(clusterText());
    await until(() => holding(views, CLUSTERS), 5000, 'the first state');
    const marks = views.map((v) => v.seen.length);
    const next = clusterText(81);
    // cut at a line boundary after the first service: it parses, and withdraws three of four
    const cut = next.indexOf('  ns/svc/b:');
    writeFileSync(cluster.file, next.slice(0, cut));
    await delay(350); // longer than the settle time (100 ms): read, parsed, held as doubtful
    expect((await readiness(j.admin)).reasons).toEqual([expect.stringMatching(/^source file held: the edit would withdraw 3 of the 4 services with exposes \(ns\/svc\/b, ns\/svc\/c, ns\/svc\/d\)/)]);
    appendFileSync(cluster.file, next.slice(cut, cut + 20)); // now cut in the middle of a line
    await delay(40);
    appendFileSync(cluster.file, next.slice(cut + 20));
    await until(() => views.every((v) => CLUSTERS.every((c) => port(v, c) === '81')), 5000, 'the complete edit');
    expect(removalsSince(views, marks)).toEqual([]);
    expect(views.map((v) => v.names(TYPE.cluster))).toEqual([CLUSTERS, CLUSTERS]);
    expect((await readiness(j.admin)).status).toBe(200);
  }, 30_000);

  it('a file cut mid-line stays refused (503 with its line) until it is whole, the last state served meanwhile', async () => {
    const { cluster, j, views } = await start(clusterText());
    await until(() => holding(views, CLUSTERS), 5000, 'the first state');
    const marks = views.map((v) => v.seen.length);
    const next = clusterText(82);
    const cut = next.indexOf('listener_port', next.indexOf('ns/svc/c')) + 5;
    writeFileSync(cluster.file, next.slice(0, cut));
    await until(async () => (await readiness(j.admin)).status === 503, 5000, 'the refusal');
    expect((await readiness(j.admin)).reasons).toEqual([expect.stringMatching(/^source file held: cluster file refused at line 10: .*; the last good state is kept$/)]);
    expect(await getText(`${j.admin}/metrics`).then((m) => m.body)).toMatch(/^xds_source_refused_edits_total\{source="file"\} 1$/m);
    appendFileSync(cluster.file, next.slice(cut));
    await until(() => views.every((v) => CLUSTERS.every((c) => port(v, c) === '82')), 5000, 'the complete edit');
    expect(removalsSince(views, marks)).toEqual([]);
    expect((await readiness(j.admin)).status).toBe(200);
  }, 30_000);

  it('a bad keyword, then the same bad edit again, then a good edit: refused once, then applied', async () => {
    const { cluster, j, views } = await start(clusterText());
    await until(() => holding(views, CLUSTERS), 5000, 'the first state');
    cluster.write(clusterText().replace('listener_port: 7001', 'listener_prt: 7001'));
    await until(async () => (await readiness(j.admin)).status === 503, 5000, 'the refusal');
    const [reason, ...more] = (await readiness(j.admin)).reasons;
    expect(more).toEqual([]);
    expect(reason).toMatch(/^source file held: cluster file refused at line 7: ns\/svc\/b: expose#0: unknown keyword "listener_prt" \(known: cluster_data, filter_config_data, port, protocol, listener_addr, listener_port, .*\); the last good state is kept$/);
    cluster.write(clusterText().replace('listener_port: 7001', 'listener_prt: 7001'));
    await delay(300);
    expect(await getText(`${j.admin}/metrics`).then((m) => m.body)).toMatch(/^xds_source_refused_edits_total\{source="file"\} 1$/m);
    cluster.write(clusterText(83));
    await until(() => views.every((v) => CLUSTERS.every((c) => port(v, c) === '83')), 5000, 'the good edit');
    expect((await readiness(j.admin)).status).toBe(200);
  }, 30_000);

  it('a refused edit undone (the last good content back): ready again, nothing pushed', async () => {
    const { cluster, j, views } = await start(clusterText());
    await until(() => holding(views, CLUSTERS), 5000, 'the first state');
    const marks = views.map((v) => v.seen.length);
    cluster.write('services: [\n');
    await until(async () => (await readiness(j.admin)).status === 503, 5000, 'the refusal');
    cluster.write(clusterText());
    await until(async () => (await readiness(j.admin)).status === 200, 5000, 'ready again');
    await delay(200);
    expect(views.map((v) => v.seen.length)).toEqual(marks);
  }, 30_000);

  it('services: {} is a valid empty cluster: served empty at start; as an edit, applied once confirmed', async () => {
    const empty = await start('services: {}\n');
    expect((await readiness(empty.j.admin)).status).toBe(200);
    await delay(300);
    expect(empty.views.map((v) => v.names(TYPE.cluster))).toEqual([[], []]);

    const { cluster, j, views } = await start(clusterText(), 500);
    await until(() => holding(views, CLUSTERS), 5000, 'the first state');
    cluster.write('services: {}\n');
    await until(async () => (await readiness(j.admin)).reasons.some((r) => r.includes('applied once the file stays as it is for 500 ms')), 5000, 'the hold');
    expect(views.map((v) => v.names(TYPE.cluster))).toEqual([CLUSTERS, CLUSTERS]);
    await until(() => views.every((v) => v.names(TYPE.cluster).length === 0), 5000, 'the confirmed withdrawal');
    expect((await readiness(j.admin)).status).toBe(200);
  }, 30_000);

  it('a port allocated for listener_port 0 is kept in memory, never said to be written back', async () => {
    const { j, views } = await start(clusterText().replace('listener_port: 7002', 'listener_port: 0'));
    await until(() => views.every((v) => v.names(TYPE.listener).includes('0.0.0.0:1025/tcp')), 5000, 'the allocated listener');
    expect(j.log()).toContain('"msg":"listener port allocated, kept in memory (not written to the cluster)"');
    expect(j.log()).not.toContain('written back');
  }, 30_000);

  it('an alias bomb in a live edit: the real CLI stays up, serves the last state, /readyz says why; a good edit clears it', async () => {
    const cluster = tempCluster(clusterText());
    cleanups.push(() => cluster.cleanup());
    const cli = spawnCli(['--source', `file:${cluster.file}`, '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '--envoy-port', '1']);
    cleanups.push(async () => {
      cli.child.kill('SIGKILL');
      await cli.exit;
    });
    const ports = await cli.ports();
    const admin = `http://127.0.0.1:${ports.admin ?? 0}`;
    const view = await connectEnvoyView(`127.0.0.1:${ports.xds}`, 'envoy-cli', 'delta');
    cleanups.push(() => view.close());
    await until(() => holding([view], CLUSTERS), 10_000, 'the first state');
    cluster.write(bomb());
    await until(async () => (await readiness(admin)).status === 503, 10_000, 'the refusal');
    expect((await readiness(admin)).reasons).toEqual([expect.stringMatching(/^source file held: cluster file refused at line \d+: this value cannot be read: Excessive alias count indicates a resource exhaustion attack; the last good state is kept$/)]);
    await delay(300);
    expect(cli.child.exitCode).toBeNull();
    expect(view.names(TYPE.cluster)).toEqual(CLUSTERS);
    cluster.write(clusterText(84));
    await until(() => CLUSTERS.every((c) => port(view, c) === '84'), 10_000, 'the good edit');
    expect((await readiness(admin)).status).toBe(200);
  }, 40_000);
});
