// Listeners (LDS). Each expose contributes a ListenerPart: its own filter chain (plain TCP, SNI
// passthrough, TLS-terminated TCP, TLS-terminated HTTP), or for plain HTTP the listener's one
// shared `http` chain it would build, or for UDP the listener's udp_proxy filter. The pipeline
// assembles a listener from the parts of every expose on it (src/pipeline/listeners.ts); Listener()
// below builds the same message whole (for checks and tests).
import type { Expose, ListenerAddress } from '../model/types.js';
import { chainRouteConfigName, listenerName } from '../model/names.js';
import { listenerAddress, statName } from './core.js';
import { httpConnectionManagerFilter, tcpProxyFilter, tlsInspectorListenerFilter, udpProxyListenerFilter } from './filters.js';
import { asJsonObject, byName, isJsonObject, sortedUnique, type JsonObject } from '../proto/json.js';
import { RouteConfiguration, VirtualHost } from './route.js';
import { ALPN_PROTOCOLS, downstreamTlsTransportSocket } from './tls.js';

/** A server name Envoy takes: no `*`, or one leading `*.` and none elsewhere. */
export function isServerNamePattern(name: string): boolean {
  return !name.includes('*') || (name.startsWith('*.') && !name.slice(2).includes('*'));
}

/** What an expose asks of its listener. */
export type ListenerKind = 'tcp' | 'sni' | 'http' | 'https' | 'udp';

/** The name of the one plain-HTTP filter chain a listener has, shared by every service on it. */
export const HTTP_CHAIN = 'http';

export interface ListenerPart {
  /** The listener name: `<addr>:<port>/<protocol>`. */
  readonly name: string;
  readonly address: ListenerAddress;
  readonly kind: ListenerKind;
  /** Section rid of the expose that asks for it. */
  readonly expose: string;
  /**
   * The filter chain the expose brings: its own (named after its cluster) for tcp, sni and https;
   * for http, the shared chain (named HTTP_CHAIN) as this expose would build it. None for udp.
   */
  readonly chain?: JsonObject;
  /** The lower-cased SNI names the chain matches; empty: a chain without server names (the default). */
  readonly serverNames: readonly string[];
  /** udp: the udp_proxy listener filter (a UDP listener has no filter chains). */
  readonly udpFilter?: JsonObject;
  /** https: the chain's own RouteConfiguration (its virtual hosts only). */
  readonly routeConfiguration?: JsonObject;
  /** http: route.v3.VirtualHost messages for the listener's shared RouteConfiguration. */
  readonly virtualHosts: readonly JsonObject[];
  /** The expose brings filter_config_data or http2 = false (a plain-HTTP expose without either joins the shared chain as built). */
  readonly filterConfig: boolean;
}

export function listenerKind(expose: Expose): ListenerKind {
  if (expose.protocol === 'udp') return 'udp';
  if (expose.vhosts.length > 0) return expose.listenerCertificates.length > 0 ? 'https' : 'http';
  return expose.sni.length > 0 ? 'sni' : 'tcp';
}

/**
 * SNI names a chain matches on, lower-cased (as Envoy files them). A name Envoy cannot match on
 * (`*`, or a vhost domain wildcard such as `shop.*` or `*-shop.acme.org`: Envoy refuses partial
 * wildcards in server_names) makes the chain match any name: it becomes the listener's default
 * chain, and the RouteConfiguration still picks the virtual host by the Host header.
 */
function serverNames(names: readonly string[]): string[] {
  if (names.length === 0 || !names.every(isServerNamePattern)) return [];
  return sortedUnique(names.map((n) => n.toLowerCase()));
}

function matchOn(names: readonly string[]): JsonObject {
  return names.length === 0 ? {} : { filter_chain_match: { server_names: [...names] } };
}

function l4Chain(expose: Expose, names: readonly string[]): JsonObject {
  const chain: JsonObject = {
    name: expose.clusterName,
    ...matchOn(names),
    filters: [tcpProxyFilter(statName(expose.clusterName), expose.clusterName, asJsonObject(expose.filterConfigData))],
  };
  if (expose.listenerCertificates.length === 0) return chain;
  return { ...chain, transport_socket: downstreamTlsTransportSocket(expose.listenerCertificates, []) };
}

/** The operator's connection manager data, with `http2 = false` as the HTTP1 codec beneath it. */
function hcmData(expose: Pick<Expose, 'filterConfigData' | 'http2'>): JsonObject {
  const data = asJsonObject(expose.filterConfigData);
  return expose.http2 || data['codec_type'] !== undefined ? data : { codec_type: 'HTTP1', ...data };
}

/** The plain-HTTP chain of a listener, built with one expose's data (shared by every plain-HTTP expose on it). */
export function httpChain(listener: string, expose: Pick<Expose, 'filterConfigData' | 'http2'>): JsonObject {
  return { name: HTTP_CHAIN, filters: [httpConnectionManagerFilter(statName(listener), listener, hcmData(expose))] };
}

