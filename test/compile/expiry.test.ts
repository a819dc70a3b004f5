// The expiry of every served certificate, for xds_certificate_expiry_timestamp_seconds{secret}.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateExpiries, createPipelineState, step } from '../../src/pipeline/index.js';
import { clusterState, instance } from '../model/support/state.js';

const CERTS = new URL('../fixtures/certs/', import.meta.url);
const CHAIN = readFileSync(new URL('server.pem', CERTS), 'utf8');
const KEY = readFileSync(new URL('server.key', CERTS), 'utf8');

describe('certificateExpiries', () => {
  it('gives each served certificate secret its notAfter in epoch seconds; files on the Envoy host are absent', () => {
    const sections = (cert: Record<string, unknown>) => ({
      'expose#0': ['expose.envoy', { port: 8443, listener_port: 443, vhosts: ['vhost#0'], listener_certificates: ['certificate#0'] }],
      'vhost#0': ['vhost.envoy', { domains: ['web1.acme.org'], routes: ['route#0'] }],
      'route#0': ['route.envoy', { match_prefix: '/' }],
      'certificate#0': ['certificate.tls', cert],
    } as const);
    const cluster = clusterState({
      'test/svc/a': [instance('n1', sections({ certificate_secret: 'cert' }))],
      'test/svc/b': [instance('n1', { ...sections({ certificate_chain_filename: '/etc/c.pem', private_key_filename: '/etc/k.pem' }), 'vhost#0': ['vhost.envoy', { domains: ['b.acme.org'], routes: ['route#0'] }] })],
    });
    const secrets = (p: string) => (p === 'test/sec/cert' ? { values: { certificate_chain: CHAIN, private_key: KEY }, digest: 'd' } : undefined);
    const out = step(createPipelineState({ gateway: 'envoy', portRange: { min: 1025, max: 65535 } }), { cluster, changed: ['test/svc/a', 'test/svc/b'], secrets });
    expect(certificateExpiries(out.state)).toEqual(new Map([['tls_certificate/test/sec/cert', Date.parse('2126-10-28T15:30:26Z') / 1000]]));
  });
});
