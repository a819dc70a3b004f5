// Envoy's C++ checks (src/envoy/semantics.ts): messages the proto validator accepts and a real
// Envoy NACKs, and the translation never producing them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullCheck, protoRules } from '../../src/validate/check.js';
import { Cluster } from '../../src/envoy/cluster.js';
import { MSG } from '../../src/envoy/core.js';
import { tcpProxyFilter, tlsInspectorListenerFilter, udpProxyListenerFilter } from '../../src/envoy/filters.js';
import type { JsonObject } from '../../src/proto/json.js';
import { exposeListenerPart, Listener, partListener } from '../../src/envoy/listener.js';
import { envoySemantics } from '../../src/validate/semantics.js';
import { certificate, expose, httpExpose } from './fixtures.js';

const P = 'test/svc/web1';
const address = { socket_address: { address: '0.0.0.0', port_value: 443 } };

function chain(name: string, serverNames?: readonly string[]): JsonObject {
  return {
    name,
    ...(serverNames ? { filter_chain_match: { server_names: [...serverNames] } } : {}),
    filters: [tcpProxyFilter(name, name)],
  };
}

function listener(chains: readonly JsonObject[], inspector = true): JsonObject {
  return { name: 'l', address, ...(inspector ? { listener_filters: [tlsInspectorListenerFilter()] } : {}), filter_chains: [...chains] };
}

/** The message passes the proto validator, so only Envoy's own checks can refuse it. */
function semantics(fullName: string, obj: JsonObject): readonly string[] {
  expect(protoRules(fullName, obj)).toEqual([]);
  return envoySemantics(fullName, obj);
}

function listenerOf(e: ReturnType<typeof expose>): JsonObject {
  const part = exposeListenerPart(e);
  return partListener(part);
}

describe('Envoy listener checks (FilterChainManagerImpl::addFilterChains, ListenerImpl::validateFilterChains)', () => {
  it('accepts distinct names, a leading *. wildcard and one default chain', () => {
    expect(semantics(MSG.listener, listener([chain('a', ['a.acme.org']), chain('w', ['*.acme.org']), chain('d')]))).toEqual([]);
  });

  it('refuses partial wildcards in server_names', () => {
    for (const name of ['www.*', '*-shop.acme.org', 'a.*.org', '*']) {
      expect(semantics(MSG.listener, listener([chain('a', [name])])).join()).toMatch(/partial wildcard/);
    }
  });

  it('refuses one server name in two chains, compared lower-cased', () => {
    const issues = semantics(MSG.listener, listener([chain('a', ['WWW.acme.org']), chain('b', ['www.acme.org'])]));
    expect(issues.join()).toMatch(/"a" and .*"b"|"b".*"a"/);
  });

  it('refuses a name twice in one chain once lower-cased, and two default chains', () => {
    expect(semantics(MSG.listener, listener([chain('a', ['A.acme.org', 'a.acme.org'])]))).toHaveLength(1);
    expect(semantics(MSG.listener, listener([chain('a'), chain('b')])).join()).toMatch(/no server name/);
  });

  it('needs the tls_inspector for server_names, a chain on TCP, none on UDP', () => {
    expect(semantics(MSG.listener, listener([chain('a', ['a.acme.org'])], false)).join()).toMatch(/tls_inspector/);
    expect(semantics(MSG.listener, { name: 'l', address }).join()).toMatch(/at least one filter chain/);
    const udpAddress = { socket_address: { protocol: 'UDP', address: '0.0.0.0', port_value: 53 } };
    const udp = { name: 'u', address: udpAddress, listener_filters: [udpProxyListenerFilter('c', 'c')] };
    expect(semantics(MSG.listener, udp)).toEqual([]);
    expect(semantics(MSG.listener, { ...udp, filter_chains: [chain('c')] }).join()).toMatch(/UDP listener takes no filter chains/);
  });
});

