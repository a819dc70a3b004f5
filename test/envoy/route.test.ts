import { describe, expect, it } from 'vitest';
import { HashPolicy, RedirectAction, Route, RouteConfiguration, RouteMatch, VirtualHost } from '../../src/envoy/route.js';
import { fullCheck, protoRules, structuralCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import type { HashPolicy as HashPolicyModel, RouteAction, RouteMatch as RouteMatchModel } from '../../src/model/types.js';
import { route, vhost } from './fixtures.js';

const C = 'test/svc/web1.expose#1';

describe('RouteMatch', () => {
  const cases: [string, RouteMatchModel, unknown][] = [
    ['prefix', { kind: 'prefix', value: '/api' }, { prefix: '/api' }],
    ['path', { kind: 'path', value: '/index.html' }, { path: '/index.html' }],
    ['regex as safe_regex', { kind: 'regex', value: '^/v[0-9]+/.*' }, { safe_regex: { regex: '^/v[0-9]+/.*' } }],
    ['case insensitive', { kind: 'prefix', value: '/A', caseSensitive: false }, { prefix: '/A', case_sensitive: { value: false } }],
    ['case sensitive', { kind: 'path', value: '/A', caseSensitive: true }, { path: '/A', case_sensitive: { value: true } }],
  ];
  it.each(cases)('%s', (_name, match, want) => {
    expect(RouteMatch(match)).toEqual(want);
  });
});

describe('HashPolicy', () => {
  const cases: [string, HashPolicyModel, unknown][] = [
    ['cookie with path and ttl', { rid: 'hashpolicy#0', kind: 'cookie', name: 'sid', path: '/', ttlSeconds: 90, terminal: false }, { cookie: { name: 'sid', path: '/', ttl: { seconds: 90 } } }],
    ['cookie, bare, terminal', { rid: 'hashpolicy#0', kind: 'cookie', name: 'sid', terminal: true }, { cookie: { name: 'sid' }, terminal: true }],
    ['header', { rid: 'hashpolicy#1', kind: 'header', headerName: 'x-user', terminal: false }, { header: { header_name: 'x-user' } }],
    ['source ip', { rid: 'hashpolicy#2', kind: 'source_ip', terminal: true }, { connection_properties: { source_ip: true }, terminal: true }],
  ];
  it.each(cases)('%s', (_name, policy, want) => {
    expect(HashPolicy(policy)).toEqual(want);
  });
});

describe('Route', () => {
  const cases: [string, RouteAction, unknown][] = [
    ['to the cluster', { kind: 'route', cluster: C, hashPolicies: [] }, { route: { cluster: C } }],
    ['cluster_header replaces the cluster', { kind: 'route', cluster: C, clusterHeader: 'x-cluster', hashPolicies: [] }, { route: { cluster_header: 'x-cluster' } }],
    [
      'rewrites, timeout and hash policies',
      { kind: 'route', cluster: C, prefixRewrite: '/', hostRewrite: 'backend', timeoutMs: 1500, hashPolicies: [{ rid: 'hashpolicy#0', kind: 'source_ip', terminal: false }] },
      { route: { cluster: C, prefix_rewrite: '/', host_rewrite_literal: 'backend', timeout: { seconds: 1, nanos: 500_000_000 }, hash_policy: [{ connection_properties: { source_ip: true } }] } },
    ],
    ['https redirect', { kind: 'redirect', httpsRedirect: true, stripQuery: false }, { redirect: { https_redirect: true } }],
    [
      'full redirect',
      { kind: 'redirect', httpsRedirect: false, hostRedirect: 'new.example.com', pathRedirect: '/moved', responseCode: 'PERMANENT_REDIRECT', stripQuery: true },
      { redirect: { host_redirect: 'new.example.com', path_redirect: '/moved', response_code: 'PERMANENT_REDIRECT', strip_query: true } },
    ],
    ['prefix redirect', { kind: 'redirect', httpsRedirect: false, prefixRewrite: '/new', responseCode: 'FOUND', stripQuery: false }, { redirect: { prefix_rewrite: '/new', response_code: 'FOUND' } }],
  ];
  it.each(cases)('%s', (_name, action, want) => {
    const msg = Route(route('route#1', C, { action }));
    expect(msg).toEqual({ name: 'route#1', match: { prefix: '/' }, ...(want as object) });
    const rc = RouteConfiguration('0.0.0.0:80/tcp', [{ name: 'v', domains: ['*'], routes: [msg] }]);
    expect(fullCheck(MSG.routeConfiguration, rc)).toEqual([]);
  });

  it('a redirect with both path_redirect and prefix_rewrite is caught by the check (oneof)', () => {
    const msg = RedirectAction({ kind: 'redirect', httpsRedirect: false, pathRedirect: '/a', prefixRewrite: '/b', stripQuery: false });
    const rc = RouteConfiguration('x', [{ name: 'v', domains: ['*'], routes: [{ name: 'r', match: { prefix: '/' }, redirect: msg }] }]);
    expect(structuralCheck(MSG.routeConfiguration, rc)).toEqual([
      'virtual_hosts[0].routes[0].redirect.path_rewrite_specifier: only one of path_redirect, prefix_rewrite may be set',
    ]);
    expect(protoRules(MSG.routeConfiguration, rc)).toEqual([expect.stringMatching(/^virtual_hosts\[0\]\.routes\[0\]\.redirect: .*path_redirect, prefix_rewrite/)]);
  });
});

describe('VirtualHost and RouteConfiguration', () => {
  it('writes a domain once, whatever its case', () => {
    const v = VirtualHost({ ...vhost('test/svc/web1', 'expose#1', 'vhost#0', ['a.example.com'], 80, []), domains: ['a.example.com', 'A.example.com', 'a.example.com:80'] });
    expect(v['domains']).toEqual(['a.example.com', 'a.example.com:80']);
  });

  it('keeps the model domains and route order; sorts virtual hosts by name', () => {
    const routes = [route('route#2', C, { match: { kind: 'path', value: '/x' } }), route('route#1', C)];
    const b = VirtualHost(vhost('test/svc/web2', 'expose#1', 'vhost#0', ['b.example.com'], 443, routes));
    const a = VirtualHost(vhost('test/svc/web1', 'expose#1', 'vhost#0', ['a.example.com'], 8080, routes));
    expect(b['domains']).toEqual(['b.example.com', 'b.example.com:443']);
    expect(a['domains']).toEqual(['a.example.com:8080']);
    expect((b['routes'] as { name: string }[]).map((r) => r.name)).toEqual(['route#2', 'route#1']);
    const rc = RouteConfiguration('0.0.0.0:443/tcp', [b, a]);
    expect((rc['virtual_hosts'] as { name: string }[]).map((v) => v.name)).toEqual(['test/svc/web1.expose#1.vhost#0', 'test/svc/web2.expose#1.vhost#0']);
    expect(fullCheck(MSG.routeConfiguration, rc)).toEqual([]);
  });
});
