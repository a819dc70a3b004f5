// What a unit claims on shared configuration, as keys. One rule for every conflict the janitor
// decides (conflicts.ts settles them):
// - exclusive keys: a cluster name; a UDP listener (it forwards to one cluster); a filter chain
//   match on a TCP listener: each SNI name (lower-cased, `*.a.org` counted as Envoy files it), and
//   the match without server names (the default chain: a plain TCP expose, a TLS expose whose
//   names Envoy cannot match on SNI, or...)
// - join keys: ...the listener's plain-HTTP chain, which every plain-HTTP expose on the listener
//   shares. Its filter_config_data is the chain's: within a namespace an expose may join with none
//   or the same data (canonical JSON), other data conflicts, and a sole member may change it;
//   members of different namespaces bring the same data, or all none.
// - route keys: on a plain-HTTP listener, several services may share a host name when their routes
//   do not overlap; a route whose match (kind, value, case sensitivity) another service already
//   has on that host name is not served; the rest of the unit is.
// - tenant keys, held by namespaces (every claim carries its unit's): each host name the unit is
//   served with, gateway-wide (vhost domains and SNI names, on every listener): one namespace owns
//   it, and a name under another namespace's wildcard is refused (coverage.ts); and the listener's
//   address, which a specific address may not take from another namespace's wildcard address.
// TLS-terminating chains have their own RouteConfiguration, so their domains claim nothing beyond
// their server names and host names.
import { canonicalJson } from '../proto/json.js';
import type { Expose, RouteMatch } from '../model/types.js';
import type { ListenerPart } from '../envoy/listener.js';
import { ownedName, wildcardAddress } from './coverage.js';

export type ClaimMode = 'exclusive' | 'join' | 'route' | 'host' | 'address';

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
  /** The namespace of the unit's service: a tenant. */
  readonly namespace: string;
  /** route claims: the host name and the route rid. */
  readonly route?: { readonly hostname: string; readonly rid: string };
  /** host claims: the name as owned (coverage.ts). */
  readonly hostname?: string;
  /**
   * address claims (keyed by address and namespace: the namespace listens there) on a specific
   * address: the wildcard address of its family, port and protocol (its key without namespace).
   */
  readonly under?: string;
}

type Base = Pick<Claim, 'namespace'>;

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

export function hostKey(name: string): string {
  return `host\u0000${name}`;
}

export function addressKey(protocol: string, address: string, port: number): string {
  return `address\u0000${protocol}\u0000${port}\u0000${address}`;
}

function chainClaims(base: Base, expose: Expose, part: ListenerPart): Claim[] {
  const L = part.name;
  const keyword = expose.sni.length > 0 ? 'sni' : part.kind === 'https' || part.kind === 'http' ? 'vhosts' : 'sni';
  if (part.serverNames.length > 0) {
    return part.serverNames.map((n) => ({
      ...base, key: `match\u0000${L}\u0000${serverNameKey(n)}`, mode: 'exclusive', content: '', what: `listener ${L} server name ${n}`, section: expose.rid, keyword, value: n,
    }));
  }
  if (part.kind === 'http') {
    const content = sharedChainContent(expose);
    const keyword = expose.filterConfigData === undefined && !expose.http2 ? 'http2' : 'filter_config_data';
    return [{ ...base, key: `match\u0000${L}\u0000*`, mode: 'join', content, what: `listener ${L} plain-HTTP filter chain`, section: expose.rid, keyword, value: keyword === 'http2' ? false : (expose.filterConfigData ?? null) }];
  }
  return [{ ...base, key: `match\u0000${L}\u0000*`, mode: 'exclusive', content: '', what: `listener ${L} default filter chain (the one without server names)`, section: expose.rid, keyword: part.kind === 'https' ? 'vhosts' : 'sni', value: [] }];
}

function routeClaims(base: Base, expose: Expose, part: ListenerPart): Claim[] {
  if (part.kind !== 'http') return [];
  const out: Claim[] = [];
  for (const vhost of expose.vhosts) {
    for (const hostname of vhost.hostnames.map((h) => h.toLowerCase())) {
      for (const route of vhost.routes) {
        out.push({
          ...base,
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

/** Every host name the unit is served with (SNI names, then vhost domains), once each. */
function hostClaims(base: Base, expose: Expose, part: ListenerPart): Claim[] {
  const named = [
    ...expose.sni.map((value) => ({ value, section: expose.rid, keyword: 'sni' })),
    ...(part.kind === 'http' || part.kind === 'https' ? expose.vhosts.flatMap((v) => v.hostnames.map((value) => ({ value, section: v.rid, keyword: 'domains' }))) : []),
  ];
  const out = new Map<string, Claim>();
  for (const { value, section, keyword } of named) {
    const hostname = ownedName(value);
    if (!out.has(hostname)) out.set(hostname, { ...base, key: hostKey(hostname), mode: 'host', content: '', what: `host name ${hostname}`, section, keyword, value, hostname });
  }
  return [...out.values()];
}

function addressClaim(base: Base, expose: Expose, part: ListenerPart): Claim {
  const { address, port, protocol } = part.address;
  const wildcard = wildcardAddress(address);
  return {
    ...base,
    key: `${addressKey(protocol, address, port)}\u0000${base.namespace}`,
    mode: 'address',
    content: '',
    what: `listener ${part.name}`,
    section: expose.rid,
    keyword: 'listener_addr',
    value: address,
    ...(wildcard !== undefined && { under: addressKey(protocol, wildcard, port) }),
  };
}

/** Every claim of one expose of a service of `namespace`. */
export function exposeClaims(expose: Expose, part: ListenerPart, namespace: string): Claim[] {
  const base: Base = { namespace };
  const cluster: Claim = { ...base, key: `cluster\u0000${expose.clusterName}`, mode: 'exclusive', content: '', what: `cluster ${expose.clusterName}`, section: expose.rid, keyword: '', value: expose.clusterName };
  const tenant = [addressClaim(base, expose, part), ...hostClaims(base, expose, part)];
  if (part.kind === 'udp') {
    const udp: Claim = { ...base, key: `listener\u0000${part.name}`, mode: 'exclusive', content: '', what: `UDP listener ${part.name} (it forwards to one cluster)`, section: expose.rid, keyword: 'listener_port', value: expose.listener.port };
    return [cluster, udp, ...tenant];
  }
  return [cluster, ...chainClaims(base, expose, part), ...tenant, ...routeClaims(base, expose, part)];
}