describe('Envoy filter checks (getAndCheckFactory by type URL; router last)', () => {
  const hcmListener = (httpFilters: readonly JsonObject[]): JsonObject => {
    const part = exposeListenerPart(httpExpose(P, 'expose#1', ['a.acme.org'], 80));
    const l = partListener(part);
    const text = JSON.stringify(l).replace(/"http_filters":\[[^\]]*\]/, `"http_filters":${JSON.stringify(httpFilters)}`);
    return JSON.parse(text) as JsonObject;
  };
  const router = { name: 'envoy.filters.http.router', typed_config: { '@type': `type.googleapis.com/${MSG.router}` } };

  it('the translated HCM passes; a filter without typed_config, no router or a router not last does not', () => {
    expect(semantics(MSG.listener, hcmListener([router]))).toEqual([]);
    expect(semantics(MSG.listener, hcmListener([{ name: 'x' }, router])).join()).toMatch(/"x" has no typed_config/);
    expect(semantics(MSG.listener, hcmListener([])).join()).toMatch(/router must be the last/);
    expect(semantics(MSG.listener, hcmListener([router, router])).join()).toMatch(/router must be the last/);
    expect(semantics(MSG.listener, listener([{ name: 'c', filters: [{ name: 'envoy.filters.network.tcp_proxy' }] }])).join()).toMatch(/has no typed_config/);
  });
});

describe('Envoy route configuration checks (RouteMatcher::RouteMatcher)', () => {
  const vhost = (name: string, domains: readonly string[]): JsonObject => ({ name, domains: [...domains], routes: [] });

  it('refuses a domain in two virtual hosts (case-insensitive) and "*" twice; host and host:80 are distinct', () => {
    expect(semantics(MSG.routeConfiguration, { name: 'r', virtual_hosts: [vhost('a', ['a.org', 'a.org:80']), vhost('b', ['b.org'])] })).toEqual([]);
    expect(semantics(MSG.routeConfiguration, { name: 'r', virtual_hosts: [vhost('a', ['A.org']), vhost('b', ['a.org'])] }).join()).toMatch(/duplicate domains/);
    expect(semantics(MSG.routeConfiguration, { name: 'r', virtual_hosts: [vhost('a', ['*']), vhost('b', ['*'])] }).join()).toMatch(/only one virtual host/);
  });
});

describe('Envoy cluster checks', () => {
  it('refuses two client certificates upstream (ClientContextConfigImpl), even when cluster_data is the one adding TLS', () => {
    const two = expose(P, 'expose#1', { clusterCertificates: [certificate('certificate#0', 'tls_certificate/test/sec/a'), certificate('certificate#1', 'tls_certificate/test/sec/b')] });
    expect(fullCheck(MSG.cluster, Cluster(two)).join()).toMatch(/one client certificate/);
    const one = expose(P, 'expose#1', { clusterCertificates: [certificate('certificate#0', 'tls_certificate/test/sec/a')] });
    expect(fullCheck(MSG.cluster, Cluster(one))).toEqual([]);
    const sds = (name: string): JsonObject => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });
    const typed = { '@type': `type.googleapis.com/${MSG.upstreamTlsContext}`, common_tls_context: { tls_certificate_sds_secret_configs: [sds('a'), sds('b')] } };
    const data = expose(P, 'expose#1', { clusterData: { transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: typed } } });
    expect(fullCheck(MSG.cluster, Cluster(data)).join()).toMatch(/one client certificate, and this one has 2/);
  });

  it('refuses CLUSTER_PROVIDED on an EDS cluster (ClusterInfoImpl)', () => {
    const c = { ...Cluster(expose(P, 'expose#1')), lb_policy: 'CLUSTER_PROVIDED' };
    expect(semantics(MSG.cluster, c).join()).toMatch(/not valid for an EDS cluster/);
  });

  it('refuses a load_balancing_policy beside lb_subset_config or partial common_lb_config (ClusterInfoImpl::configureLbPolicies)', () => {
    const policy = { policies: [{ typed_extension_config: { name: 'rr', typed_config: { '@type': 'type.googleapis.com/google.protobuf.Empty' } } }] };
    const base = Cluster(expose(P, 'expose#1'));
    expect(envoySemantics(MSG.cluster, { ...base, load_balancing_policy: policy })).toEqual([]);
    const bad = { ...base, load_balancing_policy: policy, lb_subset_config: {}, common_lb_config: { locality_weighted_lb_config: {} } };
    expect(envoySemantics(MSG.cluster, bad)).toEqual([
      'load_balancing_policy: cannot be combined with lb_subset_config',
      'load_balancing_policy: cannot be combined with common_lb_config.locality_weighted_lb_config',
    ]);
  });
});

