// What a unit claims on shared configuration, as keys. One rule for every conflict the janitor
// decides (conflicts.ts settles them):
// - exclusive keys: a cluster name; a UDP listener (it forwards to one cluster); a filter chain
//   match on a TCP listener: each SNI name (lower-cased, `*.a.org` counted as Envoy files it), and
//   the match without server names (the default chain: a plain TCP expose, a TLS expose whose
//   names Envoy cannot match on SNI, or...)
// - join keys: ...the listener's plain-HTTP chain, which every plain-HTTP expose on the listener
//   shares. Its filter_config_data is the chain's: an expose may join with none or the same data
//   (canonical JSON); other data conflicts, and a sole member may change it.
// - route keys: on a plain-HTTP listener, several services may share a host name when their routes
//   do not overlap; a route whose match (kind, value, case sensitivity) another service already
//   has on that host name is not served; the rest of the unit is.
// TLS-terminating chains have their own RouteConfiguration, so their domains claim nothing beyond
// their server names.
import { canonicalJson } from '../proto/json.js';
import type { Expose, RouteMatch } from '../model/types.js';
import type { ListenerPart } from '../envoy/listener.js';

export type ClaimMode = 'exclusive' | 'join' | 'route';

export interface Claim {
  readonly key: string;
  readonly mode: ClaimMode;
  /** join: what a joiner must bring ('' joins any). */
  readonly content: string;
  /** For operators: `listener 0.0.0.0:443/tcp server name a.example.com`. */
  readonly what: string;
  /** Where the loser should look: section and keyword of its own definition, and the value. */
  readonly section: string;
  readonly keyword: string;
  readonly value: unknown;
  /** route claims: the host name and the route rid. */
  readonly route?: { readonly hostname: string; readonly rid: string };
}

/** The key Envoy files a server name under (FilterChainManagerImpl::addFilterChainForServerNames). */
function serverNameKey(name: string): string {
  return name.startsWith('*.') ? name.slice(1) : name;
}

export function matchKey(match: RouteMatch): string {
  return `${match.kind}\u0000${match.caseSensitive === false ? 'i' : 's'}\u0000${match.value}`;
}

function showMatch(match: RouteMatch): string {
  return `match_${match.kind} ${match.value}${match.caseSensitive === false ? ' (case-insensitive)' : ''}`;
}

/** What a plain-HTTP expose brings to its listener's shared chain ('' : nothing, it joins any). */
export function sharedChainContent(expose: Expose): string {
  if (expose.filterConfigData === undefined && expose.http2) return '';
  return canonicalJson({ ...(expose.http2 ? {} : { codec_type: 'HTTP1' }), ...(expose.filterConfigData ?? {}) });
}

function chainClaims(expose: Expose, part: ListenerPart): Claim[] {
  const L = part.name;
  const keyword = expose.sni.length > 0 ? 'sni' : part.kind === 'https' || part.kind === 'http' ? 'vhosts' : 'sni';
  if (part.serverNames.length > 0) {
    return part.serverNames.map((n) => ({
      key: `match\u0000${L}\u0000${serverNameKey(n)}`, mode: 'exclusive', content: '', what: `listener ${L} server name ${n}`, section: expose.rid, keyword, value: n,
    }));
  }
  if (part.kind === 'http') {
    const content = sharedChainContent(expose);
    const keyword = expose.filterConfigData === undefined && !expose.http2 ? 'http2' : 'filter_config_data';
    return [{ key: `match\u0000${L}\u0000*`, mode: 'join', content, what: `listener ${L} plain-HTTP filter chain`, section: expose.rid, keyword, value: keyword === 'http2' ? false : (expose.filterConfigData ?? null) }];
  }
  return [{ key: `match\u0000${L}\u0000*`, mode: 'exclusive', content: '', what: `listener ${L} default filter chain (the one without server names)`, section: expose.rid, keyword: part.kind === 'https' ? 'vhosts' : 'sni', value: [] }];
}

function routeClaims(expose: Expose, part: ListenerPart): Claim[] {
  if (part.kind !== 'http') return [];
  const out: Claim[] = [];
  for (const vhost of expose.vhosts) {
    for (const hostname of vhost.hostnames.map((h) => h.toLowerCase())) {
      for (const route of vhost.routes) {
        out.push({
          key: `route\u0000${part.name}\u0000${hostname}\u0000${matchKey(route.match)}`,
          mode: 'route',
          content: '',
          what: `listener ${part.name} host ${hostname} route ${showMatch(route.match)}`,
          section: route.rid,
          keyword: `match_${route.match.kind}`,
          value: route.match.value,
          route: { hostname, rid: route.rid },
        });
      }
    }
  }
  return out;
}

/** Every claim of one expose. */
export function exposeClaims(expose: Expose, part: ListenerPart): Claim[] {
  const cluster: Claim = { key: `cluster\u0000${expose.clusterName}`, mode: 'exclusive', content: '', what: `cluster ${expose.clusterName}`, section: expose.rid, keyword: '', value: expose.clusterName };
  if (part.kind === 'udp') {
    const udp: Claim = { key: `listener\u0000${part.name}`, mode: 'exclusive', content: '', what: `UDP listener ${part.name} (it forwards to one cluster)`, section: expose.rid, keyword: 'listener_port', value: expose.listener.port };
    return [cluster, udp];
  }
  return [cluster, ...chainClaims(expose, part), ...routeClaims(expose, part)];
}
