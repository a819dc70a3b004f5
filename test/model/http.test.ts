// vhosts, routes and hash policies through buildService.
import { describe, expect, it } from 'vitest';
import { buildService } from '../../src/model/service.js';
import { build, context, fails, HTTP, ROUTE, SVC, VHOST } from './support/build.js';
import { oneService, type ResourceSpec } from './support/state.js';

function http(route: Record<string, unknown>, extra: ResourceSpec = {}, expose: Record<string, unknown> = {}): ResourceSpec {
  return {
    'expose#0': ['expose.envoy', { ...HTTP, ...expose }],
    'vhost#0': ['vhost.envoy', { ...VHOST }],
    'route#0': ['route.envoy', { ...ROUTE, ...route }],
    ...extra,
  };
}

function firstRoute(route: Record<string, unknown>, extra: ResourceSpec = {}, expose: Record<string, unknown> = {}) {
  return build(http(route, extra, expose)).exposes[0]?.vhosts[0]?.routes[0];
}

describe('vhost domains', () => {
  it.each([
    [80, ['web1.acme.org', 'web1.acme.org:80']],
    [443, ['web1.acme.org', 'web1.acme.org:443']],
    [8443, ['web1.acme.org:8443']],
  ])('on listener port %i: %j', (port, domains) => {
    const v = build(http({}, {}, { listener_port: port })).exposes[0]?.vhosts[0];
    expect(v?.domains).toEqual(domains);
    expect(v?.name).toBe(`${SVC}.expose#0.vhost#0`);
  });

  it('default to the object name; keep the operator spelling in hostnames; lower-case domains', () => {
    const hosts = build({
      'expose#0': ['expose.envoy', { ...HTTP, vhosts: ['vhost#0', 'vhost#1'] }],
      'vhost#0': ['vhost.envoy', {}],
      'vhost#1': ['vhost.envoy', { domains: 'API.acme.org *.acme.org api.ACME.org' }],
    }).exposes[0]?.vhosts;
    expect(hosts?.map((h) => [h.hostnames, h.domains, h.routes])).toEqual([
      [['web1'], ['web1', 'web1:80'], []],
      [['API.acme.org', '*.acme.org'], ['api.acme.org', 'api.acme.org:80', '*.acme.org', '*.acme.org:80'], []],
    ]);
  });

  it('refuse bad domains and one domain in two vhosts of an expose', () => {
    expect(fails({ 'expose#0': ['expose.envoy', { ...HTTP }], 'vhost#0': ['vhost.envoy', { domains: ['a b'] }] })).toContainEqual(
      expect.objectContaining({ section: 'vhost#0', keyword: 'domains', reason: 'InvalidValue' }),
    );
    const dup = fails({
      'expose#0': ['expose.envoy', { ...HTTP, vhosts: ['vhost#0', 'vhost#1'] }],
      'vhost#0': ['vhost.envoy', { domains: ['a.org'] }],
      'vhost#1': ['vhost.envoy', { domains: ['A.org'] }],
    });
    expect(dup).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'vhosts', reason: 'Conflict', value: 'vhost#1' })]);
  });

  it('a route reference must be a route section', () => {
    const p = fails({ 'expose#0': ['expose.envoy', { ...HTTP }], 'vhost#0': ['vhost.envoy', { routes: ['route#0', 'vhost#0'] }] });
    expect(p.map((x) => [x.section, x.keyword, x.reason, x.value])).toEqual([
      ['vhost#0', 'routes', 'UnknownReference', 'route#0'],
      ['vhost#0', 'routes', 'WrongSectionType', 'vhost#0'],
      ['expose#0', 'vhosts', 'InvalidValue', 'vhost#0'],
    ]);
  });
});