describe('the translation never trips them', () => {
  const certs = [certificate('certificate#0', 'tls_certificate/test/sec/web1')];

  it('HTTPS vhost domains that are partial wildcards make the chain the TLS default (no server_names)', () => {
    for (const hostnames of [['shop.*'], ['*-shop.acme.org', 'www.acme.org'], ['*']]) {
      const l = listenerOf(httpExpose(P, 'expose#1', hostnames, 443, { listenerCertificates: certs }));
      expect(fullCheck(MSG.listener, l)).toEqual([]);
      const [only] = l['filter_chains'] as JsonObject[];
      expect(only?.['filter_chain_match']).toBeUndefined();
    }
  });

  it('HTTPS server names are lower-cased wildcards Envoy takes', () => {
    const l = listenerOf(httpExpose(P, 'expose#1', ['WWW.acme.org', '*.Shop.acme.org'], 443, { listenerCertificates: certs }));
    expect(fullCheck(MSG.listener, l)).toEqual([]);
    const [only] = l['filter_chains'] as JsonObject[];
    expect(only?.['filter_chain_match']).toEqual({ server_names: ['*.shop.acme.org', 'www.acme.org'] });
  });

  it('SNI chains beside a default TCP chain: a client that waits for the server still reaches the default chain', () => {
    const sni = exposeListenerPart(expose(P, 'expose#1', { sni: ['a.acme.org'] }));
    const plain = exposeListenerPart(expose(P, 'expose#2'));
    const l = Listener(sni.name, sni.address, [sni.chain, plain.chain].flatMap((c) => (c ? [c] : [])), []);
    expect(fullCheck(MSG.listener, l)).toEqual([]);
    expect(l['continue_on_listener_filters_timeout']).toBe(true);
    // Set with the inspector: the plain expose leaving changes the chains only (an in-place update).
    const alone = Listener(sni.name, sni.address, sni.chain ? [sni.chain] : [], []);
    expect({ ...alone, filter_chains: [] }).toEqual({ ...l, filter_chains: [] });
    expect(listenerOf(expose(P, 'expose#2'))['continue_on_listener_filters_timeout']).toBeUndefined();
  });
});

describe('stat names (Envoy tag extraction cuts a stat_prefix or cluster name at its first dot)', () => {
  // Envoy's default tag regexes (source/common/config/well_known_names.cc) take `^cluster\.((.*?)\.)`,
  // `^tcp\.((.*?)\.)` and `^(?:|listener(?=\.).*?\.)http\.((.*?)\.)`: with a dot inside the
  // prefix, the tag gets `test/svc/web1` and the rest of the name leaks into the metric name.
  const tagOf = (stat: string, prefix: string): string | undefined => new RegExp(`^${prefix}\\.((.*?)\\.)`).exec(stat)?.[2];

  it('tcp_proxy, HTTP connection manager and udp_proxy stat prefixes carry no dot', () => {
    const tcp = listenerOf(expose(P, 'expose#1'));
    const http = listenerOf(httpExpose(P, 'expose#2', ['web.acme.org'], 8080));
    const udp = listenerOf(expose(P, 'expose#3', { protocol: 'udp' }));
    const prefixes = JSON.stringify([tcp, http, udp]).match(/"stat_prefix":"[^"]*"/g) ?? [];
    expect(prefixes).toEqual(['"stat_prefix":"test/svc/web1_expose#1"', '"stat_prefix":"0_0_0_0:8080/tcp"', '"stat_prefix":"test/svc/web1_expose#3"']);
    expect(tagOf('tcp.test/svc/web1_expose#1.downstream_cx_total', 'tcp')).toBe('test/svc/web1_expose#1');
  });

  it('clusters get an alt_stat_name without dots; cluster_data may choose another', () => {
    const c = Cluster(expose(P, 'expose#1'));
    expect(c['alt_stat_name']).toBe('test/svc/web1_expose#1');
    expect(tagOf(`cluster.${String(c['alt_stat_name'])}.upstream_cx_total`, 'cluster')).toBe('test/svc/web1_expose#1');
    expect(Cluster(expose(P, 'expose#1', { clusterData: { alt_stat_name: 'web' } }))['alt_stat_name']).toBe('web');
    expect(fullCheck(MSG.cluster, c)).toEqual([]);
  });
});

describe('every golden output', () => {
  const dir = path.join(__dirname, '..', 'golden', 'cases');
  const outputs = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const kinds = [
    ['listeners', MSG.listener],
    ['routes', MSG.routeConfiguration],
    ['clusters', MSG.cluster],
  ] as const;

  it.each(outputs)('%s: the assembled resources pass Envoy\'s checks', (file) => {
    const output = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    for (const [kind, fullName] of kinds) {
      const list = Array.isArray(output[kind]) ? (output[kind] as JsonObject[]) : [];
      for (const message of list) expect(envoySemantics(fullName, message), `${kind} ${String(message['name'])}`).toEqual([]);
    }
  });
});
