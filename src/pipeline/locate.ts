// Where a violation of a translated message comes from, in the operator's terms: the section and
// keyword that brought the offending field. A Cluster field the operator wrote in cluster_data, a
// field of the main network filter from filter_config_data, a route field from its route section
// (`routes[2].match.safe_regex.regex` → the third route's rid, `match_regex`), a domain from its
// vhost. What the janitor itself decided stays on the expose, without a keyword.
import type { Expose, VirtualHost } from '../model/types.js';

export interface Location {
  readonly section: string;
  readonly keyword?: string;
  /** The keyword's value, when the janitor holds it as the operator wrote it. */
  readonly value?: unknown;
}

/** The Route field of a violation path → the route keyword that sets it. */
const ROUTE_FIELDS: readonly (readonly [RegExp, (m: RegExpExecArray) => string])[] = [
  [/^match\.case_sensitive/, () => 'match_case_sensitive'],
  [/^match\.(prefix|path)/, (m) => `match_${m[1] ?? ''}`],
  [/^match\.safe_regex/, () => 'match_regex'],
  [/^route\.prefix_rewrite/, () => 'route_prefix_rewrite'],
  [/^route\.host_rewrite_literal/, () => 'route_host_rewrite'],
  [/^route\.cluster_header/, () => 'route_cluster_header'],
  [/^route\.timeout/, () => 'route_timeout'],
  [/^route\.hash_policy/, () => 'hash_policies'],
  [/^route\.weighted_clusters/, () => 'route_weighted_clusters'],
  [/^redirect\.(https_redirect|host_redirect|path_redirect|prefix_rewrite|response_code|strip_query)/, (m) => `redirect_${m[1] ?? ''}`],
  [/^direct_response\.body/, () => 'direct_response_body'],
  [/^direct_response/, () => 'direct_response_status'],
];

function routeKeyword(rest: string): string | undefined {
  for (const [re, kw] of ROUTE_FIELDS) {
    const m = re.exec(rest);
    if (m) return kw(m);
  }
  return undefined;
}

/** A violation of a VirtualHost built from `vhost`: its route's section and keyword, or the vhost's. */
export function locateInVhost(expose: Expose, vhost: VirtualHost, path: string): Location {
  const route = /^routes\[(\d+)\]\.?(.*)$/.exec(path);
  if (route) {
    const found = vhost.routes[Number(route[1])];
    if (found === undefined) return { section: vhost.rid };
    const keyword = routeKeyword(route[2] ?? '');
    if (keyword === undefined) return { section: found.rid };
    return keyword.startsWith('match_') && keyword !== 'match_case_sensitive' ? { section: found.rid, keyword, value: found.match.value } : { section: found.rid, keyword };
  }
  if (path.startsWith('domains')) return { section: vhost.rid, keyword: 'domains' };
  return { section: vhost.rid === '' ? expose.rid : vhost.rid };
}

function topField(path: string): string {
  return path.split(/[.[]/)[0] ?? '';
}

/**
 * A violation of an expose's Cluster, filter chain or listener: the keyword that brought the field
 * (cluster_data, filter_config_data, or a first-class keyword the janitor translates), else none.
 */
export function locateInExpose(expose: Expose, kind: string, path: string): Location {
  const at = { section: expose.rid };
  if (kind === 'Cluster') {
    const top = topField(path);
    if (expose.clusterData !== undefined && top in expose.clusterData) return { ...at, keyword: 'cluster_data' };
    if (top === 'lb_policy') return { ...at, keyword: 'lb_policy' };
    if (top === 'transport_socket') return { ...at, keyword: 'cluster_certificates' };
    return at;
  }
  const inFilter = /^(?:filter_chains\[\d+\]\.)?filters\[0\]\.typed_config\.([A-Za-z0-9_]+)/.exec(path)?.[1] ?? /^listener_filters\[\d+\]\.typed_config\.([A-Za-z0-9_]+)/.exec(path)?.[1];
  if (inFilter !== undefined && expose.filterConfigData !== undefined && inFilter in expose.filterConfigData) return { ...at, keyword: 'filter_config_data' };
  if (/^(?:filter_chains\[\d+\]\.)?transport_socket/.test(path)) return { ...at, keyword: 'listener_certificates' };
  if (/^(?:filter_chains\[\d+\]\.)?filter_chain_match\.server_names/.test(path)) return { ...at, keyword: expose.sni.length > 0 ? 'sni' : 'vhosts' };
  return at;
}

/** A violation of a chain's own RouteConfiguration: through the virtual host it names. */
export function locateInRouteConfiguration(expose: Expose, config: { readonly virtual_hosts?: unknown }, path: string): Location {
  const m = /^virtual_hosts\[(\d+)\]\.?(.*)$/.exec(path);
  const list = Array.isArray(config.virtual_hosts) ? (config.virtual_hosts as readonly unknown[]) : [];
  const entry = m ? list[Number(m[1])] : undefined;
  const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  const vhost = expose.vhosts.find((v) => v.name === name);
  return vhost === undefined || m === null ? { section: expose.rid, keyword: 'vhosts' } : locateInVhost(expose, vhost, m[2] ?? '');
}

/** A violation of an SDS Secret: the certificate section that names it. */
export function locateSecret(expose: Expose, secret: string): Location {
  for (const c of [...expose.listenerCertificates, ...expose.clusterCertificates]) {
    if (c.tlsSecret === secret) return { section: c.rid, keyword: 'certificate_secret' };
    if (c.validationSecret === secret) return { section: c.rid, keyword: 'validation_secret' };
  }
  return { section: expose.rid };
}
