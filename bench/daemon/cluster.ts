// The synthetic cluster of the bench, as an OpenSVC 2.1 daemon publishes it (shapes checked against
// test/fixtures/opensvc-v2.1): N services `bench/svc/s<k>` on 2 nodes. Each service has
//   - expose#0: L4 TCP, backend port 5432, its own listener port 10000 + k;
//   - expose#1: HTTPS on the shared port 443 (backend 8443), vhost#0 with domain s<k>.bench.test and
//     5 routes, TLS terminated with certificate#0 → the sec object bench/sec/s<k>-cert (SDS);
//   - on each node an instance whose ip#0 (10.<node>.<k/256>.<k%256>) lists both exposes.
// The table `instances` is what the clients must end up holding: every change updates it and
// returns the patch stanzas the daemon emits for it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathKey = string | number;
export type Stanza = readonly [path: readonly PathKey[]] | readonly [path: readonly PathKey[], value: Json];

export const NODES = ['n1', 'n2'] as const;
export type NodeName = (typeof NODES)[number];
export type IpStatus = 'up' | 'down';

export interface Instance {
  address: string;
  status: IpStatus;
}

export interface BenchCluster {
  readonly size: number;
  /** instances[k][j]: the ip resource of service k on node NODES[j]. */
  readonly instances: Instance[][];
  /** prefixes[k]: match_prefix of route#0..route#4 of service k. */
  readonly prefixes: string[][];
}

export const EXPOSES = [
  { rid: 'expose#0', port: 5432 },
  { rid: 'expose#1', port: 8443 },
] as const;
export const ROUTES = 5;
const FIRST_L4_PORT = 10000;
export const MAX_SERVICES = 65535 - FIRST_L4_PORT;

export const servicePath = (k: number): string => `bench/svc/s${k}`;
export const secretPath = (k: number): string => `bench/sec/s${k}-cert`;
export const claName = (k: number, rid: string): string => `${servicePath(k)}.${rid}`;
export const baseAddress = (k: number, node: number): string => `10.${node}.${(k >> 8) & 255}.${k & 255}`;

export function createCluster(size: number): BenchCluster {
  if (!Number.isInteger(size) || size < 1 || size > MAX_SERVICES) throw new Error(`services: ${size} is not 1-${MAX_SERVICES}`);
  return {
    size,
    instances: Array.from({ length: size }, (_, k) => NODES.map((_n, j) => ({ address: baseAddress(k, j), status: 'up' as IpStatus }))),
    prefixes: Array.from({ length: size }, () => ['/api', '/static', '/img', '/ws', '/']),
  };
}

let csumCounter = 0;
const csum = (): string => createHash('md5').update(`bench-${++csumCounter}`).digest('hex');
const now = (): number => Date.now() / 1000;

function ipResource(instance: Instance): Json {
  return {
    status: instance.status,
    type: 'ip',
    label: `${instance.address}/16 eth0`,
    provisioned: { state: true, mtime: 1795272808.19 },
    info: { ipaddr: instance.address, ipdev: 'eth0', netmask: '16', expose: EXPOSES.map((e) => e.rid) },
  };
}

function configResources(cluster: BenchCluster, k: number): Record<string, Json> {
  const resources: Record<string, Json> = {
    'expose#0': {
      status: 'n/a', type: 'expose.envoy', label: `envoy expose 5432/tcp via 0.0.0.0:${FIRST_L4_PORT + k}`,
      info: { lb_policy: 'round robin', listener_port: FIRST_L4_PORT + k, port: 5432, protocol: 'tcp' },
    },
    'expose#1': {
      status: 'n/a', type: 'expose.envoy', label: 'envoy expose 8443/tcp via 0.0.0.0:443',
      info: { lb_policy: 'round robin', listener_certificates: ['certificate#0'], listener_port: 443, port: 8443, protocol: 'tcp', vhosts: ['vhost#0'] },
    },
    'vhost#0': {
      status: 'n/a', type: 'vhost.envoy', label: `envoy vhost s${k}.bench.test`,
      info: { domains: [`s${k}.bench.test`], routes: Array.from({ length: ROUTES }, (_, r) => `route#${r}`) },
    },
    'certificate#0': { status: 'n/a', type: 'certificate.tls', label: 'tls certificate', info: { certificate_secret: `s${k}-cert` } },
  };
  cluster.prefixes[k]?.forEach((prefix, r) => {
    const info: Record<string, Json> = { match_prefix: prefix, redirect_https_redirect: false, redirect_strip_query: false };
    if (r === 0) info['route_timeout'] = '30';
    resources[`route#${r}`] = { status: 'n/a', type: 'route.envoy', label: 'envoy route', info };
  });
  return resources;
}

