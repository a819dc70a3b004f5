// Reading a service's sections out of the cluster state: the instances of the service and of its
// scaler slaves, the section definitions (first node in sorted order that has the section), the
// exposes meant for this gateway, and references between sections with their expected type.
import { splitPath } from './names.js';
import type { ClusterState, InstanceState, ResourceState } from '../source/types.js';

/** One instance and the object it belongs to (the service itself or one of its scaler slaves). */
export interface InstanceRef {
  readonly path: string;
  readonly instance: InstanceState;
}

export interface ServiceSections {
  readonly path: string;
  readonly namespace: string;
  /** Object name (`web1` for `test/svc/web1`): the default vhost domain. */
  readonly name: string;
  /** Instances of the service and its scaler slaves, sorted by (node, path). */
  readonly instances: readonly InstanceRef[];
  /** Section definitions by rid (the first instance in the order above that has it). */
  readonly sections: ReadonlyMap<string, ResourceState>;
}

export const SECTION_TYPE = {
  expose: 'expose.envoy',
  vhost: 'vhost.envoy',
  route: 'route.envoy',
  hashpolicy: 'hashpolicy.envoy',
  certificate: 'certificate.tls',
} as const;

/**
 * True when a resource is of the section type `expected` (`expose.envoy`, …). A bare group
 * (`expose`) counts as its default driver, as OpenSVC defaults the `type` of these sections.
 */
export function hasType(res: ResourceState, expected: string): boolean {
  return res.type === expected || res.type === expected.split('.')[0];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The paths under which a scaler slave's bare name (`0.web1`) may be published: the scaler's own
 * namespace first, then the root-namespace forms (what the Python janitor looked up).
 */
export function slavePathCandidates(scalerPath: string, bareName: string): string[] {
  const { namespace } = splitPath(scalerPath);
  const candidates = namespace === 'root' ? [] : [`${namespace}/svc/${bareName}`];
  return [...candidates, bareName, `svc/${bareName}`, `root/svc/${bareName}`];
}

/** The slave object paths of a scaler, as found in the state. */
export function scalerSlavePaths(state: ClusterState, path: string): string[] {
  const bare = new Set<string>();
  for (const inst of state.services.get(path)?.instances ?? []) for (const s of inst.scalerSlaves ?? []) bare.add(s);
  const found = new Set<string>();
  for (const name of bare) {
    const hit = slavePathCandidates(path, name).find((p) => p !== path && state.services.has(p));
    if (hit !== undefined) found.add(hit);
  }
  return [...found].sort(compare);
}

/** True when every instance of the object is a scaler slave: its scaler serves it. */
export function isScalerSlave(state: ClusterState, path: string): boolean {
  const instances = state.services.get(path)?.instances ?? [];
  return instances.length > 0 && instances.every((i) => i.scalerSlave === true);
}

/** Gather the instances and sections of a service (proportional to the service and its slaves). */
export function readService(state: ClusterState, path: string): ServiceSections {
  const { namespace, name } = splitPath(path);
  const instances: InstanceRef[] = [];
  for (const p of [path, ...scalerSlavePaths(state, path)]) {
    for (const instance of state.services.get(p)?.instances ?? []) instances.push({ path: p, instance });
  }
  instances.sort((a, b) => compare(a.instance.node, b.instance.node) || compare(a.path, b.path));
  const sections = new Map<string, ResourceState>();
  for (const { instance } of instances) {
    for (const rid of Object.keys(instance.resources).sort(compare)) {
      const res = instance.resources[rid];
      if (res !== undefined && !sections.has(rid)) sections.set(rid, res);
    }
  }
  return { path, namespace, name, instances, sections };
}

/** OpenSVC leaves unset keywords out of `info` (None and [] are dropped); `""` counts as unset too. */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** An expose is for this gateway when its `gateway` keyword is absent or equal to the gateway name. */
export function isForGateway(res: ResourceState, gateway: string): boolean {
  const value = res.info['gateway'];
  if (isAbsent(value)) return true;
  return typeof value === 'string' ? value.trim() === gateway : true;
}

/** The `expose.envoy` sections of a service meant for this gateway, sorted by rid. */
export function exposeRids(svc: ServiceSections, gateway: string): string[] {
  const rids: string[] = [];
  for (const [rid, res] of svc.sections) {
    if (hasType(res, SECTION_TYPE.expose) && isForGateway(res, gateway)) rids.push(rid);
  }
  return rids.sort(compare);
}

/** A keyword value, `undefined` when absent (`null`, `undefined`, `""`, `[]`). */
export function keyword(res: ResourceState, kw: string): unknown {
  const value = res.info[kw];
  return isAbsent(value) ? undefined : value;
}

export { compare as compareStrings };
