// Listeners (LDS). A service contributes a ListenerPart per expose; gateway.ts merges the parts
// of every service that share a listener name into one Listener (and one RouteConfiguration).
import type { Expose, ListenerAddress } from '../model/types.js';
import { listenerName } from '../model/names.js';
import { listenerAddress, statName } from './core.js';
import { httpConnectionManagerFilter, tcpProxyFilter, tlsInspectorListenerFilter, udpProxyListenerFilter } from './filters.js';
import { asJsonObject, byName, isJsonObject, sortedUnique, type JsonObject } from '../proto/json.js';
import { VirtualHost } from './route.js';
import { downstreamTlsTransportSocket } from './tls.js';

/** A server name Envoy takes: no `*`, or one leading `*.` and none elsewhere. */
export function isServerNamePattern(name: string): boolean {
  return !name.includes('*') || (name.startsWith('*.') && !name.slice(2).includes('*'));
}

/** What an expose asks of its listener. */
export type ListenerKind = 'tcp' | 'sni' | 'http' | 'https' | 'udp';

/** The name of the one plain-HTTP filter chain a listener has, shared by every service on it. */
export const HTTP_CHAIN = 'http';

export interface ListenerPart {
  /** The listener (and, for HTTP, RouteConfiguration) name: `<addr>:<port>/<protocol>`. */
  readonly name: string;
  readonly address: ListenerAddress;
  readonly kind: ListenerKind;
  /** Section rid of the expose that asks for it. */
  readonly expose: string;
  /** Named filter chains (name = the expose's cluster name, or HTTP_CHAIN). */
  readonly filterChains: readonly JsonObject[];
  /** Listener filters other than tls_inspector (which follows from the chains): udp_proxy. */
  readonly listenerFilters: readonly JsonObject[];
  /** route.v3.VirtualHost messages for the listener's RouteConfiguration (HTTP kinds only). */
  readonly virtualHosts: readonly JsonObject[];
  /**
   * True when the expose brings filter_config_data. A plain-HTTP part without it joins the
   * listener's shared HTTP_CHAIN as its first holder built it (the model's rule, conflicts.ts).
   */
  readonly filterConfig: boolean;
}

export function listenerKind(expose: Expose): ListenerKind {
  if (expose.protocol === 'udp') return 'udp';
  if (expose.vhosts.length > 0) return expose.listenerCertificates.length > 0 ? 'https' : 'http';
  return expose.sni.length > 0 ? 'sni' : 'tcp';
}

/**
 * filter_chain_match on SNI names, lower-cased (as Envoy files them). A name Envoy cannot match on
 * (`*`, or a vhost domain wildcard such as `shop.*` or `*-shop.acme.org`: Envoy refuses partial
 * wildcards in server_names) makes the chain match any name: it becomes the listener's default
 * chain, and the RouteConfiguration still picks the virtual host by the Host header.
 */
function serverNamesMatch(names: readonly string[]): JsonObject {
  if (names.length === 0 || !names.every(isServerNamePattern)) return {};
  return { filter_chain_match: { server_names: sortedUnique(names.map((n) => n.toLowerCase())) } };
}

function l4Chain(expose: Expose): JsonObject {
  const chain: JsonObject = {
    name: expose.clusterName,
    ...serverNamesMatch(expose.sni),
    filters: [tcpProxyFilter(statName(expose.clusterName), expose.clusterName, asJsonObject(expose.filterConfigData))],
  };
  if (expose.listenerCertificates.length === 0) return chain;
  return { ...chain, transport_socket: downstreamTlsTransportSocket(expose.listenerCertificates, []) };
}

function httpFilters(expose: Expose, name: string): JsonObject[] {
  return [httpConnectionManagerFilter(statName(name), name, asJsonObject(expose.filterConfigData))];
}

function httpChain(expose: Expose, name: string): JsonObject {
  return { name: HTTP_CHAIN, filters: httpFilters(expose, name) };
}

function httpsChain(expose: Expose, name: string): JsonObject {
  return {
    name: expose.clusterName,
    ...serverNamesMatch(expose.vhosts.flatMap((v) => v.hostnames)),
    filters: httpFilters(expose, name),
    transport_socket: downstreamTlsTransportSocket(expose.listenerCertificates),
  };
}

/** The listener contribution of one expose. */
export function exposeListenerPart(expose: Expose): ListenerPart {
  const { address, port, protocol } = expose.listener;
  const name = listenerName(address, port, protocol);
  const kind = listenerKind(expose);
  const base = { name, address: expose.listener, kind, expose: expose.rid, listenerFilters: [], virtualHosts: [], filterConfig: expose.filterConfigData !== undefined };
  const data = asJsonObject(expose.filterConfigData);
  switch (kind) {
    case 'udp':
      return { ...base, filterChains: [], listenerFilters: [udpProxyListenerFilter(statName(expose.clusterName), expose.clusterName, data)] };
    case 'tcp':
    case 'sni':
      return { ...base, filterChains: [l4Chain(expose)] };
    case 'http':
    case 'https': {
      const chain = kind === 'http' ? httpChain(expose, name) : httpsChain(expose, name);
      return { ...base, filterChains: [chain], virtualHosts: expose.vhosts.map(VirtualHost) };
    }
  }
}

function hasServerNames(chain: JsonObject): boolean {
  const match = chain['filter_chain_match'];
  return isJsonObject(match) && Array.isArray(match['server_names']);
}

/**
 * listener.v3.Listener: filter chains sorted by name; tls_inspector first when a chain matches on
 * server names (Envoy no longer injects it by itself), with continue_on_listener_filters_timeout:
 * a client that waits for the server to speak first (SSH, SMTP, MySQL on a plain TCP expose
 * beside SNI ones) gives the tls_inspector nothing to read, and Envoy would close it after
 * listener_filters_timeout (15 s) instead of handing it to the chain without server names. Set
 * with the inspector (not only when such a chain exists) so that a plain expose joining or
 * leaving changes the filter chains alone, which Envoy updates in place without draining the
 * listener.
 */
export function Listener(name: string, address: ListenerAddress, filterChains: readonly JsonObject[], listenerFilters: readonly JsonObject[]): JsonObject {
  const chains = [...filterChains].sort(byName((c) => String(c['name'])));
  const sniMatching = chains.some(hasServerNames);
  const inspector = sniMatching ? [tlsInspectorListenerFilter()] : [];
  const filters = [...inspector, ...listenerFilters];
  return {
    name,
    address: listenerAddress(address),
    ...(filters.length > 0 ? { listener_filters: filters } : {}),
    ...(sniMatching ? { continue_on_listener_filters_timeout: true } : {}),
    ...(chains.length > 0 ? { filter_chains: chains } : {}),
  };
}
