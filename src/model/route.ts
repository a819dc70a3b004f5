// `route#N` (route.envoy): one match and either a forward to the expose's cluster (route_*) or a
// redirect (redirect_*). The cluster is bound later, per expose (see vhost.ts).
import { parseHost } from './hostnames.js';
import { parseBool, parseDuration, parseList, parseRedirectCode, parseRegex, parseToken, parseUrlPath } from './keywords.js';
import { parseHashPolicy } from './hashpolicy.js';
import { parseDirect, parseWeightedClusters } from './route-actions.js';
import { memo, reader, resolveRefs, type Scope, type SectionReader } from './scope.js';
import { SECTION_TYPE } from './sections.js';
import type { HashPolicy, RouteAction, RouteMatch } from './types.js';

/** A parsed route before it is bound to an expose's cluster. */
export interface RouteSpec {
  readonly rid: string;
  readonly match: RouteMatch;
  readonly action: Exclude<RouteAction, { kind: 'route' }> | Omit<Extract<RouteAction, { kind: 'route' }>, 'cluster'>;
}

const MATCH_KWS = ['match_prefix', 'match_path', 'match_regex'] as const;
const ROUTE_KWS = ['route_prefix_rewrite', 'route_host_rewrite', 'route_cluster_header', 'route_timeout', 'hash_policies', 'route_weighted_clusters'] as const;
const DIRECT_KWS = ['direct_response_status', 'direct_response_body'] as const;
const REDIRECT_STRINGS = ['redirect_host_redirect', 'redirect_path_redirect', 'redirect_prefix_rewrite', 'redirect_response_code'] as const;
const REDIRECT_BOOLS = ['redirect_https_redirect', 'redirect_strip_query'] as const;

const NONE: readonly string[] = [];

/** The keywords of `kws` the section sets (no list made when it sets none, the usual case). */
function present(r: SectionReader, kws: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (const kw of kws) if (r.raw(kw) !== undefined) (out ??= []).push(kw);
  return out ?? NONE;
}

function parseMatch(r: SectionReader): RouteMatch | undefined {
  const set = present(r, MATCH_KWS);
  if (set.length === 0) {
    r.report('match_prefix', 'MissingMatch', 'a route needs exactly one of match_prefix, match_path or match_regex, and none is set.');
    return undefined;
  }
  if (set.length > 1) {
    r.report(set[1] ?? '', 'AmbiguousMatch', `${set.join(' and ')} are all set; a route matches on exactly one of match_prefix, match_path or match_regex.`, r.raw(set[1] ?? ''));
    return undefined;
  }
  const caseSensitive = r.get('match_case_sensitive', parseBool);
  const kw = set[0];
  if (kw === 'match_regex') {
    // Envoy ignores case_sensitive for safe_regex: fold "case-insensitive" into the RE2 pattern.
    const raw = r.raw(kw);
    const pattern = caseSensitive === false && typeof raw === 'string' ? `(?i)${raw}` : raw;
    const value = r.get(kw, () => parseRegex(pattern));
    return value === undefined ? undefined : { kind: 'regex', value };
  }
  const value = r.get(kw ?? 'match_prefix', parseUrlPath);
  if (value === undefined) return undefined;
  const kind = kw === 'match_path' ? 'path' : 'prefix';
  return caseSensitive === undefined ? { kind, value } : { kind, value, caseSensitive };
}

function redirectKeywords(r: SectionReader): readonly string[] {
  const bools = present(r, REDIRECT_BOOLS).filter((kw) => r.get(kw, parseBool) === true);
  const strings = present(r, REDIRECT_STRINGS);
  return bools.length === 0 ? strings : [...bools, ...strings];
}

