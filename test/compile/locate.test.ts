// Every problem names its keyword: a violation found in a translated message is located in the
// operator's terms (section, keyword, value), whatever message it was found in.
import { describe, expect, it } from 'vitest';
import { compile, HTTP, problemsOf, VHOST } from './support.js';

const LONG = `/${'a'.repeat(120)}`;

describe('violations are located', () => {
  it('a route of a plain-HTTP virtual host: the route section and its match keyword', () => {
    const p = problemsOf(compile({ 'expose#0': ['expose.envoy', HTTP], 'vhost#0': ['vhost.envoy', VHOST], 'route#0': ['route.envoy', { match_regex: LONG }] }));
    expect(p).toEqual([expect.objectContaining({ section: 'route#0', keyword: 'match_regex', value: LONG, reason: 'ProtoViolation' })]);
  });

  it('a route behind a TLS-terminating chain (its own RouteConfiguration): the same', () => {
    const sections = {
      'expose#0': ['expose.envoy', { port: 8443, listener_port: 443, vhosts: ['vhost#1', 'vhost#0'], listener_certificates: ['certificate#0'] }],
      'vhost#0': ['vhost.envoy', { domains: ['b.acme.org'], routes: ['route#0'] }],
      'vhost#1': ['vhost.envoy', { domains: ['a.acme.org'], routes: ['route#1', 'route#2'] }],
      'route#0': ['route.envoy', { match_prefix: '/' }],
      'route#1': ['route.envoy', { match_prefix: '/' }],
      'route#2': ['route.envoy', { match_regex: LONG }],
      'certificate#0': ['certificate.tls', { certificate_chain_filename: '/etc/c.pem', private_key_filename: '/etc/k.pem' }],
    } as const;
    const p = problemsOf(compile(sections));
    expect(p).toEqual([expect.objectContaining({ section: 'route#2', keyword: 'match_regex', value: LONG })]);
  });

  it('a cluster_data field: the expose and cluster_data', () => {
    const p = problemsOf(compile({ 'expose#0': ['expose.envoy', { port: 80, cluster_data: { connect_timeout: '-1s' } }] }));
    expect(p).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'cluster_data', reason: 'ProtoViolation' })]);
  });
});
