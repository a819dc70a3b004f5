// The real CLI (`node src/cli.ts`, a child process) follows the stand-in daemon while the whole
// recording arrives in one burst, as fast as the socket takes it: changes fold into fewer batches,
// and the janitor's listener_port write-back races the recorded hand-set listener_port 1026 (patch
// 65). Whichever write the daemon applies last wins there (OpenSVC has no compare-and-set), so the
// test does not fix the port: it checks that the janitor converges on what the daemon ends with,
// wrote back at most once, and serves exactly what a janitor started on that final status serves.
// The two-burst case found a scheduler bug (fixed in 39183f4): patch 45 arriving while the batch of
// patch 43 awaited its allocation step was rebuilt without a port (PortUnavailable, not served).
import { afterEach, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { closedPort, getJson, spawnCli, until, type Spawned } from '../e2e/support.js';
import { createReplay, recordedStatus } from './daemon.js';
import { connectEnvoyView, type EnvoyView } from './envoy-view.js';
import { chainOf, endpointsOf, everything, versionsOf } from './observe.js';
import { ROTATED, SDS, SECRET, SECRETS, WEB1, cert, startDaemonSide, startStack, type DaemonSide } from './stack.js';

type Status = { monitor: { nodes: Record<string, { services: { status: Record<string, { resources: Record<string, { info?: { listener_port?: number } }> }> } }> } };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function daemonPort(status: unknown): number | undefined {
  return (status as Status).monitor.nodes['vm']?.services.status[WEB1]?.resources['expose#2']?.info?.listener_port;
}

async function spawnJanitor(sock: string): Promise<{ cli: Spawned; xds: string; admin: string }> {
  const args = ['--sock', sock, '--name', 'gw1', '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '--envoy-port', String(await closedPort()), '--port-range', '1025-65535', '--log-level', 'info',
    // the Envoy-like client reads the secret over TCP without mutual TLS: the operator's opt-in
    '--insecure-sds-over-tcp'];
  const cli = spawnCli(args);
  cleanups.push(async () => {
    cli.child.kill('SIGTERM');
    await cli.exit;
  });
  const ports = await cli.ports();
  return { cli, xds: `127.0.0.1:${ports.xds}`, admin: `127.0.0.1:${ports.admin ?? 0}` };
}

const CASES = [
  { name: 'in one burst', pauseAfterAllocation: false },
  { name: 'in two bursts, the second as soon as the janitor allocated a port (its write-back then races patch 65)', pauseAfterAllocation: true },
];

it.each(CASES)('the whole recording $name, to the spawned CLI: converges on the daemon\'s final status', async ({ pauseAfterAllocation }) => {
  const s: DaemonSide = await startDaemonSide(recordedStatus('initial'), SECRETS);
  cleanups.push(() => s.close());
  const { cli, xds, admin } = await spawnJanitor(s.shim.socketPath);
  const view: EnvoyView = await connectEnvoyView(xds, 'envoy-cli', 'delta');
  cleanups.push(() => view.close());
  await until(() => view.names(TYPE.secret).length === 1 && view.names(TYPE.endpoint).length === 2, 10_000, 'the initial state');

  s.shim.change(SECRET, 'certificate_chain', ROTATED);
  const replay = createReplay(s.daemon);
  const out = (): string => cli.stdout();
  if (pauseAfterAllocation) {
    replay.through(45);
    await until(() => out().includes('"msg":"listener port allocated"'), 5000, 'the allocation').catch((error: unknown) => {
      throw new Error(`${String(error)}: a listener_port 0 arriving during a batch must get its port; the janitor said:\n${out().slice(-1500)}`);
    });
  }
  replay.through(Number.MAX_SAFE_INTEGER);

  const settled = (): boolean => {
    if (out().includes('"msg":"listener port allocated"') && !out().includes('"msg":"listener port written back to the cluster"')) return false;
    const port = daemonPort(s.daemon.status());
    return (
      view.names(TYPE.listener).includes(`0.0.0.0:${String(port)}/tcp`) &&
      view.names(TYPE.listener).length === 3 &&
      Object.values(endpointsOf(view)).flat().every((e) => e.startsWith('127.0.0.12:')) &&
      view.names(TYPE.endpoint).length === 3 &&
      chainOf(view, SDS) === ROTATED
    );
  };
  await until(settled, 10_000, 'convergence').catch((error: unknown) => {
    throw new Error(`${String(error)}; the janitor said:\n${out().slice(-1500)}`);
  });
  expect(s.daemon.actions.length).toBeLessThanOrEqual(1);
  for (const a of s.daemon.actions) expect(a).toEqual({ path: WEB1, action: 'set', options: { kw: ['expose#2.listener_port=1025'] }, sync: true });
  expect(out()).not.toContain('gap in patch ids');
  expect(out()).not.toContain('PRIVATE KEY');
  expect((await getJson(`http://${admin}/readyz`)).status).toBe(200);

  // a janitor started on what the daemon ends with serves the same resources, at the same versions
  const reference = await startStack(s.daemon.status(), { [SECRET]: { certificate_chain: ROTATED, private_key: cert('server.key') } });
  cleanups.push(() => reference.cleanup());
  const fresh = reference.views[0] as EnvoyView;
  await until(() => fresh.names(TYPE.secret).length === 1 && fresh.names(TYPE.endpoint).length === 3 && fresh.names(TYPE.route).length === 1, 5000, 'the reference state');
  expect(everything(view)).toEqual(everything(fresh));
  for (const t of [TYPE.listener, TYPE.route, TYPE.cluster, TYPE.endpoint, TYPE.secret]) expect(versionsOf(view, t)).toEqual(versionsOf(fresh, t));
  console.log(`burst: write-backs ${s.daemon.actions.length}, expose#2 listener_port ${String(daemonPort(s.daemon.status()))}, responses to the client ${view.seen.length}`);
}, 30_000);
