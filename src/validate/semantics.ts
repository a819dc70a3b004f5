// Envoy's own checks, beyond the .proto shape and validate.rules: what a real Envoy (1.36) refuses
// in C++ when it builds a resource, so that a message passing the proto validator is still NACKed.
// Each rule names the Envoy function that enforces it. They guard both the janitor's translation
// and what operators bring in through `cluster_data` and `filter_config_data`.
//
// Listener (source/common/listener_manager/):
//   - ListenerImpl::validateFilterChains: a TCP listener needs a filter chain; a connection-less
//     UDP listener (udp_proxy) must have none.
//   - FilterChainManagerImpl::addFilterChains: server_names take only a leading `*.` wildcard
//     ("partial wildcards are not supported"); two chains whose matches are equal, or share a
//     server name once lower-cased (`*.a.org` counts as `.a.org`), are refused ("same matching
//     rules" / "overlapping matching rules"), also for one name twice in one chain.
//   - server_names without the tls_inspector listener filter are accepted but never match.
//   - every listener, network and HTTP filter needs a typed_config (or config_discovery): Envoy
//     finds the factory by its type URL (Config::Utility::getAndCheckFactory); in an HTTP
//     connection manager the router, a terminal filter, comes last and only last
//     (FilterChainUtility / HttpConnectionManagerConfig::processFilter).
// RouteConfiguration (source/common/router/config_impl.cc, RouteMatcher::RouteMatcher): domains
//   lower-cased are unique across virtual hosts, and `*` appears once. A regex whose RE2 program is
//   over Envoy's default limit of 100 (re2size.ts) is refused too, anywhere.
// Cluster: ClientContextConfigImpl (source/common/tls/context_config_impl.cc) refuses more than one
//   client certificate in an UpstreamTlsContext; the cluster factory
//   (source/common/upstream/cluster_factory_impl.cc, ClusterFactoryImplBase::create) refuses
//   lb_policy CLUSTER_PROVIDED / ORIGINAL_DST_LB on an EDS cluster; ClusterInfoImpl::
//   configureLbPolicies (upstream_impl.cc) refuses a `cluster_data` load_balancing_policy beside
//   lb_subset_config or common_lb_config's zone_aware / locality_weighted / consistent_hashing.
// The RE2 check assumes Envoy's default `re2.max_program_size.error_level`. More checks (load
// balancers, HTTP connection manager, routes): checks.ts.
import { TYPE_URL_PREFIX } from '../envoy/any.js';
import type { Validate } from './check.js';
import { MSG } from '../envoy/core.js';
import { FILTER } from '../envoy/filters.js';
import { isServerNamePattern } from '../envoy/listener.js';
import { canonicalJson, isJsonObject, omit, type JsonObject, type JsonValue } from '../proto/json.js';
import { clusterChecks, hcmChecks, regexChecks, routeChecks, treeChecks } from './checks.js';

function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? (value as readonly JsonValue[]).filter(isJsonObject) : [];
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? (value as readonly JsonValue[]).filter((v): v is string => typeof v === 'string') : [];
}

function field(obj: JsonValue | undefined, name: string): JsonValue | undefined {
  return isJsonObject(obj) ? obj[name] : undefined;
}


/** The key Envoy files a server name under (FilterChainManagerImpl::addFilterChainForServerNames). */
function serverNameKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('*.') ? lower.slice(1) : lower;
}

function chainIssues(chains: readonly JsonObject[]): string[] {
  const issues: string[] = [];
  const owners = new Map<string, string>();
  chains.forEach((chain, i) => {
    const match = isJsonObject(chain['filter_chain_match']) ? chain['filter_chain_match'] : {};
    const names = strings(match['server_names']);
    const label = `filter chain ${JSON.stringify(chain['name'] ?? i)}`;
    for (const name of names.filter((n) => !isServerNamePattern(n))) {
      issues.push(`filter_chains[${i}].filter_chain_match.server_names: ${JSON.stringify(name)} is a partial wildcard; Envoy takes only a leading "*."`);
    }
    const rest = canonicalJson(omit(match, ['server_names']));
    for (const key of names.length === 0 ? [''] : names.map(serverNameKey)) {
      const owner = owners.get(`${rest}\u0000${key}`);
      const what = key === '' ? 'no server name' : `server name ${JSON.stringify(key.startsWith('.') ? `*${key}` : key)}`;
      if (owner !== undefined) issues.push(`filter_chains[${i}]: ${label} and ${owner} both match ${what}; Envoy refuses overlapping filter chain matches`);
      else owners.set(`${rest}\u0000${key}`, label);
    }
  });
  return issues;
}

function typedFilterIssues(filters: readonly JsonObject[], where: string): string[] {
  return filters.flatMap((f, i) =>
    isJsonObject(f['typed_config']) || isJsonObject(f['config_discovery']) ? [] : [`${where}[${i}]: filter ${JSON.stringify(f['name'] ?? '')} has no typed_config; Envoy finds a filter by its type URL`],
  );
}

function httpFilterIssues(hcm: JsonObject, where: string): string[] {
  const filters = objects(hcm['http_filters']);
  const issues = typedFilterIssues(filters, `${where}.http_filters`);
  const routers = filters.flatMap((f, i) => (f['name'] === FILTER.router ? [i] : []));
  if (routers.length !== 1 || routers[0] !== filters.length - 1) issues.push(`${where}.http_filters: the router must be the last HTTP filter, once`);
  return issues;
}

const HCM = `${TYPE_URL_PREFIX}${MSG.httpConnectionManager}`;