function serviceInstance(cluster: BenchCluster, k: number, j: number): Json {
  const instance = cluster.instances[k]?.[j] ?? { address: baseAddress(k, j), status: 'up' };
  return {
    updated: now(), kind: 'svc', app: 'default', env: 'PRD', placement: 'nodes order', topology: 'flex',
    resources: { 'ip#0': ipResource(instance), ...configResources(cluster, k) },
    status_group: { ip: instance.status, expose: 'n/a', vhost: 'n/a', route: 'n/a', certificate: 'n/a' },
    overall: instance.status, avail: instance.status, optional: 'n/a', provisioned: true, csum: csum(),
    monitor: { status: 'idle', placement: '' },
  };
}

function nodeStatus(cluster: BenchCluster, j: number): Json {
  const status: Record<string, Json> = {};
  const config: Record<string, Json> = {};
  const node = NODES[j] ?? 'n1';
  for (let k = 0; k < cluster.size; k++) {
    status[servicePath(k)] = serviceInstance(cluster, k, j);
    config[servicePath(k)] = { updated: now(), csum: csum(), scope: [...NODES] };
    status[secretPath(k)] = { updated: now(), kind: 'sec', csum: csum(), monitor: { status: 'idle', placement: '' } };
    config[secretPath(k)] = { updated: now(), csum: csum(), scope: [...NODES] };
  }
  return {
    monitor: { status: 'idle', status_updated: now() }, agent: '2.1', api: 12, frozen: 0,
    labels: { node }, services: { status, config }, updated: now(),
  };
}

/** The reply to `daemon_status` for this cluster. */
export function daemonStatus(cluster: BenchCluster): Json {
  const nodes: Record<string, Json> = {};
  NODES.forEach((name, j) => (nodes[name] = nodeStatus(cluster, j)));
  const services: Record<string, Json> = {};
  for (let k = 0; k < cluster.size; k++) {
    services[servicePath(k)] = { avail: 'up', overall: 'up', placement: 'optimal', provisioned: true };
    services[secretPath(k)] = {};
  }
  return {
    monitor: { nodes, services, state: 'idle', frozen: 'thawed' },
    daemon: { pid: 1, state: 'running' },
    cluster: { name: 'bench', id: '00000000-0000-0000-0000-000000000000', nodes: [...NODES] },
    listener: { stats: { sessions: { accepted: 0 } } },
  };
}

const CERTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/certs');

/** The sec objects: two real test certificates (leaf alone, leaf + CA) with their key, alternately. */
export function secrets(cluster: BenchCluster): Record<string, Record<string, string>> {
  const key = readFileSync(path.join(CERTS, 'server.key'), 'utf8');
  const chains = [readFileSync(path.join(CERTS, 'server.pem'), 'utf8'), readFileSync(path.join(CERTS, 'server-chain.pem'), 'utf8')];
  const out: Record<string, Record<string, string>> = {};
  for (let k = 0; k < cluster.size; k++) out[secretPath(k)] = { certificate_chain: chains[k % 2] ?? '', private_key: key };
  return out;
}

