// Not a test: how long a janitor (spawned, as in production: info logs) takes to serve N xDS
// streams opened at once by another process, how long its /healthz takes to answer meanwhile,
// and the same for a bulk disconnect. Run:
//   npx tsx bench/xds-streams.ts [streams=2000] [streams per connection=100]
import { spawnCli, tempCluster } from '../test/e2e/support.js';
import { openStreams } from '../test/faults/support/streams.js';

const streams = Number(process.argv[2] ?? 2000);
const perConnection = Number(process.argv[3] ?? 100);
const cluster = tempCluster();
const janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '-P', '1']);
const ports = await janitor.ports();
const admin = `http://127.0.0.1:${ports.admin ?? 0}`;

/** Poll /healthz every 20 ms until stop(); resolves with the slowest answer (ms). */
function watchHealth(): { stop(): Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${admin}/healthz`).then((r) => r.text());
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { stop: async () => ((running = false), await loop, worst) };
}
const openCount = async (): Promise<number> =>
  Number(/^xds_connected_streams (\d+)$/m.exec(await fetch(`${admin}/metrics`).then((r) => r.text()))?.[1] ?? -1);

let health = watchHealth();
const t0 = performance.now();
const child = openStreams(`127.0.0.1:${ports.xds}`, streams, perConnection);
await child.ready;
const accept = performance.now() - t0;
const acceptHealth = await health.stop();
health = watchHealth();
const t1 = performance.now();
child.close();
while ((await openCount()) !== 0) await new Promise((r) => setTimeout(r, 20));
const disconnect = performance.now() - t1;
const disconnectHealth = await health.stop();
console.log(`${streams} streams (${perConnection} per connection): all served in ${accept.toFixed(0)} ms, slowest /healthz meanwhile ${acceptHealth.toFixed(0)} ms`);
console.log(`bulk disconnect: no stream left after ${disconnect.toFixed(0)} ms, slowest /healthz meanwhile ${disconnectHealth.toFixed(0)} ms`);
child.kill();
janitor.child.kill('SIGTERM');
await janitor.exit;
cluster.cleanup();
