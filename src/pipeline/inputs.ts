// What a step reads of one service, and the content keys that tell whether it changed: one for
// its definition (sections, the secrets and allocated ports it uses), one for its endpoints (the
// addresses and states of its instances' ip resources). Keys are digests of the inputs' content,
// never object identities: equal content, equal key, whatever the source did to its objects.
import { hash } from 'node:crypto';
import { splitPath } from '../model/names.js';
import { secretUsesOf, type SecretUse } from '../model/referenced.js';
import { compareStrings, isScalerSlave, readService, type ServiceSections } from '../model/sections.js';
import type { ClusterState, ResourceState, ServiceState } from '../source/types.js';
import type { SecretEntry } from './types.js';

function isIp(res: ResourceState): boolean {
  return res.type === 'ip' || res.type.startsWith('ip.');
}

function digest(text: string): string {
  return hash('sha1', text, 'base64');
}

/**
 * What was read of services without scaler slaves, by ServiceState: a ServiceState is never changed
 * once made (source/types.ts) and such a service reads nothing else of the cluster, so the same
 * object always reads the same. The reconcile loop asks several times per batch (the secrets a
 * service names, before and after fetching them, its ports, the step); the step ends the batch and
 * drops them (state.ts), so they are not kept for every service between batches.
 */
export type Reads = WeakMap<ServiceState, ServiceSections>;

/** The service's sections and instances, or undefined when the path is not a service we serve (gone, not a svc, a scaler slave). */
export function readServiceInputs(cluster: ClusterState, path: string, reads?: Reads): ServiceSections | undefined {
  const state = cluster.services.get(path);
  if (state === undefined || splitPath(path).kind !== 'svc' || isScalerSlave(cluster, path)) return undefined;
  if (reads === undefined || state.instances.some((i) => (i.scalerSlaves?.length ?? 0) > 0)) return readService(cluster, path);
  let svc = reads.get(state);
  if (svc === undefined) reads.set(state, (svc = readService(cluster, path)));
  return svc;
}

export interface ConfigInputs {
  /** Secret object paths the definition names. */
  readonly secrets: readonly string[];
  readonly key: string;
}

/**
 * What a service read tells of itself alone, remembered per read (a read lives for one batch, and
 * both the compiling ahead of the step and the step ask): the secret objects it names and how, and
 * the JSON of its name and non-ip sections, the costly part of its key.
 */
interface Definition {
  readonly gateway: string;
  readonly uses: ReadonlyMap<string, ReadonlySet<SecretUse>>;
  readonly names: readonly string[];
  readonly json: string;
}

const definitions = new WeakMap<ServiceSections, Definition>();

function definitionOf(svc: ServiceSections, gateway: string): Definition {
  const known = definitions.get(svc);
  if (known !== undefined && known.gateway === gateway) return known;
  const sections: unknown[] = [];
  for (const [rid, res] of svc.sections) if (!isIp(res)) sections.push([rid, res.type, res.info]);
  const uses = secretUsesOf(svc, gateway);
  const def = { gateway, uses, names: [...uses.keys()].sort(compareStrings), json: `${JSON.stringify(svc.name)},${JSON.stringify(sections)}` };
  definitions.set(svc, def);
  return def;
}

/** The secret objects a service names and how it uses each. */
export function secretUses(svc: ServiceSections, gateway: string): ReadonlyMap<string, ReadonlySet<SecretUse>> {
  return definitionOf(svc, gateway).uses;
}

/** The definition's key: non-ip sections as read, each named secret's digest (or error), the allocated ports. */
export function configInputs(svc: ServiceSections, gateway: string, secrets: (path: string) => SecretEntry | undefined, ports: readonly (readonly [string, number])[]): ConfigInputs {
  const def = definitionOf(svc, gateway);
  const used = def.names.map((p) => {
    const entry = secrets(p);
    return [p, entry === undefined ? null : 'digest' in entry ? entry.digest : `error:${entry.error}`];
  });
  // the digest of JSON.stringify([svc.name, sections, used, ports]), its first two elements remembered
  return { secrets: def.names, key: digest(`[${def.json},${JSON.stringify(used)},${JSON.stringify(ports)}]`) };
}

const endpointKeys = new WeakMap<ServiceSections, string>();

/** The endpoints' key: every instance's ip resources (address, expose list, status), in instance order; once per read. */
export function endpointsKey(svc: ServiceSections): string {
  let key = endpointKeys.get(svc);
  if (key === undefined) endpointKeys.set(svc, (key = endpointsKeyOf(svc)));
  return key;
}

function endpointsKeyOf(svc: ServiceSections): string {
  const parts: unknown[] = [];
  for (const { path, instance } of svc.instances) {
    const ips: unknown[] = [];
    for (const [rid, res] of Object.entries(instance.resources)) if (isIp(res)) ips.push([rid, res.type, res.status, res.info['ipaddr'] ?? null, res.info['expose'] ?? null]);
    parts.push([path, instance.node, ips]);
  }
  return digest(JSON.stringify(parts));
}
