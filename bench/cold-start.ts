// Not a test: the cold start in one process, from the daemon status received to the first complete
// snapshot served (cache marked ready), on a synthetic cluster of N services on 2 nodes. Each
// service: an L4 expose on its own port and an HTTPS expose on the shared :443 with one vhost,
// 5 routes and its own certificate_secret (the same certificate content everywhere). The secrets
// come from an in-memory source that answers at once, so the figures are the janitor's own work.
//   node --import tsx bench/cold-start.ts [services] [--profile]
// Phases: parse (JSON.parse of the daemon_status reply), source (the follower: gate, derivation of
// the ClusterState), reconcile (secrets named, the pipeline step, cache apply, statuses), each as
// wall and CPU time; then the longest the event loop was blocked and the peak RSS. One cold start
// per process (the JIT starts cold as in production).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { createReconciler } from '../src/reconcile/loop.js';
import { createFollower } from '../src/source/opensvc/follower.js';
import type { SecretKey, SecretValues, SourceEvent } from '../src/source/types.js';
import { createResourceCache } from '../src/xds/cache.js';

const services = Number(process.argv[2] ?? 10_000);
const NODES = ['n1', 'n2'];
const cert = readFileSync('test/fixtures/certs/server.pem', 'utf8');
const key = readFileSync('test/fixtures/certs/server.key', 'utf8');

function resources(i: number, node: number): Record<string, unknown> {
  const ip = `${10 + node}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const out: Record<string, unknown> = {
    'ip#0': { type: 'ip', status: 'up', label: `${ip}/24 eth0`, provisioned: { state: true, mtime: 1 }, info: { ipaddr: ip, ipdev: 'eth0', netmask: '24', expose: ['expose#0', 'expose#1'] } },
    'expose#0': { type: 'expose.envoy', status: 'n/a', label: 'envoy expose', info: { port: 5432, protocol: 'tcp', lb_policy: 'round robin', listener_port: 10000 + i } },
    'expose#1': { type: 'expose.envoy', status: 'n/a', label: 'envoy expose', info: { port: 8443, protocol: 'tcp', lb_policy: 'round robin', listener_port: 443, vhosts: ['vhost#0'], listener_certificates: ['certificate#0'] } },
    'vhost#0': { type: 'vhost.envoy', status: 'n/a', label: 'envoy vhost', info: { domains: [`s${i}.example.com`], routes: ['route#0', 'route#1', 'route#2', 'route#3', 'route#4'] } },
    'certificate#0': { type: 'certificate.tls', status: 'n/a', label: 'tls certificate', info: { certificate_secret: `cert${i}` } },
  };
  for (let r = 0; r < 5; r++) out[`route#${r}`] = { type: 'route.envoy', status: 'n/a', label: 'envoy route', info: { match_prefix: `/p${r}`, route_timeout: '30s' } };
  return out;
}

function daemonStatusText(): string {
  const nodes: Record<string, unknown> = {};
  const listed: Record<string, unknown> = {};
  NODES.forEach((name, n) => {
    const status: Record<string, unknown> = {};
    const config: Record<string, unknown> = {};
    for (let i = 0; i < services; i++) {
      const path = `ns${i % 50}/svc/s${i}`;
      status[path] = { updated: 1, kind: 'svc', csum: 'c', avail: 'up', overall: 'up', monitor: { status: 'idle', placement: '' }, resources: resources(i, n) };
      config[path] = { updated: 1, csum: 'c', scope: NODES };
      listed[path] = { avail: 'up', overall: 'up', placement: 'optimal', provisioned: true };
      status[`ns${i % 50}/sec/cert${i}`] = { updated: 1, kind: 'sec', csum: 'c', monitor: { status: 'idle', placement: '' } };
    }
    nodes[name] = { monitor: { status: 'idle' }, services: { status, config } };
  });
  return JSON.stringify({ cluster: {}, monitor: { nodes, services: listed } });
}

const usage = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const phases: { name: string; wall: number; cpu: number }[] = [];
let mark = { wall: performance.now(), cpu: usage() };
function phase(name: string): void {
  const now = { wall: performance.now(), cpu: usage() };
  phases.push({ name, wall: now.wall - mark.wall, cpu: now.cpu - mark.cpu });
  mark = now;
}

// the reply text goes once parsed, as the janitor's own framing lets it go
let text: string | undefined = daemonStatusText();
const textBytes = text.length;
/** The peak RSS: the kernel's high-water mark where there is one (a sampler misses the peaks of a blocked loop). */
function highWaterMark(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const log = pino({ level: 'silent' });
const cache = createResourceCache();
let served: () => void = () => undefined;
const done = new Promise<void>((resolve) => (served = resolve));
const reconciler = createReconciler({
  config: { gateway: 'envoy', portRange: { min: 1025, max: 65535 } },
  cache,
  source: {
    getSecret: async (_path: string, keys: readonly SecretKey[]) => {
      // fresh strings per fetch, as a daemon reply parsed from the socket gives
      const values: SecretValues = { certificate_chain: Buffer.from(cert).toString(), private_key: Buffer.from(key).toString() };
      return Object.fromEntries(keys.flatMap((k) => (values[k] === undefined ? [] : [[k, values[k]]])));
    },
    setListenerPort: async () => undefined,
  },
  portWriteBack: { target: 'memory' },
  envoyAdminPort: 0,
  secretConcurrency: 64,
  logger: log,
  hooks: {
    onBatch: ({ first }) => {
      if (!first) return;
      cache.markReady();
      served();
    },
  },
});

let reply: unknown = undefined;
const follower = createFollower({
  emit: (event: SourceEvent) => {
    if (event.kind !== 'snapshot') return;
    phase('source');
    reconciler.onEvent(event);
  },
  fetchStatus: () => Promise.resolve(reply),
  fail: (reason) => {
    throw new Error(reason);
  },
  log,
  warmupMs: 0,
});

const profiling = process.argv.includes('--profile');
const blocked = monitorEventLoopDelay({ resolution: 10 });
blocked.enable();
// the monitor records a delay from its second turn on: let it turn before the clock starts
await new Promise((resolve) => setTimeout(resolve, 50));
mark = { wall: performance.now(), cpu: usage() };
const t0 = mark;
reply = JSON.parse(text);
text = undefined;
phase('parse');
follower.connected();
await done;
phase('reconcile');
// a timer turn after the last block, so the monitor records it
await new Promise((resolve) => setTimeout(resolve, 20));
blocked.disable();
clearInterval(sampler);
peakRss = highWaterMark() ?? Math.max(peakRss, process.memoryUsage().rss);
const total = { wall: performance.now() - t0.wall, cpu: usage() - t0.cpu };
const counts = Object.values(cache.counts()).reduce((a, b) => a + b, 0);
const row = (name: string, wall: number, cpu: number): string => `${name.padEnd(10)} ${wall.toFixed(0).padStart(7)} ms wall ${cpu.toFixed(0).padStart(7)} ms cpu`;
console.log(`cold start, ${services} services, ${counts} resources served${profiling ? ' (profiled)' : ''}`);
for (const p of phases) console.log(row(p.name, p.wall, p.cpu));
console.log(row('total', total.wall, total.cpu));
console.log(row('no parse', total.wall - (phases[0]?.wall ?? 0), total.cpu - (phases[0]?.cpu ?? 0)));
console.log(`event loop blocked at most ${(blocked.max / 1e6).toFixed(0)} ms at a time`);
console.log(`peak rss ${(peakRss / 1e6).toFixed(0)} MB (status text ${(textBytes / 1e6).toFixed(0)} MB)`);
reconciler.close();