describe('route matches', () => {
  it.each([
    [{ match_prefix: '/api' }, { kind: 'prefix', value: '/api' }],
    [{ match_prefix: undefined, match_path: '/health' }, { kind: 'path', value: '/health' }],
    [{ match_prefix: '/api', match_case_sensitive: 'false' }, { kind: 'prefix', value: '/api', caseSensitive: false }],
    [{ match_prefix: '/api', match_case_sensitive: true }, { kind: 'prefix', value: '/api', caseSensitive: true }],
    [{ match_prefix: undefined, match_regex: '^/v[0-9]+/' }, { kind: 'regex', value: '^/v[0-9]+/' }],
    [{ match_prefix: undefined, match_regex: '^/v[0-9]+/', match_case_sensitive: 'false' }, { kind: 'regex', value: '(?i)^/v[0-9]+/' }],
  ])('%j', (route, match) => {
    expect(firstRoute(route)?.match).toEqual(match);
  });

  it.each([
    [{ match_prefix: undefined }, 'match_prefix', 'MissingMatch'],
    [{ match_path: '/a' }, 'match_path', 'AmbiguousMatch'],
    [{ match_prefix: undefined, match_regex: 'a(' }, 'match_regex', 'InvalidRegex'],
    [{ match_prefix: 'api' }, 'match_prefix', 'InvalidValue'],
    [{ match_case_sensitive: 'sometimes' }, 'match_case_sensitive', 'InvalidValue'],
    [{ match_prefix: undefined, match_regex: '.*', route_prefix_rewrite: '/' }, 'route_prefix_rewrite', 'Unsupported'],
  ])('%j → %s %s', (route, keyword, reason) => {
    expect(fails(http(route))).toContainEqual(expect.objectContaining({ service: SVC, section: 'route#0', keyword, reason }));
  });

  it('an RE2 error carries the RE2 message', () => {
    const [p] = fails(http({ match_prefix: undefined, match_regex: '(?<=x)y' }));
    expect(p?.message).toMatch(/invalid named capture|invalid or unsupported Perl syntax/);
  });
});

describe('route actions', () => {
  it('forward with rewrites and timeout', () => {
    expect(firstRoute({ route_prefix_rewrite: '/', route_host_rewrite: 'backend.local', route_timeout: '500ms' })?.action).toEqual({
      kind: 'route', cluster: `${SVC}.expose#0`, prefixRewrite: '/', hostRewrite: 'backend.local', timeoutMs: 500, hashPolicies: [],
    });
    expect(firstRoute({ route_timeout: '0' })?.action).toMatchObject({ timeoutMs: 0 });
  });

  it('route_cluster_header (the client names any cluster, another namespace\'s too) is refused unless --allow-cluster-header', () => {
    const problems = fails(http({ route_cluster_header: 'x-cluster' }));
    expect(problems).toContainEqual(expect.objectContaining({ section: 'route#0', keyword: 'route_cluster_header', reason: 'NotAllowed', value: 'x-cluster' }));
    expect(problems.find((p) => p.keyword === 'route_cluster_header')?.message).toMatch(/--allow-cluster-header/);
    const allowed = build(http({ route_cluster_header: 'x-cluster' }), context({ allowClusterHeader: true })).exposes[0]?.vhosts[0]?.routes[0];
    expect(allowed?.action).toMatchObject({ kind: 'route', clusterHeader: 'x-cluster' });
    // a header name Envoy would refuse is still an InvalidValue, with or without the flag
    expect(fails(http({ route_cluster_header: 'bad header' }), context({ allowClusterHeader: true }))).toContainEqual(expect.objectContaining({ keyword: 'route_cluster_header', reason: 'InvalidValue' }));
  });

  it.each([
    [{ redirect_https_redirect: true }, { httpsRedirect: true, stripQuery: false }],
    [{ redirect_host_redirect: 'www.acme.org', redirect_response_code: '308' }, { httpsRedirect: false, hostRedirect: 'www.acme.org', responseCode: 'PERMANENT_REDIRECT', stripQuery: false }],
    [{ redirect_path_redirect: '/new', redirect_strip_query: 'true' }, { httpsRedirect: false, pathRedirect: '/new', stripQuery: true }],
    [{ redirect_prefix_rewrite: '/v2/', redirect_response_code: 'FOUND' }, { httpsRedirect: false, prefixRewrite: '/v2/', responseCode: 'FOUND', stripQuery: false }],
  ])('redirect %j', (route, action) => {
    expect(firstRoute(route)?.action).toEqual({ kind: 'redirect', ...action });
  });

  it.each([
    [{ route_timeout: '3x' }, 'route_timeout', 'InvalidValue'],
    [{ redirect_response_code: '200' }, 'redirect_response_code', 'InvalidValue'],
    [{ redirect_https_redirect: true, route_timeout: '5s' }, 'redirect_https_redirect', 'InvalidValue'],
    [{ redirect_path_redirect: '/a', redirect_prefix_rewrite: '/b' }, 'redirect_prefix_rewrite', 'InvalidValue'],
    [{ route_cluster_header: 'bad header' }, 'route_cluster_header', 'InvalidValue'],
    [{ route_host_rewrite: 'http://x/' }, 'route_host_rewrite', 'InvalidValue'],
    [{ hash_policies: ['hashpolicy#7'] }, 'hash_policies', 'UnknownReference'],
  ])('%j → %s %s', (route, keyword, reason) => {
    expect(fails(http(route))).toContainEqual(expect.objectContaining({ section: 'route#0', keyword, reason }));
  });

  it('a mixed route names both kinds of keywords', () => {
    const p = fails(http({ redirect_https_redirect: 'true', route_timeout: '5s' })).find((x) => x.section === 'route#0');
    expect(p?.message).toMatch(/route_timeout and redirect_https_redirect are set together/);
  });

  it('one route shared by two vhosts is parsed (and reported) once', () => {
    const p = fails({
      'expose#0': ['expose.envoy', { ...HTTP, vhosts: ['vhost#0', 'vhost#1'] }],
      'vhost#0': ['vhost.envoy', { domains: ['a.org'], routes: ['route#0'] }],
      'vhost#1': ['vhost.envoy', { domains: ['b.org'], routes: ['route#0'] }],
      'route#0': ['route.envoy', { ...ROUTE, route_timeout: 'never' }],
    });
    expect(p.filter((x) => x.section === 'route#0')).toHaveLength(1);
  });
});