function parseRedirect(r: SectionReader): RouteSpec['action'] | undefined {
  const path = r.get('redirect_path_redirect', parseUrlPath);
  const prefix = r.get('redirect_prefix_rewrite', parseUrlPath);
  if (path !== undefined && prefix !== undefined) {
    r.report('redirect_prefix_rewrite', 'InvalidValue', 'redirect_path_redirect and redirect_prefix_rewrite are both set; a redirect replaces either the whole path or its prefix: keep one.', prefix);
  }
  const host = r.get('redirect_host_redirect', parseHost);
  const code = r.get('redirect_response_code', parseRedirectCode);
  return {
    kind: 'redirect',
    httpsRedirect: r.get('redirect_https_redirect', parseBool) ?? false,
    ...(host !== undefined && { hostRedirect: host }),
    ...(path !== undefined && { pathRedirect: path }),
    ...(prefix !== undefined && { prefixRewrite: prefix }),
    ...(code !== undefined && { responseCode: code }),
    stripQuery: r.get('redirect_strip_query', parseBool) ?? false,
  };
}

function parseHashPolicies(scope: Scope, r: SectionReader): HashPolicy[] {
  const rids = r.get('hash_policies', parseList) ?? [];
  const out: HashPolicy[] = [];
  for (const rid of resolveRefs(scope, r, 'hash_policies', rids, SECTION_TYPE.hashpolicy)) {
    const policy = parseHashPolicy(scope, rid);
    if (policy === undefined) r.report('hash_policies', 'InvalidValue', `hash_policies names ${rid}, which is invalid (see its own problems).`, rid);
    else out.push(policy);
  }
  return out;
}

function parseForward(scope: Scope, r: SectionReader, match: RouteMatch | undefined): RouteSpec['action'] {
  const prefixRewrite = r.get('route_prefix_rewrite', parseUrlPath);
  if (prefixRewrite !== undefined && match?.kind === 'regex') {
    r.report('route_prefix_rewrite', 'Unsupported', 'route_prefix_rewrite replaces the matched prefix or path, and this route matches a regex: use match_prefix or match_path with it.', prefixRewrite);
  }
  const hostRewrite = r.get('route_host_rewrite', parseHost);
  const clusterHeader = r.get('route_cluster_header', parseToken);
  if (clusterHeader !== undefined && !scope.allowClusterHeader) {
    r.report('route_cluster_header', 'NotAllowed', `route_cluster_header lets the client name the cluster in its ${clusterHeader} header: any cluster of the gateway, another namespace's backends too, past their own routes and listeners. Refused unless the janitor runs with --allow-cluster-header (only when every tenant is trusted); in cluster files, route_weighted_clusters splits traffic among this namespace's services.`, clusterHeader);
  }
  const timeoutMs = r.get('route_timeout', parseDuration);
  const weightedClusters = r.get('route_weighted_clusters', (v) => parseWeightedClusters(v, scope.svc.namespace));
  if (weightedClusters !== undefined && clusterHeader !== undefined) {
    r.report('route_weighted_clusters', 'InvalidValue', 'route_weighted_clusters and route_cluster_header are both set; a route picks its cluster one way: keep one.', r.raw('route_weighted_clusters'));
  }
  return {
    kind: 'route',
    ...(clusterHeader !== undefined && { clusterHeader }),
    ...(weightedClusters !== undefined && { weightedClusters }),
    ...(prefixRewrite !== undefined && { prefixRewrite }),
    ...(hostRewrite !== undefined && { hostRewrite }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    hashPolicies: parseHashPolicies(scope, r),
  };
}

export function parseRoute(scope: Scope, rid: string): RouteSpec | undefined {
  return memo(scope, rid, () => {
    const res = scope.svc.sections.get(rid);
    if (res === undefined) return undefined;
    const r = reader(scope, rid, res);
    const match = parseMatch(r);
    const redirects = redirectKeywords(r);
    const forwards = present(r, ROUTE_KWS);
    const directs = present(r, DIRECT_KWS);
    const kinds = [forwards, redirects, directs].filter((k) => k.length > 0);
    if (kinds.length > 1) {
      r.report(kinds[1]?.[0] ?? '', 'InvalidValue', `${kinds.map((k) => k.join(', ')).join(' and ')} are set together; a route either forwards (route_*, hash_policies), redirects (redirect_*) or answers itself (direct_response_*), one of them.`);
    }
    const action = directs.length > 0 ? parseDirect(r) : redirects.length > 0 ? parseRedirect(r) : parseForward(scope, r, match);
    if (!r.clean() || match === undefined || action === undefined) return undefined;
    return { rid, match, action };
  });
}
