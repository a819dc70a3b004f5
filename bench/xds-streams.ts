// Not a test: how long a janitor takes to accept N xDS streams from another process, and how long
// /healthz takes to answer while they connect and while they all disconnect at once. Run:
//   npx tsx bench/xds-streams.ts [streams=2000] [streams per connection=100]
import { fork } from 'node:child_process';
import path from 'node:path';
import { startTestJanitor, tempCluster } from '../test/e2e/support.js';

const streams = Number(process.argv[2] ?? 2000);
const perConnection = Number(process.argv[3] ?? 100);
const cluster = tempCluster();
const j = await startTestJanitor({ source: `file:${cluster.file}`, logLevel: 'silent' });
await j.janitor.ready;

/** Poll /healthz every 20 ms until stop(); resolves with the slowest answer (ms). */
function watchHealth(): { stop(): Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${j.admin}/healthz`).then((r) => r.text());
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { stop: async () => ((running = false), await loop, worst) };
}

const child = fork(path.join(import.meta.dirname, '../test/faults/support/open-streams.ts'), [j.xds, String(streams), String(perConnection)], {
  execArgv: ['--import', 'tsx'],
});
const message = <T>(key: string): Promise<T> =>
  new Promise((resolve) => child.on('message', (m: Record<string, T>) => key in m && resolve(m[key] as T)));

let health = watchHealth();
const t0 = performance.now();
await message('ready');
const accept = performance.now() - t0;
const acceptHealth = await health.stop();
health = watchHealth();
const t1 = performance.now();
child.send('close');
const openStreams = async (): Promise<number> =>
  Number(/^xds_connected_streams (\d+)$/m.exec(await fetch(`${j.admin}/metrics`).then((r) => r.text()))?.[1] ?? -1);
while ((await openStreams()) !== 0) await new Promise((r) => setTimeout(r, 20));
const disconnect = performance.now() - t1;
const disconnectHealth = await health.stop();
console.log(`${streams} streams (${perConnection} per connection): all served in ${accept.toFixed(0)} ms, slowest /healthz meanwhile ${acceptHealth.toFixed(0)} ms`);
console.log(`bulk disconnect: registry empty after ${disconnect.toFixed(0)} ms, slowest /healthz meanwhile ${disconnectHealth.toFixed(0)} ms`);
child.kill();
await j.close();
cluster.cleanup();
