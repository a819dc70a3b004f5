// Where Envoy would send a request, computed from the resources the janitor serves, following
// Envoy's documented selection (no Envoy binary runs here):
//   1. the listener's filter chain by SNI (FilterChainManagerImpl: an exact server name, then the
//      longest `*.suffix` wildcard, then the chain without server names; none: the connection is
//      closed);
//   2. its DownstreamTlsContext: require_client_certificate and no client certificate → the
//      handshake fails;
//   3. the chain's HTTP connection manager → the RouteConfiguration its rds names;
//   4. the virtual host by Host (RouteMatcher: exact domain, then the longest `*.suffix` or
//      `*suffix`, then the longest `prefix*`, then `*`; none → 404);
//   5. the first route whose match takes the path (prefix, path or safe_regex; case-sensitive by
//      default) → its cluster, or its redirect / direct response.
import { isJsonObject, type JsonObject, type JsonValue } from '../../src/proto/json.js';

export type Outcome =
  | { readonly kind: 'closed'; readonly why: string }
  | { readonly kind: 'not-found'; readonly routeConfiguration: string }
  | { readonly kind: 'cluster'; readonly cluster: string; readonly routeConfiguration: string }
  | { readonly kind: 'tcp'; readonly cluster: string; readonly terminated: boolean }
  | { readonly kind: 'redirect' | 'direct'; readonly routeConfiguration: string };

export interface Request {
  readonly listener: string;
  /** The TLS server name the client sends; undefined: none (or plain text). */
  readonly sni?: string;
  readonly clientCertificate: boolean;
  readonly host: string;
  readonly path: string;
}

function objects(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? (v as readonly JsonValue[]).filter(isJsonObject) : [];
}

function at(v: JsonValue | undefined, ...keys: string[]): JsonValue | undefined {
  let cur = v;
  for (const k of keys) cur = isJsonObject(cur) ? cur[k] : undefined;
  return cur;
}

function serverNames(chain: JsonObject): string[] {
  const names = at(chain, 'filter_chain_match', 'server_names');
  return Array.isArray(names) ? (names as readonly JsonValue[]).filter((n): n is string => typeof n === 'string') : [];
}

export function chainFor(listener: JsonObject, sni: string | undefined): JsonObject | undefined {
  const chains = objects(listener['filter_chains']);
  const name = sni?.toLowerCase();
  if (name !== undefined) {
    const exact = chains.find((c) => serverNames(c).includes(name));
    if (exact) return exact;
    let best: { chain: JsonObject; length: number } | undefined;
    for (const c of chains) {
      for (const n of serverNames(c)) {
        if (n.startsWith('*.') && name.endsWith(n.slice(1)) && (best === undefined || n.length > best.length)) best = { chain: c, length: n.length };
      }
    }
    if (best) return best.chain;
  }
  return chains.find((c) => serverNames(c).length === 0);
}

function domainScore(domain: string, host: string): number | undefined {
  const d = domain.toLowerCase();
  if (d === host) return 4e6;
  if (d === '*') return 0;
  if (d.startsWith('*') && host.endsWith(d.slice(1)) && host.length > d.length - 1) return 3e6 + d.length;
  if (d.endsWith('*') && host.startsWith(d.slice(0, -1)) && host.length > d.length - 1) return 2e6 + d.length;
  return undefined;
}

export function vhostFor(config: JsonObject, hostHeader: string): JsonObject | undefined {
  const host = hostHeader.toLowerCase();
  let best: { vhost: JsonObject; score: number } | undefined;
  for (const vhost of objects(config['virtual_hosts'])) {
    for (const d of (at(vhost, 'domains') as string[] | undefined) ?? []) {
      const score = domainScore(d, host);
      if (score !== undefined && (best === undefined || score > best.score)) best = { vhost, score };
    }
  }
  return best?.vhost;
}

function routeTakes(match: JsonValue | undefined, path: string): boolean {
  const insensitive = at(match, 'case_sensitive', 'value') === false || at(match, 'case_sensitive') === false;
  const p = insensitive ? path.toLowerCase() : path;
  const cmp = (s: JsonValue | undefined): string => (typeof s === 'string' ? (insensitive ? s.toLowerCase() : s) : '\u0000');
  if (at(match, 'prefix') !== undefined) return p.startsWith(cmp(at(match, 'prefix')));
  if (at(match, 'path') !== undefined) return p === cmp(at(match, 'path'));
  const regex = at(match, 'safe_regex', 'regex');
  return typeof regex === 'string' && new RegExp(`^(?:${regex.replace(/^\(\?i\)/, '')})$`, regex.startsWith('(?i)') ? 'i' : '').test(path);
}

/** Where `req` goes, given the listeners and route configurations served (by name). */
export function resolve(listeners: ReadonlyMap<string, JsonObject>, routes: ReadonlyMap<string, JsonObject>, req: Request): Outcome {
  const listener = listeners.get(req.listener);
  if (listener === undefined) return { kind: 'closed', why: 'no such listener' };
  const chain = chainFor(listener, req.sni);
  if (chain === undefined) return { kind: 'closed', why: 'no filter chain matches' };
  const tls = at(chain, 'transport_socket', 'typed_config');
  if (isJsonObject(tls)) {
    if (req.sni === undefined && serverNames(chain).length > 0) return { kind: 'closed', why: 'TLS expected' };
    const required = at(tls, 'require_client_certificate', 'value') === true || at(tls, 'require_client_certificate') === true;
    if (required && !req.clientCertificate) return { kind: 'closed', why: 'client certificate required' };
  }
  const hcm = objects(chain['filters']).map((f) => at(f, 'typed_config')).find((c) => isJsonObject(c) && isJsonObject(c['rds']));
  const name = at(hcm, 'rds', 'route_config_name');
  if (typeof name !== 'string') {
    const tcp = objects(chain['filters']).map((f) => at(f, 'typed_config', 'cluster')).find((c) => typeof c === 'string');
    return typeof tcp === 'string' ? { kind: 'tcp', cluster: tcp, terminated: isJsonObject(tls) } : { kind: 'closed', why: 'no proxy filter' };
  }
  const config = routes.get(name);
  if (config === undefined) return { kind: 'closed', why: `RouteConfiguration ${name} not served` };
  const vhost = vhostFor(config, req.host);
  if (vhost === undefined) return { kind: 'not-found', routeConfiguration: name };
  const route = objects(vhost['routes']).find((r) => routeTakes(r['match'], req.path));
  if (route === undefined) return { kind: 'not-found', routeConfiguration: name };
  const cluster = at(route, 'route', 'cluster');
  if (typeof cluster === 'string') return { kind: 'cluster', cluster, routeConfiguration: name };
  return { kind: isJsonObject(route['redirect']) ? 'redirect' : 'direct', routeConfiguration: name };
}
