// RouteConfiguration (RDS) of an HTTP listener: one VirtualHost per vhost, routes in model order.
import type {
  HashPolicy as HashPolicyModel,
  Route as RouteModel,
  RouteAction as RouteActionModel,
  RouteMatch as RouteMatchModel,
  VirtualHost as VirtualHostModel,
} from '../model/types.js';
import { boolValue, duration } from './core.js';
import { byName, type JsonObject } from '../proto/json.js';

/** route.v3.RouteMatch: prefix, path or safe_regex (RE2), with case_sensitive when the model sets it. */
export function RouteMatch(match: RouteMatchModel): JsonObject {
  const specifier: JsonObject =
    match.kind === 'prefix' ? { prefix: match.value } : match.kind === 'path' ? { path: match.value } : { safe_regex: { regex: match.value } };
  return match.caseSensitive === undefined ? specifier : { ...specifier, case_sensitive: boolValue(match.caseSensitive) };
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

function target(action: Extract<RouteActionModel, { kind: 'route' }>): JsonObject {
  if (action.clusterHeader !== undefined) return { cluster_header: action.clusterHeader };
  if (action.weightedClusters !== undefined) return { weighted_clusters: { clusters: action.weightedClusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
  return { cluster: action.cluster };
}

/** route.v3.RouteAction: to the expose's cluster (or the cluster a header names, or a weighted split). */
export function RouteAction(action: Extract<RouteActionModel, { kind: 'route' }>): JsonObject {
  return {
    ...target(action),
    ...(action.prefixRewrite !== undefined ? { prefix_rewrite: action.prefixRewrite } : {}),
    ...(action.hostRewrite !== undefined ? { host_rewrite_literal: action.hostRewrite } : {}),
    ...(action.timeoutMs !== undefined ? { timeout: duration(action.timeoutMs) } : {}),
    ...(action.hashPolicies.length > 0 ? { hash_policy: action.hashPolicies.map(HashPolicy) } : {}),
  };
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

function action(route: RouteModel): JsonObject {
  switch (route.action.kind) {
    case 'route':
      return { route: RouteAction(route.action) };
    case 'direct':
      return { direct_response: DirectResponseAction(route.action) };
    case 'redirect':
      return { redirect: RedirectAction(route.action) };
  }
}

/** route.v3.Route, named after its section rid. */
export function Route(route: RouteModel): JsonObject {
  return { name: route.rid, match: RouteMatch(route.match), ...action(route) };
}

/**
 * route.v3.VirtualHost: name and domains as the model gives them (a repeated domain written once:
 * Envoy refuses duplicates, case-insensitively), routes in model order.
 */
export function VirtualHost(vhost: VirtualHostModel): JsonObject {
  const byLowerCase = new Map<string, string>();
  for (const d of vhost.domains) if (!byLowerCase.has(d.toLowerCase())) byLowerCase.set(d.toLowerCase(), d);
  const domains = [...byLowerCase.values()];
  return { name: vhost.name, domains, routes: vhost.routes.map(Route) };
}

/** route.v3.RouteConfiguration named like its listener; virtual hosts sorted by name. */
export function RouteConfiguration(name: string, virtualHosts: readonly JsonObject[]): JsonObject {
  const sorted = [...virtualHosts].sort(byName((v) => String(v['name'])));
  return { name, virtual_hosts: sorted };
}