const instancePath = (node: string, k: number): PathKey[] => ['monitor', 'nodes', node, 'services', 'status', servicePath(k)];
const configPath = (node: string, k: number): PathKey[] => ['monitor', 'nodes', node, 'services', 'config', servicePath(k)];
let noise = 0;
/** Every real patch also carries listener.stats stanzas the janitor must skip. */
const noiseStanza = (): Stanza => [['listener', 'stats', 'sessions', 'accepted'], ++noise];

/** A new ip address for service k on node j (like `set --kw ip#0.ipname=…`: recording patch 47). */
export function addressPatch(cluster: BenchCluster, k: number, j: number, address: string): Stanza[] {
  const instance = cluster.instances[k]?.[j];
  if (!instance) throw new Error(`no instance ${k}/${j}`);
  instance.address = address;
  const node = NODES[j] ?? 'n1';
  const base = instancePath(node, k);
  return [
    [[...base, 'updated'], now()],
    [[...base, 'resources', 'ip#0', 'label'], `${address}/16 eth0`],
    [[...base, 'resources', 'ip#0', 'info', 'ipaddr'], address],
    [[...base, 'csum'], csum()],
    [[...configPath(node, k), 'updated'], now()],
    [[...configPath(node, k), 'csum'], csum()],
    noiseStanza(),
  ];
}

/** The ip resource of service k on node j goes up or down (its instance's availability with it). */
export function statusPatch(cluster: BenchCluster, k: number, j: number, status: IpStatus): Stanza[] {
  const instance = cluster.instances[k]?.[j];
  if (!instance) throw new Error(`no instance ${k}/${j}`);
  instance.status = status;
  const base = instancePath(NODES[j] ?? 'n1', k);
  return [
    [[...base, 'updated'], now()],
    [[...base, 'resources', 'ip#0', 'status'], status],
    [[...base, 'status_group', 'ip'], status],
    [[...base, 'overall'], status],
    [[...base, 'avail'], status],
    [[...base, 'csum'], csum()],
    noiseStanza(),
  ];
}

/** A route edit (`set --kw route#r.match_prefix=…`: recording patch 43), on every node. */
export function routePatch(cluster: BenchCluster, k: number, r: number, prefix: string): Stanza[] {
  const prefixes = cluster.prefixes[k];
  if (!prefixes || r >= prefixes.length) throw new Error(`no route ${k}/${r}`);
  prefixes[r] = prefix;
  return [
    ...NODES.flatMap((node): Stanza[] => [
      [[...instancePath(node, k), 'updated'], now()],
      [[...instancePath(node, k), 'resources', `route#${r}`, 'info', 'match_prefix'], prefix],
      [[...instancePath(node, k), 'csum'], csum()],
      [[...configPath(node, k), 'updated'], now()],
      [[...configPath(node, k), 'csum'], csum()],
    ]),
    noiseStanza(),
  ];
}

const HEALTH: Record<IpStatus, string> = { up: 'HEALTHY', down: 'UNHEALTHY' };

/** CLA name → its endpoints as sorted `address:port:HEALTH` strings, from the table alone. */
export function expectedEndpoints(cluster: BenchCluster): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let k = 0; k < cluster.size; k++) {
    for (const expose of EXPOSES) {
      const endpoints = (cluster.instances[k] ?? []).map((i) => `${i.address}:${expose.port}:${HEALTH[i.status]}`);
      out.set(claName(k, expose.rid), endpoints.sort());
    }
  }
  return out;
}

/** A unique address per change number (10.128.0.0/9), never one of the base addresses. */
export function markerAddress(change: number): string {
  return `10.${128 + ((change >> 16) & 127)}.${(change >> 8) & 255}.${change & 255}`;
}

/** A unique, fixed-width route prefix per change number. */
export function markerPrefix(change: number): string {
  return `/edit-${String(change).padStart(8, '0')}`;
}

/** Resources a janitor serves for this cluster (what "holding everything" waits for at least). */
export function servedCounts(cluster: BenchCluster): { clusters: number; listeners: number } {
  return { clusters: cluster.size * EXPOSES.length, listeners: cluster.size + 1 };
}
