// A served certificate that is expired, not valid yet, or whose names miss what clients ask for is
// a warning with its dates and names (served anyway), located on its certificate section.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildService } from '../../src/model/service.js';
import { context, SVC } from './support/build.js';
import { oneService } from './support/state.js';

const CERTS = new URL('../fixtures/certs/', import.meta.url);
const CHAIN = readFileSync(new URL('server.pem', CERTS), 'utf8'); // web1.acme.org, www.acme.org; 2026-11-21 .. 2126-10-28
const KEY = readFileSync(new URL('server.key', CERTS), 'utf8');

function warnings(expose: Record<string, unknown>, domains: readonly string[], now: number) {
  const state = oneService(SVC, {
    'expose#0': ['expose.envoy', { port: 8443, listener_port: 443, listener_certificates: ['certificate#0'], vhosts: ['vhost#0'], ...expose }],
    'vhost#0': ['vhost.envoy', { domains, routes: ['route#0'] }],
    'route#0': ['route.envoy', { match_prefix: '/' }],
    'certificate#0': ['certificate.tls', { certificate_secret: 'cert' }],
  });
  const built = buildService(state, SVC, context({ secrets: (p) => (p === 'test/sec/cert' ? { certificate_chain: CHAIN, private_key: KEY } : undefined), now: () => now }));
  expect(built.ok).toBe(true);
  return built.warnings;
}

const INSIDE = Date.parse('2027-01-01T00:00:00Z');

describe('certificate warnings', () => {
  it('none for a certificate in its dates covering the vhost domains', () => {
    expect(warnings({}, ['web1.acme.org', 'WWW.acme.org'], INSIDE)).toEqual([]);
  });

  it('expired and not yet valid: the dates', () => {
    expect(warnings({}, ['web1.acme.org'], Date.parse('2127-01-01T00:00:00Z'))).toEqual([
      expect.objectContaining({ section: 'certificate#0', keyword: 'certificate_secret', reason: 'CertificateValidity', value: 'tls_certificate/test/sec/cert', message: expect.stringMatching(/expired on 2126-10-28T15:30:26Z \(valid from 2026-11-21T15:30:26Z to 2126-10-28T15:30:26Z\)/) }),
    ]);
    expect(warnings({}, ['web1.acme.org'], Date.parse('2026-01-01T00:00:00Z'))[0]?.message).toMatch(/not valid yet/);
  });

  it('names that do not cover the vhost domains (or the sni names when set); unmatchable wildcards skipped', () => {
    const w = warnings({}, ['web1.acme.org', 'shop.acme.org', '*.acme.org', 'shop.*', '*'], INSIDE);
    expect(w).toEqual([expect.objectContaining({ message: expect.stringMatching(/does not cover shop.acme.org, \*.acme.org \(its names: DNS:web1.acme.org, DNS:www.acme.org; valid from/) })]);
    expect(warnings({ sni: ['www.acme.org'] }, ['other.acme.org'], INSIDE)).toEqual([]);
  });
});
