// Not a test: cost of one batch when one service of N changes (real model, translation, cache).
//   npx tsx bench/rebuild.ts [services] [changes]
import { pino } from 'pino';
import { createModelApi } from '../src/build/model-api.js';
import { createScheduler } from '../src/build/scheduler.js';
import { fullCheck } from '../src/validate/check.js';
import { parseCluster } from '../src/source/file/cluster.js';
import type { ClusterState } from '../src/source/types.js';
import { createResourceCache } from '../src/xds/cache.js';

const n = Number(process.argv[2] ?? 1000);
const changes = Number(process.argv[3] ?? 200);

function state(changedPort: number): ClusterState {
  let text = 'services:\n';
  for (let i = 0; i < n; i++) {
    const port = i === 0 ? changedPort : 8000;
    text += `  ns/svc/s${i}:\n    endpoints: [10.0.${i >> 8}.${i & 255}]\n    expose#0: { port: ${port}, listener_port: 80, vhosts: [vhost#0] }\n    vhost#0: { domains: [s${i}.example], routes: [route#0] }\n    route#0: { match_prefix: / }\n`;
  }
  const r = parseCluster(text, '/');
  if (!r.ok) throw new Error(r.problem.message);
  return r.cluster.state;
}

const durations: number[] = [];
const cache = createResourceCache();
const scheduler = createScheduler({
  api: createModelApi({ min: 1025, max: 65535 }),
  validate: fullCheck,
  cache,
  source: { getSecret: () => Promise.reject(new Error('none')), setListenerPort: async () => undefined },
  gateway: 'gw',
  maxWorkers: 256,
  envoyAdminPort: 1,
  logger: pino({ level: 'silent' }),
  onBatch: (_b, _e, ms) => durations.push(ms),
});
let t = performance.now();
scheduler.onEvent({ kind: 'snapshot', state: state(8000) });
await scheduler.idle();
console.log(`${n} HTTP services on one listener: first snapshot ${(performance.now() - t).toFixed(0)} ms`);
durations.length = 0;
// the other services keep their objects from one state to the next, as the sources do
const base = state(8000);
const states = Array.from({ length: changes }, (_, i) => {
  const one = parseCluster(`services:\n  ns/svc/s0:\n    endpoints: [10.0.0.0]\n    expose#0: { port: ${9000 + i}, listener_port: 80, vhosts: [vhost#0] }\n    vhost#0: { domains: [s0.example], routes: [route#0] }\n    route#0: { match_prefix: / }\n`, '/');
  if (!one.ok) throw new Error(one.problem.message);
  const services = new Map(base.services);
  services.set('ns/svc/s0', one.cluster.state.services.get('ns/svc/s0') ?? { path: 'ns/svc/s0', instances: [] });
  return { services };
});
t = performance.now();
for (const s of states) {
  scheduler.onEvent({ kind: 'change', state: s, services: new Set(['ns/svc/s0']), secrets: new Set() });
  await scheduler.idle();
}
durations.sort((a, b) => a - b);
console.log(`one service changed, ${changes} batches: median ${durations[Math.floor(changes / 2)]?.toFixed(2)} ms, p99 ${durations[Math.floor(changes * 0.99)]?.toFixed(2)} ms`);