describe('hash policies', () => {
  const ring = { lb_policy: 'ring_hash' };
  const policy = (info: Record<string, unknown>): ResourceSpec => ({ 'hashpolicy#0': ['hashpolicy.envoy', { terminal: false, ...info }] });

  it.each([
    [{ cookie_name: 'WEB1_AFFINITY', cookie_path: '/', cookie_ttl: 3600 }, { kind: 'cookie', name: 'WEB1_AFFINITY', path: '/', ttlSeconds: 3600, terminal: false }],
    [{ cookie_name: 'sid', cookie_ttl: '1h', terminal: true }, { kind: 'cookie', name: 'sid', ttlSeconds: 3600, terminal: true }],
    [{ header_header_name: 'x-user' }, { kind: 'header', headerName: 'x-user', terminal: false }],
    [{ header_name: 'x-user' }, { kind: 'header', headerName: 'x-user', terminal: false }],
    [{ connection_source_ip: 'true' }, { kind: 'source_ip', terminal: false }],
    [{ connection_source_ip: true, terminal: 'yes' }, { kind: 'source_ip', terminal: true }],
  ])('%j', (info, expected) => {
    const action = firstRoute({ hash_policies: ['hashpolicy#0'] }, policy(info), ring)?.action;
    expect(action).toMatchObject({ kind: 'route', hashPolicies: [{ rid: 'hashpolicy#0', ...expected }] });
  });

  it.each([
    [{}, 'cookie_name', 'MissingKeyword'],
    [{ connection_source_ip: 'false' }, 'cookie_name', 'MissingKeyword'],
    [{ cookie_name: 'a', header_header_name: 'b' }, 'header_header_name', 'InvalidValue'],
    [{ header_name: 'x', cookie_ttl: 5 }, 'cookie_ttl', 'InvalidValue'],
    [{ cookie_name: 'a b' }, 'cookie_name', 'InvalidValue'],
    [{ cookie_name: 'a', cookie_ttl: 'soon' }, 'cookie_ttl', 'InvalidValue'],
    [{ cookie_name: 'a', terminal: 'perhaps' }, 'terminal', 'InvalidValue'],
  ])('%j → %s %s', (info, keyword, reason) => {
    const p = fails(http({ hash_policies: ['hashpolicy#0'] }, policy(info), ring));
    expect(p).toContainEqual(expect.objectContaining({ section: 'hashpolicy#0', keyword, reason }));
    expect(p).toContainEqual(expect.objectContaining({ section: 'route#0', keyword: 'hash_policies', reason: 'InvalidValue' }));
  });

  it('are a warning, not a refusal, on an expose whose lb_policy ignores them, naming the policy', () => {
    const result = buildService(oneService(SVC, http({ hash_policies: ['hashpolicy#0'] }, policy({ cookie_name: 'sid' }))), SVC, context());
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ section: 'route#0', keyword: 'hash_policies', reason: 'NoEffect', value: ['hashpolicy#0'] })]);
    expect(result.warnings[0]?.message).toMatch(/round_robin.*ring_hash and maglev/);
  });
});

describe('unset keywords', () => {
  it('an empty list, an empty string and null count as unset, as OpenSVC leaves them out', () => {
    const v = build({
      'expose#0': ['expose.envoy', { ...HTTP, sni: [], listener_addr: '', cluster_data: null }],
      'vhost#0': ['vhost.envoy', { domains: [], routes: ['route#0'] }],
      'route#0': ['route.envoy', { ...ROUTE, match_path: '', hash_policies: [] }],
    }).exposes[0];
    expect(v?.listener.address).toBe('0.0.0.0');
    expect(v?.vhosts[0]?.hostnames).toEqual(['web1']);
    expect(v?.vhosts[0]?.routes[0]?.match).toEqual({ kind: 'prefix', value: '/' });
  });
});
