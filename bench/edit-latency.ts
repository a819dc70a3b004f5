// Not a test (vitest runs *.test.ts only): how long a cluster-file edit takes to reach a connected
// delta ADS client, through chokidar, the file source, the rebuild and the xDS stream, and how
// long a janitor takes from start to its first served snapshot. Run:
//   npx tsx bench/edit-latency.ts [edits]
import { writeFileSync } from 'node:fs';
import { TYPE } from '../src/xds/types.js';
import { connectAds } from '../test/xds/support/client.js';
import { startTestJanitor, tempCluster } from '../test/e2e/support.js';

const edits = Number(process.argv[2] ?? 100);
const cluster = tempCluster();
const t0 = performance.now();
const j = await startTestJanitor({ source: `file:${cluster.file}`, logLevel: 'silent' });
await j.janitor.ready;
const startup = performance.now() - t0;
const c = await connectAds({ address: j.xds, nodeId: 'bench', variant: 'delta' });
c.subscribe(TYPE.cluster, []);
c.ack(await c.nextDelta(TYPE.cluster));
c.subscribe(TYPE.endpoint, ['demo/svc/cache.expose#0']);
c.ack(await c.nextDelta(TYPE.endpoint));
const base = cluster.read();
const samples: number[] = [];
for (let i = 0; i < edits; i++) {
  const port = 20000 + i;
  const started = performance.now();
  if (i % 2 === 0) writeFileSync(cluster.file, base.replace('port: 6379', `port: ${port}`));
  else cluster.write(base.replace('port: 6379', `port: ${port}`)); // save by rename
  for (;;) {
    const r = await c.nextDelta(TYPE.endpoint, { timeoutMs: 5000 });
    c.ack(r);
    if (JSON.stringify(r.resources).includes(`"port_value":${port}`)) break;
  }
  samples.push(performance.now() - started);
  await new Promise((r) => setTimeout(r, 70)); // past chokidar's 50 ms per-file throttle
}
samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]?.toFixed(1);
console.log(`startup to first snapshot served: ${startup.toFixed(0)} ms`);
console.log(`file edit → delta client, ${edits} edits: median ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${samples.at(-1)?.toFixed(1)} ms`);
c.close();
await j.close();
cluster.cleanup();
