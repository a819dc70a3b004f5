// One service's share of the gateway: its own messages plus what it adds to shared listeners.
// Pure, cheap and independent per service, so the janitor can cache the result per service and
// rebuild only the services that changed.
import type { Problem, Result, ServiceModel } from '../model/types.js';
import type { Validate } from '../validate/check.js';
import { Cluster } from './cluster.js';
import { MSG } from './core.js';
import { ClusterLoadAssignment } from './endpoint.js';
import { byName, type JsonObject } from '../proto/json.js';
import { exposeListenerPart, Listener, type ListenerPart } from './listener.js';
import { RouteConfiguration } from './route.js';
import { Secret } from './secret.js';

/** A named message and the section it comes from (for problems). */
export interface NamedMessage {
  readonly name: string;
  /** Section rid (`expose#1`), or `''` for secrets (shared by certificates). */
  readonly section: string;
  readonly message: JsonObject;
}

export interface ServiceResources {
  readonly service: string;
  /** Sorted by name. */
  readonly clusters: readonly NamedMessage[];
  readonly endpoints: readonly NamedMessage[];
  readonly secrets: readonly NamedMessage[];
  /** One per expose, sorted by expose rid. */
  readonly listeners: readonly ListenerPart[];
}

const byMessageName = byName<NamedMessage>((m) => m.name);

/** Translations by model object: a model seen again (a conflict's lasting reduced model) gives the same resources. */
const translations = new WeakMap<ServiceModel, ServiceResources>();

/** IR → Envoy v3 messages for one service. Never throws on a model that typechecks. */
export function translateService(model: ServiceModel): ServiceResources {
  const known = translations.get(model);
  if (known !== undefined) return known;
  const resources = translate(model);
  translations.set(model, resources);
  return resources;
}

function translate(model: ServiceModel): ServiceResources {
  const exposes = [...model.exposes].sort(byName((e) => e.rid));
  const named = (message: JsonObject, name: string, section: string): NamedMessage => ({ name, section, message });
  return {
    service: model.path,
    clusters: exposes.map((e) => named(Cluster(e), e.clusterName, e.rid)).sort(byMessageName),
    endpoints: exposes.map((e) => named(ClusterLoadAssignment(e), e.clusterName, e.rid)).sort(byMessageName),
    secrets: model.secrets.map((s) => named(Secret(s), s.name, '')).sort(byMessageName),
    listeners: exposes.map(exposeListenerPart),
  };
}

function violations(service: string, kind: string, fullName: string, name: string, section: string, message: JsonObject, validate: Validate): Problem[] {
  return validate(fullName, message).map((error) => ({
    service,
    section,
    reason: 'ProtoViolation' as const,
    message: `${kind} "${name}" is not a valid ${fullName}: ${error}`,
  }));
}

/** The listener part alone in a probe Listener, its virtual hosts alone in a probe RouteConfiguration. */
function listenerPartViolations(service: string, part: ListenerPart, validate: Validate): Problem[] {
  const probe = Listener(part.name, part.address, part.filterChains, part.listenerFilters);
  const problems = violations(service, 'Listener', MSG.listener, part.name, part.expose, probe, validate);
  if (part.virtualHosts.length === 0) return problems;
  const routes = RouteConfiguration(part.name, part.virtualHosts);
  return [...problems, ...violations(service, 'RouteConfiguration', MSG.routeConfiguration, part.name, part.expose, routes, validate)];
}

/** Every message of the service checked against the v3 protos; empty when all pass. */
export function checkService(resources: ServiceResources, validate: Validate): Problem[] {
  const { service } = resources;
  const each = (kind: string, fullName: string, list: readonly NamedMessage[]): Problem[] =>
    list.flatMap((m) => violations(service, kind, fullName, m.name, m.section, m.message, validate));
  return [
    ...each('Cluster', MSG.cluster, resources.clusters),
    ...each('ClusterLoadAssignment', MSG.clusterLoadAssignment, resources.endpoints),
    ...each('Secret', MSG.secret, resources.secrets),
    ...resources.listeners.flatMap((part) => listenerPartViolations(service, part, validate)),
  ];
}

/** translateService then checkService: the unit the janitor caches per service. */
export function translateAndCheck(model: ServiceModel, validate: Validate): Result<ServiceResources> {
  const resources = translateService(model);
  const problems = checkService(resources, validate);
  return problems.length === 0 ? { ok: true, value: resources } : { ok: false, problems };
}
