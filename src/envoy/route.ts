// RouteConfiguration (RDS) of an HTTP listener: one VirtualHost per vhost, routes in model order.
import type {
  HashPolicy as HashPolicyModel,
  Route as RouteModel,
  RouteAction as RouteActionModel,
  RouteMatch as RouteMatchModel,
  VirtualHost as VirtualHostModel,
} from '../model/types.js';
import { boolValue, duration } from './core.js';
import { byName, type JsonObject, type JsonValue } from '../proto/json.js';

// Built by assignment, in the order the fields are listed: these run for every route of every
// service, and conditional spreads cost an object each.
type Fields = Record<string, JsonValue>;

/** route.v3.RouteMatch: prefix, path or safe_regex (RE2), with case_sensitive when the model sets it. */
export function RouteMatch(match: RouteMatchModel): JsonObject {
  const specifier: Fields =
    match.kind === 'prefix' ? { prefix: match.value } : match.kind === 'path' ? { path: match.value } : { safe_regex: { regex: match.value } };
  if (match.caseSensitive !== undefined) specifier['case_sensitive'] = boolValue(match.caseSensitive);
  return specifier;
}

/** route.v3.RouteAction.HashPolicy. */
export function HashPolicy(policy: HashPolicyModel): JsonObject {
  const terminal: JsonObject = policy.terminal ? { terminal: true } : {};
  switch (policy.kind) {
    case 'cookie': {
      const cookie: JsonObject = {
        name: policy.name,
        ...(policy.path !== undefined ? { path: policy.path } : {}),
        ...(policy.ttlSeconds !== undefined ? { ttl: duration(policy.ttlSeconds * 1000) } : {}),
      };
      return { cookie, ...terminal };
    }
    case 'header':
      return { header: { header_name: policy.headerName }, ...terminal };
    case 'source_ip':
      return { connection_properties: { source_ip: true }, ...terminal };
  }
}

function target(action: Extract<RouteActionModel, { kind: 'route' }>): Fields {
  if (action.clusterHeader !== undefined) return { cluster_header: action.clusterHeader };
  if (action.weightedClusters !== undefined) return { weighted_clusters: { clusters: action.weightedClusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
  return { cluster: action.cluster };
}

/** route.v3.RouteAction: to the expose's cluster (or the cluster a header names, or a weighted split). */
export function RouteAction(action: Extract<RouteActionModel, { kind: 'route' }>): JsonObject {
  const out = target(action);
  if (action.prefixRewrite !== undefined) out['prefix_rewrite'] = action.prefixRewrite;
  if (action.hostRewrite !== undefined) out['host_rewrite_literal'] = action.hostRewrite;
  if (action.timeoutMs !== undefined) out['timeout'] = duration(action.timeoutMs);
  if (action.hashPolicies.length > 0) out['hash_policy'] = action.hashPolicies.map(HashPolicy);
  return out;
}

/** route.v3.RedirectAction; booleans are written only when true (false is the proto default). */
export function RedirectAction(action: Extract<RouteActionModel, { kind: 'redirect' }>): JsonObject {
  return {
    ...(action.httpsRedirect ? { https_redirect: true } : {}),
    ...(action.hostRedirect !== undefined ? { host_redirect: action.hostRedirect } : {}),
    ...(action.pathRedirect !== undefined ? { path_redirect: action.pathRedirect } : {}),
    ...(action.prefixRewrite !== undefined ? { prefix_rewrite: action.prefixRewrite } : {}),
    ...(action.responseCode !== undefined ? { response_code: action.responseCode } : {}),
    ...(action.stripQuery ? { strip_query: true } : {}),
  };
}

/** route.v3.DirectResponseAction: Envoy answers with this status (and body). */
export function DirectResponseAction(action: Extract<RouteActionModel, { kind: 'direct' }>): JsonObject {
  return { status: action.status, ...(action.body !== undefined ? { body: { inline_string: action.body } } : {}) };
}

/** route.v3.Route, named after its section rid. */
export function Route(route: RouteModel): JsonObject {
  const out: Fields = { name: route.rid, match: RouteMatch(route.match) };
  const a = route.action;
  if (a.kind === 'route') out['route'] = RouteAction(a);
  else if (a.kind === 'direct') out['direct_response'] = DirectResponseAction(a);
  else out['redirect'] = RedirectAction(a);
  return out;
}

/**
 * route.v3.VirtualHost: name and domains as the model gives them (a repeated domain written once:
 * Envoy refuses duplicates, case-insensitively), routes in model order.
 */
export function VirtualHost(vhost: VirtualHostModel): JsonObject {
  const seen = new Set<string>();
  const domains: string[] = [];
  for (const d of vhost.domains) {
    const lower = d.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    domains.push(d);
  }
  return { name: vhost.name, domains, routes: vhost.routes.map(Route) };
}

/** route.v3.RouteConfiguration named like its listener; virtual hosts sorted by name. */
export function RouteConfiguration(name: string, virtualHosts: readonly JsonObject[]): JsonObject {
  const sorted = [...virtualHosts].sort(byName((v) => String(v['name'])));
  return { name, virtual_hosts: sorted };
}
