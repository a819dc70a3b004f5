// Not a test: what one daemon patch costs the OpenSVC source (parse, apply, change detection, the
// ClusterState update), on a synthetic cluster of N services on 2 nodes, for a burst of patches each
// touching one distinct service (an instance address change, as a failover would give). No socket:
// the messages are handed to the follower as they come off the stream.
//   node --expose-gc --import tsx bench/source-patch.ts [services] [patches]
// (200 patches go first, untimed, so the compiler has warmed up; the heap is collected before.)
import { pino } from 'pino';
import { createFollower } from '../src/source/opensvc/follower.js';
import type { SourceEvent } from '../src/source/types.js';

const services = Number(process.argv[2] ?? 10_000);
const patches = Number(process.argv[3] ?? 1000);
const NODES = ['n1', 'n2'];

function instance(i: number, node: number) {
  return {
    avail: 'up',
    updated: 1,
    csum: 'x',
    resources: {
      'ip#0': { type: 'ip', status: 'up', label: `10.${node}.${i >> 8}.${i & 255}`, info: { ipaddr: `10.${node}.${i >> 8}.${i & 255}`, expose: ['expose#0', 'expose#1'] } },
      'expose#0': { type: 'expose.envoy', status: 'n/a', info: { port: 6000 + (i % 1000), protocol: 'tcp', listener_port: 20000 + i } },
      'expose#1': { type: 'expose.envoy', status: 'n/a', info: { port: 443, protocol: 'tcp', listener_port: 443, vhosts: ['vhost#0'], listener_certificates: ['certificate#0'] } },
      'vhost#0': { type: 'vhost.envoy', status: 'n/a', info: { domains: [`s${i}.example`], routes: ['route#0', 'route#1'] } },
      'route#0': { type: 'route.envoy', status: 'n/a', info: { match_prefix: '/' } },
      'route#1': { type: 'route.envoy', status: 'n/a', info: { match_prefix: '/api', route_timeout: 30 } },
      'certificate#0': { type: 'certificate.tls', status: 'n/a', info: { certificate_secret: 'cert' } },
    },
  };
}

function daemonStatus() {
  const nodes: Record<string, unknown> = {};
  NODES.forEach((name, n) => {
    const status: Record<string, unknown> = {};
    const config: Record<string, unknown> = {};
    for (let i = 0; i < services; i++) {
      status[`ns/svc/s${i}`] = instance(i, n);
      config[`ns/svc/s${i}`] = { updated: 1, csum: 'c' };
    }
    nodes[name] = { monitor: { status: 'idle' }, services: { status, config } };
  });
  const listed: Record<string, unknown> = {};
  for (let i = 0; i < services; i++) listed[`ns/svc/s${i}`] = { avail: 'up' };
  return { cluster: {}, monitor: { nodes, services: listed } };
}

const events: SourceEvent[] = [];
let ready: () => void = () => undefined;
const published = new Promise<void>((resolve) => (ready = resolve));
const follower = createFollower({
  emit: (event) => {
    events.push(event);
    if (event.kind === 'snapshot') ready();
  },
  fetchStatus: async () => daemonStatus(),
  fail: (reason) => {
    throw new Error(reason);
  },
  log: pino({ level: 'silent' }),
  warmupMs: 1000,
});
follower.connected();
await published;

// the patches, as the stream would carry them (text), prepared before the clock starts
const WARMUP = 200;
const texts: string[] = [];
for (let k = 0; k < patches + WARMUP; k++) {
  const i = (k * 7919) % services;
  const path = ['monitor', 'nodes', 'n1', 'services', 'status', `ns/svc/s${i}`];
  const data = [
    [[...path, 'updated'], 2 + k],
    [[...path, 'resources', 'ip#0', 'info', 'ipaddr'], `10.9.${k >> 8}.${k & 255}`],
    [[...path, 'resources', 'ip#0', 'label'], `10.9.${k >> 8}.${k & 255}`],
    [['listener', 'stats', 'sessions', 'accepted'], k],
  ];
  texts.push(JSON.stringify({ kind: 'patch', id: k + 1, ts: 0, data }));
}

for (const text of texts.slice(0, WARMUP)) follower.onMessage(text);
(globalThis as { gc?: () => void }).gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
for (const text of texts.slice(WARMUP)) follower.onMessage(text);
const elapsed = performance.now() - t0;
const changes = events.filter((e) => e.kind === 'change').length;
if (changes !== patches + WARMUP) throw new Error(`expected ${patches + WARMUP} change events, got ${changes}`);
console.log(`${services} services x ${NODES.length} nodes, ${patches} patches each changing one service`);
console.log(`total ${elapsed.toFixed(1)} ms, ${((elapsed / patches) * 1000).toFixed(1)} µs per patch, heap +${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB`);
follower.disconnected();
