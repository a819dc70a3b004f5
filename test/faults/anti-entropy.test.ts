// Anti-entropy: the followed state made to diverge from the daemon's own (patches whose effect the
// stand-in does not share), then compared with a fresh daemon_status: on demand, on SIGHUP to the
// real CLI, and periodically. Each difference is logged and counted; the repair reaches the clients.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { closedPort, getText, spawnCli, until } from '../e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';
import { SECRETS } from '../replay/stack.js';
import { startFakeDaemon, type FakeDaemon } from '../support/fake-daemon/index.js';
import { finalStatus, startOpenSvcStack, type OpenSvcStack } from './support.js';

const WEB1 = 'test/svc/web1';
const GHOST = 'test/svc/ghost';
const STATUS = ['monitor', 'nodes', 'vm', 'services', 'status'];

/** A service the daemon does not have: an ip and a TCP expose on its own port. */
const ghost = {
  kind: 'svc',
  avail: 'up',
  resources: {
    'ip#0': { type: 'ip', status: 'up', info: { ipaddr: '10.9.9.9', expose: ['expose#0'] } },
    'expose#0': { type: 'expose.envoy', status: 'n/a', info: { port: 9999, protocol: 'tcp', listener_port: 19999 } },
  },
};

const port0 = (v: EnvoyView): string => JSON.stringify(v.message(TYPE.endpoint, `${WEB1}.expose#0`)).match(/"port_value":(\d+)/)?.[1] ?? '';

/** Two patches the stand-in sends without applying them to its own status: the follower diverges. */
function diverge(daemon: FakeDaemon): void {
  daemon.emitPatch([[[...STATUS, GHOST], ghost]], false);
  daemon.emitPatch([[[...STATUS, WEB1, 'resources', 'expose#0', 'info', 'port'], 99]], false);
}

async function diverged(views: readonly EnvoyView[]): Promise<void> {
  await until(() => views.every((v) => v.names(TYPE.cluster).includes(`${GHOST}.expose#0`) && port0(v) === '99'), 5000, 'the diverged state at the clients');
}

async function repaired(views: readonly EnvoyView[]): Promise<void> {
  await until(() => views.every((v) => !v.names(TYPE.cluster).includes(`${GHOST}.expose#0`) && port0(v) === '80'), 5000, 'the repair at the clients');
}

describe('anti-entropy', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('on demand: every difference logged and counted, the repair announced and pushed', async () => {
    const s: OpenSvcStack = await startOpenSvcStack(finalStatus());
    cleanups.push(() => s.close());
    await s.settled();
    diverge(s.daemon);
    await diverged(s.views);
    expect(await s.janitor.janitor.verify()).toEqual({ checked: true, differences: 2 });
    await repaired(s.views);
    expect(await s.janitor.janitor.verify()).toEqual({ checked: true, differences: 0 }); // converged
    const metrics = await s.metrics();
    expect(metrics).toMatch(/^xds_source_repairs_total\{source="opensvc"\} 2$/m);
    expect(metrics).toMatch(/^xds_source_resyncs_total\{source="opensvc"\} 0$/m); // repaired in place, no resync
    expect(s.views.map((v) => v.names(TYPE.listener).includes('0.0.0.0:19999/tcp'))).toEqual([false, false]);
  }, 30_000);

  it('the empty shell a deleted service can leave behind is not a service', async () => {
    const s: OpenSvcStack = await startOpenSvcStack(finalStatus());
    cleanups.push(() => s.close());
    await s.settled();
    s.daemon.emitPatch([[[...STATUS, GHOST], ghost]]);
    await until(() => s.views.every((v) => v.names(TYPE.cluster).includes(`${GHOST}.expose#0`)), 5000, 'the new service');
    // deleted, then a late monitor stanza of the deleted instance (as 2.1 can send): a bare shell
    s.daemon.emitPatch([[[...STATUS, GHOST]]]);
    s.daemon.emitPatch([[[...STATUS, GHOST], { monitor: { status: 'idle' } }]]);
    await until(() => s.views.every((v) => !v.names(TYPE.cluster).includes(`${GHOST}.expose#0`)), 5000, 'the withdrawal');
    // gone, not listed as a service without resources (what a restart used to be needed for)
    const services = JSON.parse((await getText(`${s.janitor.admin}/services`)).body) as { path: string }[];
    expect(services.map((x) => x.path)).toContain(WEB1);
    expect(services.map((x) => x.path)).not.toContain(GHOST);
  }, 30_000);

  async function spawned(daemon: FakeDaemon, extra: string[]) {
    const cli = spawnCli(['--sock', daemon.socketPath, '--name', 'gw', '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '--envoy-port', String(await closedPort()), '--insecure-sds-over-tcp', ...extra]);
    cleanups.push(async () => {
      cli.child.kill('SIGTERM');
      await cli.exit;
    });
    const ports = await cli.ports();
    const view = await connectEnvoyView(`127.0.0.1:${ports.xds}`, 'envoy-cli', 'delta');
    cleanups.push(() => view.close());
    await until(() => view.names(TYPE.secret).length === 1 && view.names(TYPE.endpoint).length === 3, 10_000, 'the initial state');
    return { cli, view };
  }

  async function standIn(): Promise<FakeDaemon> {
    const dir = mkdtempSync(path.join(tmpdir(), 'xds-ae-'));
    const daemon = await startFakeDaemon({ socketPath: path.join(dir, 'lsnr.sock'), status: finalStatus(), secrets: SECRETS });
    cleanups.push(async () => {
      await daemon.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return daemon;
  }

  it('SIGHUP to the real CLI compares and repairs (the periodic check off)', async () => {
    const daemon = await standIn();
    const { cli, view } = await spawned(daemon, ['--anti-entropy-interval', '0']);
    diverge(daemon);
    await diverged([view]);
    const before = daemon.count('daemon_status');
    cli.child.kill('SIGHUP');
    await repaired([view]);
    expect(daemon.count('daemon_status')).toBe(before + 1);
    expect(cli.stdout()).toMatch(/"service":"test\/svc\/ghost","difference":"kept here, gone from the daemon","msg":"anti-entropy: the followed state differs from the daemon"/);
    expect(cli.stdout()).toMatch(/"service":"test\/svc\/web1","difference":"vm: expose#0 differ","msg":"anti-entropy: the followed state differs from the daemon"/);
    expect(cli.child.exitCode).toBeNull(); // SIGHUP does not stop it
  }, 30_000);

  it('--anti-entropy-interval: the CLI repairs by itself', async () => {
    const daemon = await standIn();
    const { view } = await spawned(daemon, ['--anti-entropy-interval', '1']);
    diverge(daemon);
    await diverged([view]);
    await repaired([view]);
  }, 30_000);
});
