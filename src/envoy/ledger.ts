// Who holds which key of the shared configuration while services are assembled in path order.
// A key may be shared when both holders bring the very same content (the plain-HTTP filter chain
// of a listener); otherwise the first holder keeps it and the later service is refused whole,
// naming the holder. Secrets are not claimed: services naming the same SDS secret read the same
// sec object, and two versions of it (a rotation seen by one service's rebuild before the other's)
// must not take a service down; gateway.ts serves the version of the first service in path order.
//
// The model's resolveConflicts runs first (same path order) and settles most collisions: one UDP
// expose per listener, TCP and HTTP apart, one catch-all TCP chain, an SNI name or a domain once,
// TLS or not on an HTTP listener. This ledger still decides what the model cannot see, because
// it follows from how the translation builds chains:
// - two TLS exposes whose chains both end up without server names (a vhost domain such as `*`,
//   `shop.*` or `*-shop.org` is no SNI pattern Envoy takes, listener.ts serverNamesMatch): two
//   default chains (golden conflict-tls-default-chain);
// (A later plain-HTTP expose without filter_config_data joins the chain its listener's first holder
// built: it claims no chain, as the model's resolveConflicts lets it; one that brings other data
// claims the chain and is refused, here as in the model.)
// - resource names two services would both emit (cluster names are `<path>.<rid>`, so only for odd
//   paths or rids), and anything a caller assembles without running resolveConflicts first.
// It is also the last guard before Envoy sees two chains with one match.
import type { Problem } from '../model/types.js';
import { canonicalJson, isJsonObject, type JsonObject } from '../proto/json.js';
import { HTTP_CHAIN, type ListenerPart } from './listener.js';
import type { ServiceResources } from './service.js';

export interface Claim {
  readonly key: string;
  /** What is claimed, for the operator: `listener 0.0.0.0:80/tcp filter chain http`. */
  readonly what: string;
  readonly section: string;
  /** Equal content means the key may be shared. */
  readonly content: string;
  /** Shares the key whatever its holder's content (the plain-HTTP chain, joined without filter_config_data). */
  readonly joins?: boolean;
}

export interface Holder {
  readonly service: string;
  readonly content: string;
}

export type Ledger = Map<string, Holder>;

/** The SNI names a chain answers; `*` for a chain without server names (it takes the rest). */
function chainServerNames(chain: JsonObject): string[] {
  const match = chain['filter_chain_match'];
  const names = isJsonObject(match) ? match['server_names'] : undefined;
  return Array.isArray(names) ? names.map(String) : ['*'];
}

function listenerClaims(part: ListenerPart): Claim[] {
  const claim = (key: string, what: string, content: string): Claim => ({ key: `${part.name}\u0000${key}`, what: `listener ${part.name} ${what}`, section: part.expose, content });
  const claims: Claim[] = [];
  for (const chain of part.filterChains) {
    const content = canonicalJson(chain);
    const chainName = String(chain['name']);
    const what = chainName === HTTP_CHAIN ? 'plain-HTTP filter chain (with another filter_config_data)' : `filter chain ${chainName}`;
    const joins = chainName === HTTP_CHAIN && !part.filterConfig ? { joins: true } : {};
    claims.push({ ...claim(`chain\u0000${chainName}`, what, content), ...joins });
    for (const sni of chainServerNames(chain)) {
      const what = sni === '*' ? 'default filter chain (no server name)' : `server name ${sni}`;
      claims.push({ ...claim(`sni\u0000${sni.toLowerCase()}`, what, content), ...joins });
    }
  }
  for (const filter of part.listenerFilters) claims.push(claim(`filter\u0000${String(filter['name'])}`, `listener filter ${String(filter['name'])}`, canonicalJson(filter)));
  for (const vhost of part.virtualHosts) {
    const domains = Array.isArray(vhost['domains']) ? (vhost['domains'] as readonly unknown[]) : [];
    for (const domain of domains) claims.push(claim(`domain\u0000${String(domain).toLowerCase()}`, `domain ${String(domain)}`, String(vhost['name'])));
  }
  return claims;
}

/** Claims are computed once per ServiceResources object (the janitor keeps those per service). */
const claimCache = new WeakMap<ServiceResources, readonly Claim[]>();

/** Every key a service would hold. */
export function serviceClaims(resources: ServiceResources): readonly Claim[] {
  const cached = claimCache.get(resources);
  if (cached) return cached;
  const claims = computeClaims(resources);
  claimCache.set(resources, claims);
  return claims;
}

function computeClaims(resources: ServiceResources): Claim[] {
  const own = (prefix: string, list: ServiceResources['clusters']): Claim[] =>
    list.map((m) => ({ key: `${prefix}\u0000${m.name}`, what: `${prefix} ${m.name}`, section: m.section, content: canonicalJson(m.message) }));
  return [
    ...own('cluster', resources.clusters),
    ...own('endpoints', resources.endpoints),
    ...resources.listeners.flatMap(listenerClaims),
  ];
}

/**
 * The conflicts a service would have with the ledger (and within itself); empty: it fits. One
 * problem per section and holder: the first key they collide on.
 */
export function conflicts(ledger: Ledger, service: string, claims: readonly Claim[]): Problem[] {
  const local = new Map<string, Holder>();
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const c of claims) {
    const holder = ledger.get(c.key) ?? local.get(c.key);
    if (holder && !c.joins && holder.content !== c.content && !reported.has(`${c.section}\u0000${holder.service}`)) {
      reported.add(`${c.section}\u0000${holder.service}`);
      const by = holder.service === service ? 'another section of this service' : holder.service;
      problems.push({ service, section: c.section, reason: 'Conflict', message: `${c.what} is already taken by ${by}` });
    }
    if (!holder) local.set(c.key, { service, content: c.content });
  }
  return problems;
}

export function record(ledger: Ledger, service: string, claims: readonly Claim[]): void {
  for (const c of claims) if (!ledger.has(c.key)) ledger.set(c.key, { service, content: c.content });
}
