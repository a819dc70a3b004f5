// Not a test: how much one abusive client moves another client's latency. A spawned janitor
// (file source, default limits) serves a delta client following one ClusterLoadAssignment; each
// sample edits the cluster file and times the edit → that client decoding the change. Three runs:
// alone, beside a client sending 2,000,000-name requests in a loop (cut off each time), beside a
// client flooding small requests. Run:
//   npx tsx bench/xds-abuse.ts [samples=40]
import { fork } from 'node:child_process';
import path from 'node:path';
import { TYPE } from '../src/xds/types.js';
import { spawnCli, tempCluster } from '../test/e2e/support.js';
import { connectAds } from '../test/xds/support/client.js';

const samples = Number(process.argv[2] ?? 40);
const cluster = tempCluster();
const janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '-P', '1', '--log-level', 'error']);
const ports = await janitor.ports();
const xds = `127.0.0.1:${ports.xds}`;
const c = await connectAds({ address: xds, nodeId: 'victim', variant: 'delta', channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
c.subscribe(TYPE.endpoint, ['demo/svc/cache.expose#0']);
c.ack(await c.nextDelta(TYPE.endpoint, { timeoutMs: 10_000 }));
let port = 20000;

async function run(label: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const next = ++port;
    const t0 = performance.now();
    cluster.write(cluster.read().replace(/port: \d+\n(\s+)listener_port: 16379/, `port: ${next}\n$1listener_port: 16379`));
    for (;;) {
      const r = await c.nextDelta(TYPE.endpoint, { timeoutMs: 30_000 });
      c.ack(r);
      if (JSON.stringify(r.resources).includes(`"port_value":${next}`)) break;
    }
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 70)); // past chokidar's per-file throttle
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]?.toFixed(1);
  console.log(`${label.padEnd(34)} edit → victim: p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
}

await run('alone');
for (const mode of ['names', 'flood']) {
  const abuser = fork(path.join(import.meta.dirname, 'xds-abuse-client.ts'), [xds, mode], { execArgv: ['--import', 'tsx'] });
  await new Promise((r) => setTimeout(r, 1000));
  await run(mode === 'names' ? 'beside 2,000,000-name requests' : 'beside a request flood');
  abuser.kill();
}
c.close();
janitor.child.kill('SIGTERM');
await janitor.exit;
cluster.cleanup();