/**
 * ALPN follows the codec the connection manager speaks: h2 only where it can speak HTTP/2
 * (AUTO: both, HTTP1: http/1.1 only, HTTP2: h2 only).
 */
export function alpnFor(hcm: JsonObject): readonly string[] {
  const config = isJsonObject(hcm['typed_config']) ? hcm['typed_config'] : {};
  const codec = config['codec_type'] ?? 'AUTO';
  return codec === 'HTTP1' ? ['http/1.1'] : codec === 'HTTP2' ? ['h2'] : ALPN_PROTOCOLS;
}

function httpsChain(expose: Expose, listener: string, names: readonly string[]): JsonObject {
  const routes = chainRouteConfigName(listener, expose.clusterName);
  const hcm = httpConnectionManagerFilter(statName(listener), routes, hcmData(expose));
  return {
    name: expose.clusterName,
    ...matchOn(names),
    filters: [hcm],
    transport_socket: downstreamTlsTransportSocket(expose.listenerCertificates, alpnFor(hcm)),
  };
}

/** The listener contribution of one expose. */
export function exposeListenerPart(expose: Expose): ListenerPart {
  const { address, port, protocol } = expose.listener;
  const name = listenerName(address, port, protocol);
  const kind = listenerKind(expose);
  const base = { name, address: expose.listener, kind, expose: expose.rid, virtualHosts: [], filterConfig: expose.filterConfigData !== undefined || !expose.http2 };
  switch (kind) {
    case 'udp':
      return { ...base, serverNames: [], udpFilter: udpProxyListenerFilter(statName(expose.clusterName), expose.clusterName, asJsonObject(expose.filterConfigData)) };
    case 'tcp':
    case 'sni': {
      const names = serverNames(expose.sni);
      return { ...base, serverNames: names, chain: l4Chain(expose, names) };
    }
    case 'http':
      return { ...base, serverNames: [], chain: httpChain(name, expose), virtualHosts: expose.vhosts.map(VirtualHost) };
    case 'https': {
      // with `sni`, the chain matches those names (the OpenSVC documentation's SNI then L7 steps)
      const names = serverNames(expose.sni.length > 0 ? expose.sni : expose.vhosts.flatMap((v) => v.hostnames));
      const routeConfiguration = RouteConfiguration(chainRouteConfigName(name, expose.clusterName), expose.vhosts.map(VirtualHost));
      return { ...base, serverNames: names, chain: httpsChain(expose, name, names), routeConfiguration };
    }
  }
}

function hasServerNames(chain: JsonObject): boolean {
  const match = chain['filter_chain_match'];
  return isJsonObject(match) && Array.isArray(match['server_names']);
}

/** listener.v3.Listener fields that come before filter_chains (field 3): name and address. */
export function listenerHead(name: string, address: ListenerAddress): JsonObject {
  return { name, address: listenerAddress(address) };
}

/**
 * listener.v3.Listener fields that come after filter_chains: tls_inspector first when a chain
 * matches on server names (Envoy no longer injects it by itself), with
 * continue_on_listener_filters_timeout: a client that waits for the server to speak first (SSH,
 * SMTP, MySQL on a plain TCP expose beside SNI ones) gives the tls_inspector nothing to read, and
 * Envoy would close it after listener_filters_timeout (15 s) instead of handing it to the chain
 * without server names. Set with the inspector (not only when such a chain exists) so that a plain
 * expose joining or leaving changes the filter chains alone, which Envoy updates in place without
 * draining the listener.
 */
export function listenerTail(sniMatching: boolean, listenerFilters: readonly JsonObject[]): JsonObject {
  const filters = [...(sniMatching ? [tlsInspectorListenerFilter()] : []), ...listenerFilters];
  return {
    ...(filters.length > 0 ? { listener_filters: filters } : {}),
    ...(sniMatching ? { continue_on_listener_filters_timeout: true } : {}),
  };
}

/** listener.v3.Listener, whole: filter chains sorted by name (what the pipeline assembles from parts). */
export function Listener(name: string, address: ListenerAddress, filterChains: readonly JsonObject[], listenerFilters: readonly JsonObject[]): JsonObject {
  const chains = [...filterChains].sort(byName((c) => String(c['name'])));
  return {
    ...listenerHead(name, address),
    ...(chains.length > 0 ? { filter_chains: chains } : {}),
    ...listenerTail(chains.some(hasServerNames), listenerFilters),
  };
}

/** A listener holding this part alone (what an expose would get on a listener of its own). */
export function partListener(part: ListenerPart): JsonObject {
  return Listener(part.name, part.address, part.chain ? [part.chain] : [], part.udpFilter ? [part.udpFilter] : []);
}
