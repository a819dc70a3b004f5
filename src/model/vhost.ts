// `vhost#N` (vhost.envoy): domains and the routes that serve them. Bound per expose: the vhost
// name, its domains as written in the RouteConfiguration, and the routes' target cluster.
import { isDomain, parseNameList } from './hostnames.js';
import { parseList } from './keywords.js';
import { clusterName, vhostName } from './names.js';
import { parseRoute, type RouteSpec } from './route.js';
import { memo, reader, resolveRefs, type Scope } from './scope.js';
import { SECTION_TYPE } from './sections.js';
import type { Route, VirtualHost } from './types.js';

export interface VhostSpec {
  readonly rid: string;
  /** As written (default: the object name). */
  readonly hostnames: readonly string[];
  readonly routes: readonly RouteSpec[];
}

export function parseVhost(scope: Scope, rid: string): VhostSpec | undefined {
  return memo(scope, rid, () => {
    const res = scope.svc.sections.get(rid);
    if (res === undefined) return undefined;
    const r = reader(scope, rid, res);
    const hostnames = r.raw('domains') === undefined ? [scope.svc.name] : r.get('domains', (v) => parseRawDomains(v));
    const routeRids = r.get('routes', parseList) ?? [];
    const routes: RouteSpec[] = [];
    for (const routeRid of resolveRefs(scope, r, 'routes', routeRids, SECTION_TYPE.route)) {
      const route = parseRoute(scope, routeRid);
      if (route === undefined) r.report('routes', 'InvalidValue', `routes names ${routeRid}, which is invalid (see its own problems).`, routeRid);
      else routes.push(route);
    }
    if (!r.clean() || hostnames === undefined) return undefined;
    return { rid, hostnames, routes };
  });
}

/** Domains keep the operator's spelling in `hostnames`; they are checked as Envoy domains. */
function parseRawDomains(value: unknown): ReturnType<typeof parseList> {
  const checked = parseNameList(value, isDomain, 'a domain (host name, *, *.suffix or prefix.*)');
  if (!checked.ok) return checked;
  const raw = parseList(value);
  if (!raw.ok) return raw;
  const seen = new Set<string>();
  return { ok: true, value: raw.value.filter((d) => !seen.has(d.toLowerCase()) && seen.add(d.toLowerCase())) };
}

/**
 * Domains as the Python janitor wrote them: on listener ports 80 and 443 both `host` and
 * `host:port` (browsers omit the default port), elsewhere only `host:port`. Lower-cased: Envoy
 * matches domains case-insensitively and refuses two virtual hosts with the same one.
 * A domain ending in `*` (`*` itself, or a prefix wildcard such as `shop.*`) is written bare
 * only: Envoy (RouteMatcher) treats a domain as a prefix wildcard only when its LAST character is
 * `*`, so `shop.*:8080` would be an exact name no Host header ever has, while `shop.*` already
 * matches `shop.acme.org:8080`.
 */
export function routeDomains(hostnames: readonly string[], listenerPort: number): string[] {
  const out: string[] = [];
  for (const host of hostnames.map((h) => h.toLowerCase())) {
    if (host.endsWith('*')) {
      out.push(host);
      continue;
    }
    if (listenerPort === 80 || listenerPort === 443) out.push(host);
    out.push(`${host}:${listenerPort}`);
  }
  return out;
}

function bindRoute(spec: RouteSpec, cluster: string): Route {
  const action = spec.action.kind === 'route' ? { ...spec.action, cluster } : spec.action;
  return { rid: spec.rid, match: spec.match, action };
}

export function bindVhost(spec: VhostSpec, servicePath: string, exposeRid: string, listenerPort: number): VirtualHost {
  const cluster = clusterName(servicePath, exposeRid);
  return {
    rid: spec.rid,
    name: vhostName(servicePath, exposeRid, spec.rid),
    domains: routeDomains(spec.hostnames, listenerPort),
    hostnames: spec.hostnames,
    routes: spec.routes.map((route) => bindRoute(route, cluster)),
  };
}
