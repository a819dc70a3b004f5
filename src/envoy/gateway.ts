// The whole gateway: per-service resources assembled into the five resource maps Envoy gets.
import type { Problem, ServiceModel } from '../model/types.js';
import { fullCheck, type Validate } from '../validate/check.js';
import { byName, type JsonObject } from '../proto/json.js';
import { conflicts, record, serviceClaims, type Ledger } from './ledger.js';
import { Listener, type ListenerPart } from './listener.js';
import { RouteConfiguration } from './route.js';
import { translateAndCheck, type ServiceResources } from './service.js';

/** Every map iterates in name order. */
export interface GatewayResources {
  readonly listeners: ReadonlyMap<string, JsonObject>;
  readonly routes: ReadonlyMap<string, JsonObject>;
  readonly clusters: ReadonlyMap<string, JsonObject>;
  readonly endpoints: ReadonlyMap<string, JsonObject>;
  readonly secrets: ReadonlyMap<string, JsonObject>;
  /** Services left out, and why (ProtoViolation from checks, Conflict from assembly). */
  readonly problems: readonly Problem[];
}

function sortedMap(entries: Iterable<readonly [string, JsonObject]>): ReadonlyMap<string, JsonObject> {
  return new Map([...entries].sort(byName(([name]) => name)));
}

function uniqueByName(messages: readonly JsonObject[]): JsonObject[] {
  const seen = new Map<string, JsonObject>();
  for (const m of messages) if (!seen.has(String(m['name']))) seen.set(String(m['name']), m);
  return [...seen.values()];
}

/** One Listener from the parts of every service on it (all parts share name and address). */
function buildListener(name: string, first: ListenerPart, parts: readonly ListenerPart[]): JsonObject {
  const chains = uniqueByName(parts.flatMap((p) => p.filterChains));
  const filters = uniqueByName(parts.flatMap((p) => p.listenerFilters));
  return Listener(name, first.address, chains, filters);
}

/** The listener's RouteConfiguration, when an HTTP expose is on it. */
function buildRoutes(name: string, parts: readonly ListenerPart[]): JsonObject | undefined {
  const http = parts.some((p) => p.kind === 'http' || p.kind === 'https');
  return http ? RouteConfiguration(name, uniqueByName(parts.flatMap((p) => p.virtualHosts))) : undefined;
}

interface ListenerBuild {
  readonly parts: readonly ListenerPart[];
  readonly listener: JsonObject;
  readonly routes: JsonObject | undefined;
}

/**
 * The last Listener and RouteConfiguration built from exactly these part objects. When no service
 * on a listener changed, assemble returns the very same message objects, so whatever is keyed on
 * them (encodeOnce, the janitor's encoded bytes) is not redone: work follows the change.
 */
const listenerBuilds = new WeakMap<ListenerPart, ListenerBuild>();

function listenerBuild(name: string, parts: readonly [ListenerPart, ...ListenerPart[]]): ListenerBuild {
  const first = parts[0];
  const hit = listenerBuilds.get(first);
  if (hit && hit.parts.length === parts.length && hit.parts.every((p, i) => p === parts[i])) return hit;
  const build = { parts: [...parts], listener: buildListener(name, first, parts), routes: buildRoutes(name, parts) };
  listenerBuilds.set(first, build);
  return build;
}

/**
 * Merge checked services into the gateway's resources, services in path order. A service whose
 * resources collide with an earlier one's (same listener match, same domain on a listener, same
 * resource name with other content) is left out whole and reported, naming the holder.
 */
export function assemble(services: readonly ServiceResources[]): GatewayResources {
  const ordered = [...services].sort(byName((s) => s.service));
  const ledger: Ledger = new Map();
  const problems: Problem[] = [];
  const clusters: [string, JsonObject][] = [];
  const endpoints: [string, JsonObject][] = [];
  const secrets = new Map<string, JsonObject>();
  const parts = new Map<string, [ListenerPart, ...ListenerPart[]]>();
  for (const s of ordered) {
    const claims = serviceClaims(s);
    const found = conflicts(ledger, s.service, claims);
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    record(ledger, s.service, claims);
    for (const c of s.clusters) clusters.push([c.name, c.message]);
    for (const e of s.endpoints) endpoints.push([e.name, e.message]);
    // A secret two services share: the first service's version (see ledger.ts).
    for (const x of s.secrets) if (!secrets.has(x.name)) secrets.set(x.name, x.message);
    for (const part of s.listeners) {
      const list = parts.get(part.name);
      if (list) list.push(part);
      else parts.set(part.name, [part]);
    }
  }
  const builds = [...parts].map(([name, list]) => [name, listenerBuild(name, list)] as const);
  const listeners = builds.map(([name, b]) => [name, b.listener] as const);
  const routes = builds.flatMap(([name, b]) => (b.routes ? [[name, b.routes] as const] : []));
  return {
    listeners: sortedMap(listeners),
    routes: sortedMap(routes),
    clusters: sortedMap(clusters),
    endpoints: sortedMap(endpoints),
    secrets: sortedMap(secrets),
    problems,
  };
}

export interface BuildOptions {
  /** Message validator; defaults to fullCheck (validate.rules, then protobufjs; see check.ts). */
  readonly validate?: Validate;
}

/** The accepted models (after the model's resolveConflicts) → the gateway's resources and problems. */
export function buildGateway(models: readonly ServiceModel[], options: BuildOptions = {}): GatewayResources {
  const validate = options.validate ?? fullCheck;
  const accepted: ServiceResources[] = [];
  const problems: Problem[] = [];
  for (const model of [...models].sort(byName((m) => m.path))) {
    const result = translateAndCheck(model, validate);
    if (result.ok) accepted.push(result.value);
    else problems.push(...result.problems);
  }
  const gateway = assemble(accepted);
  return { ...gateway, problems: [...problems, ...gateway.problems] };
}

export interface GatewayJson {
  readonly listeners: readonly JsonObject[];
  readonly routes: readonly JsonObject[];
  readonly clusters: readonly JsonObject[];
  readonly endpoints: readonly JsonObject[];
  readonly secrets: readonly JsonObject[];
  readonly problems: readonly Problem[];
}

/** Plain JSON of the whole gateway (Any shown with '@type'), for golden files and config dumps. */
export function translateGatewayToJson(models: readonly ServiceModel[], options: BuildOptions = {}): GatewayJson {
  const g = buildGateway(models, options);
  return {
    listeners: [...g.listeners.values()],
    routes: [...g.routes.values()],
    clusters: [...g.clusters.values()],
    endpoints: [...g.endpoints.values()],
    secrets: [...g.secrets.values()],
    problems: g.problems,
  };
}
