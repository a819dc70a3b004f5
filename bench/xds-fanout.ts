// How long one endpoint change takes to reach 100 Delta and 100 SotW ADS streams.
//
//   npx tsx bench/xds-fanout.ts [--streams 100] [--services 1000] [--changes 200] [--variant both|sotw|delta]
//
// The server runs here; the clients run in a child process (bench/xds-fanout-clients.ts), each
// stream on its own HTTP/2 connection, subscribed like Envoy (CDS wildcard + EDS for every
// cluster) and ACKing every response. For each change: t0 = just before cache.apply() of one
// changed ClusterLoadAssignment; each stream's time = when its client decoded the response
// (both processes read the same monotonic clock). Changes are applied one at a time.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { messageType } from '../src/proto/root.js';
import { createResourceCache } from '../src/xds/cache.js';
import { createXdsServer } from '../src/xds/server.js';
import { TYPE, type EncodedResource } from '../src/xds/types.js';

const { values } = parseArgs({
  options: { streams: { type: 'string', default: '100' }, services: { type: 'string', default: '1000' }, changes: { type: 'string', default: '200' },
    variant: { type: 'string', default: 'both' } },
});
const streams = Number(values.streams);
const services = Number(values.services);
const changes = Number(values.changes);
const variants = (['sotw', 'delta'] as const).filter((v) => values.variant === 'both' || values.variant === v);
const count = (v: 'sotw' | 'delta'): number => (variants.includes(v) ? streams : 0);
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

const CLUSTER = messageType('envoy.config.cluster.v3.Cluster');
const CLA = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');
const cluster = (name: string): EncodedResource => ({
  typeUrl: TYPE.cluster, name,
  bytes: CLUSTER.encode(CLUSTER.fromObject({
    name, type: 'EDS', connect_timeout: { seconds: 1 },
    eds_cluster_config: { service_name: name, eds_config: { ads: {}, resource_api_version: 'V3' } },
  })).finish(),
});
const cla = (name: string, port: number): EncodedResource => ({
  typeUrl: TYPE.endpoint, name,
  bytes: CLA.encode(CLA.fromObject({
    cluster_name: name,
    endpoints: [{
      locality: { sub_zone: 'node1' }, load_balancing_weight: { value: 1 },
      lb_endpoints: [20, 21, 22].map((h, i) => ({
        endpoint: { address: { socket_address: { address: `10.0.0.${h}`, port_value: i === 0 ? port : 8080 } } },
        load_balancing_weight: { value: 1 },
      })),
    }],
  })).finish(),
});

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};

async function main(): Promise<void> {
  const cache = createResourceCache();
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  cache.apply({ upserts: names.flatMap((n) => [cluster(n), cla(n, 20000)]), removals: [] });
  cache.markReady();
  // server side: when the last EDS response of a change is handed to gRPC
  let lastHandoff = 0;
  const server = createXdsServer({ cache, hooks: { onResponse: (t) => void (t === TYPE.endpoint && (lastHandoff = now())) } });
  const port = await server.listenTcp('127.0.0.1:0');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'xds-fanout-clients.ts'), [String(port), String(count('sotw')), String(count('delta')), String(services)], {
    execArgv: ['--import', 'tsx'],
  });
  const waiters = new Map<number, (m: { sotw: number[]; delta: number[] }) => void>();
  const ready = new Promise<void>((resolve) => {
    child.on('message', (m: { ready?: boolean; change?: number; sotw?: number[]; delta?: number[] }) => {
      if (m.ready) resolve();
      else if (m.change !== undefined) waiters.get(m.change)?.({ sotw: m.sotw ?? [], delta: m.delta ?? [] });
    });
  });
  const t0 = Date.now();
  await ready;
  console.log(`${count('sotw')} SotW + ${count('delta')} Delta ADS streams connected and synced (${services} clusters + CLAs) in ${Date.now() - t0} ms`);

  const all = { sotw: [] as number[], delta: [] as number[] };
  const last = { sotw: [] as number[], delta: [] as number[] };
  const handoff: number[] = [];
  for (let i = 1; i <= changes; i++) {
    const name = names[i % services] ?? 'svc-0';
    const done = new Promise<{ sotw: number[]; delta: number[] }>((resolve) => waiters.set(i, resolve));
    const start = now();
    cache.apply({ upserts: [cla(name, 20000 + i)], removals: [] });
    const got = await done;
    waiters.delete(i);
    handoff.push(lastHandoff - start);
    for (const v of variants) {
      const lat = got[v].map((t) => t - start);
      all[v].push(...lat);
      last[v].push(Math.max(...lat));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const row = (v: 'sotw' | 'delta') =>
    `| ${v.padEnd(5)} | ${streams} | ${quantile(last[v], 0.5).toFixed(2).padStart(8)} | ${quantile(last[v], 0.99).toFixed(2).padStart(8)} | ${quantile(all[v], 0.5).toFixed(2).padStart(8)} | ${quantile(all[v], 0.99).toFixed(2).padStart(8)} |`;
  console.log(`\none ClusterLoadAssignment change → every stream (ms, ${changes} changes, ${services} clusters, node ${process.version})`);
  console.log('| variant | streams | all reached p50 | all reached p99 | per stream p50 | per stream p99 |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const v of variants) console.log(row(v));
  console.log(`\nserver side, apply → last of the ${count('sotw') + count('delta')} responses handed to gRPC: p50 ${quantile(handoff, 0.5).toFixed(2)} ms, p99 ${quantile(handoff, 0.99).toFixed(2)} ms`);
  child.send('exit');
  await server.close(500);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
