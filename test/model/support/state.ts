// Test helpers: a tiny daemon_status → ClusterState converter (the real OpenSVC adapter lives in
// src/source/opensvc/ and is written separately), and builders for hand-made states.
import { readFileSync } from 'node:fs';
import type { ClusterState, InstanceState, ResourceState, ServiceState } from '../../../src/source/types.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resources(raw: unknown): Record<string, ResourceState> {
  const out: Record<string, ResourceState> = {};
  if (!isObject(raw)) return out;
  for (const [rid, r] of Object.entries(raw)) {
    if (!isObject(r)) continue;
    out[rid] = {
      type: String(r['type'] ?? ''),
      status: String(r['status'] ?? 'n/a'),
      ...(typeof r['label'] === 'string' && { label: r['label'] }),
      info: isObject(r['info']) ? r['info'] : {},
    };
  }
  return out;
}

export function stateFromDaemonStatus(status: unknown): ClusterState {
  const byPath = new Map<string, InstanceState[]>();
  const nodes = isObject(status) && isObject(status['monitor']) ? status['monitor']['nodes'] : undefined;
  for (const [node, data] of Object.entries(isObject(nodes) ? nodes : {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const services = isObject(data) && isObject(data['services']) ? data['services']['status'] : undefined;
    for (const [path, s] of Object.entries(isObject(services) ? services : {})) {
      if (!isObject(s)) continue;
      const slaves = s['scaler_slaves'];
      const instance: InstanceState = {
        node,
        ...(typeof s['avail'] === 'string' && { avail: s['avail'] }),
        resources: resources(s['resources']),
        ...(s['scaler_slave'] === true && { scalerSlave: true }),
        ...(Array.isArray(slaves) && { scalerSlaves: slaves.map(String) }),
      };
      byPath.set(path, [...(byPath.get(path) ?? []), instance]);
    }
  }
  const services = new Map<string, ServiceState>();
  for (const [path, instances] of byPath) services.set(path, { path, instances });
  return { services };
}

export function loadDaemonStatus(file: string): ClusterState {
  return stateFromDaemonStatus(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

/** `{ rid: [type, info, status?] }` → resources. */
export type ResourceSpec = Record<string, readonly [type: string, info: Record<string, unknown>, status?: string]>;

export function res(spec: ResourceSpec): Record<string, ResourceState> {
  const out: Record<string, ResourceState> = {};
  for (const [rid, [type, info, status]] of Object.entries(spec)) out[rid] = { type, status: status ?? 'n/a', info };
  return out;
}

export function instance(node: string, spec: ResourceSpec, extra: Partial<InstanceState> = {}): InstanceState {
  return { node, resources: res(spec), ...extra };
}

export function clusterState(services: Record<string, readonly InstanceState[]>): ClusterState {
  return { services: new Map(Object.entries(services).map(([path, instances]) => [path, { path, instances }])) };
}

/** One service on one node with the given sections (an ip#0 up at `ip` listing every expose). */
export function oneService(path: string, sections: ResourceSpec, ip = '10.0.0.1', node = 'n1'): ClusterState {
  const exposes = Object.entries(sections).filter(([, [type]]) => type === 'expose.envoy').map(([rid]) => rid);
  return clusterState({ [path]: [instance(node, { 'ip#0': ['ip', { ipaddr: ip, expose: exposes }, 'up'], ...sections })] });
}