function filterIssues(chains: readonly JsonObject[], listenerFilters: readonly JsonObject[]): string[] {
  const issues = typedFilterIssues(listenerFilters, 'listener_filters');
  chains.forEach((chain, i) => {
    const filters = objects(chain['filters']);
    issues.push(...typedFilterIssues(filters, `filter_chains[${i}].filters`));
    filters.forEach((f, j) => {
      const config = f['typed_config'];
      if (isJsonObject(config) && config['@type'] === HCM) {
        issues.push(...httpFilterIssues(config, `filter_chains[${i}].filters[${j}].typed_config`));
        issues.push(...hcmChecks(config, `filter_chains[${i}].filters[${j}].typed_config`, false));
      }
    });
  });
  return issues;
}

function listenerIssues(listener: JsonObject): string[] {
  const chains = objects(listener['filter_chains']);
  const udp = field(field(listener['address'], 'socket_address'), 'protocol') === 'UDP';
  const hasDefault = isJsonObject(listener['default_filter_chain']);
  const issues: string[] = [];
  if (udp && (chains.length > 0 || hasDefault)) issues.push('filter_chains: a connection-less UDP listener takes no filter chains');
  if (!udp && chains.length === 0 && !hasDefault) issues.push('filter_chains: a TCP listener needs at least one filter chain');
  issues.push(...chainIssues(chains));
  issues.push(...filterIssues(chains, objects(listener['listener_filters'])));
  const tree = treeChecks(listener, '', true);
  issues.push(...tree.regex, ...tree.tls);
  const usesServerNames = chains.some((c) => strings(field(c['filter_chain_match'], 'server_names')).length > 0);
  const inspector = objects(listener['listener_filters']).some((f) => f['name'] === FILTER.tlsInspector);
  if (usesServerNames && !inspector) issues.push('listener_filters: filter chains match on server_names but the tls_inspector listener filter is missing; they would never match');
  return issues;
}

function regexIssues(vhost: JsonObject, i: number): string[] {
  return objects(vhost['routes']).flatMap((route, j) => [...regexChecks(route, `virtual_hosts[${i}].routes[${j}]`), ...routeChecks(route, `virtual_hosts[${i}].routes[${j}]`)]);
}

function routeConfigurationIssues(config: JsonObject): string[] {
  const issues: string[] = [];
  const owners = new Map<string, string>();
  objects(config['virtual_hosts']).forEach((vhost, i) => {
    issues.push(...regexIssues(vhost, i));
    const name = JSON.stringify(vhost['name'] ?? i);
    for (const domain of strings(vhost['domains'])) {
      const key = domain.toLowerCase();
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, name);
      else if (key === '*') issues.push(`virtual_hosts[${i}].domains: only one virtual host may have the domain "*" (${owner} has it too)`);
      else issues.push(`virtual_hosts[${i}].domains: ${JSON.stringify(domain)} is also a domain of ${owner === name ? 'this virtual host' : owner}; Envoy refuses duplicate domains`);
    }
  });
  return issues;
}

const UPSTREAM_TLS = `${TYPE_URL_PREFIX}${MSG.upstreamTlsContext}`;

function clusterIssues(cluster: JsonObject): string[] {
  const tree = treeChecks(cluster, '', true);
  const issues: string[] = [...clusterChecks(cluster), ...tree.regex, ...tree.tls];
  const tls = field(cluster['transport_socket'], 'typed_config');
  if (isJsonObject(tls) && tls['@type'] === UPSTREAM_TLS) {
    const common = tls['common_tls_context'];
    const count = objects(field(common, 'tls_certificates')).length + objects(field(common, 'tls_certificate_sds_secret_configs')).length;
    if (count > 1) issues.push(`transport_socket: an upstream TLS context presents one client certificate, and this one has ${count}`);
  }
  const policy = cluster['lb_policy'];
  if (cluster['type'] === 'EDS' && (policy === 'CLUSTER_PROVIDED' || policy === 'ORIGINAL_DST_LB')) {
    issues.push(`lb_policy: ${String(policy)} is not valid for an EDS cluster`);
  }
  if (isJsonObject(cluster['load_balancing_policy'])) {
    const common = cluster['common_lb_config'];
    const partial = ['zone_aware_lb_config', 'locality_weighted_lb_config', 'consistent_hashing_lb_config'].filter((f) => field(common, f) !== undefined);
    if (cluster['lb_subset_config'] !== undefined) issues.push('load_balancing_policy: cannot be combined with lb_subset_config');
    if (partial.length > 0) issues.push(`load_balancing_policy: cannot be combined with common_lb_config.${partial.join(', ')}`);
  }
  return issues;
}

/** The issues of one element checked as the first of its list, with that list prefix taken off. */
function asPart(issues: readonly string[], prefix: string): string[] {
  return issues.map((issue) => (issue.startsWith(`${prefix}.`) ? issue.slice(prefix.length + 1) : issue.startsWith(prefix) ? issue.slice(prefix.length) : issue));
}

/**
 * Envoy's semantic checks of a message (see above); the proto shape is assumed valid. A
 * FilterChain or a VirtualHost alone gets the checks that concern it alone (the pipeline checks
 * parts; what concerns several chains or virtual hosts is settled by its claims, conflicts.ts).
 */
export const envoySemantics: Validate = (fullName, obj) => {
  switch (fullName) {
    case MSG.listener:
      return listenerIssues(obj);
    case MSG.filterChain: {
      const tree = treeChecks(obj, '', true);
      return [...asPart([...chainIssues([obj]), ...filterIssues([obj], [])], 'filter_chains[0]'), ...tree.regex, ...tree.tls];
    }
    case MSG.routeConfiguration:
      return routeConfigurationIssues(obj);
    case MSG.virtualHost:
      return asPart(routeConfigurationIssues({ virtual_hosts: [obj] }), 'virtual_hosts[0]');
    case MSG.cluster:
      return clusterIssues(obj);
    default:
      return [];
  }
};
