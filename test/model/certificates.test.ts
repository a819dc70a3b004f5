// Certificates and their SDS secrets, checked with real PEM material (test/fixtures/certs).
import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { referencedSecrets, servicesUsingSecret } from '../../src/model/index.js';
import type { SecretValues } from '../../src/source/types.js';
import { build, context, fails, HTTP, ROUTE, SVC, VHOST } from './support/build.js';
import { goodTls, pem, secretsFrom } from './support/certs.js';
import { clusterState, instance, oneService, type ResourceSpec } from './support/state.js';

const FRONT = 'test/sec/front';
const CA = 'test/sec/clients';

function tls(cert: Record<string, unknown>, expose: Record<string, unknown> = {}): ResourceSpec {
  return {
    'expose#0': ['expose.envoy', { ...HTTP, listener_port: 443, listener_certificates: ['certificate#front'], ...expose }],
    'vhost#0': ['vhost.envoy', { ...VHOST }],
    'route#0': ['route.envoy', { ...ROUTE }],
    'certificate#front': ['certificate.tls', cert],
  };
}

const withSecrets = (table: Record<string, SecretValues>) => context({ secrets: secretsFrom(table) });
const fingerprint = new X509Certificate(pem.server).fingerprint256;

describe('certificate_secret', () => {
  it('becomes an SDS secret in the service namespace, whatever namespace the keyword names', () => {
    for (const value of ['front', 'sec/front', 'other/sec/front']) {
      const m = build(tls({ certificate_secret: value }), withSecrets({ [FRONT]: goodTls }));
      expect(m.exposes[0]?.listenerCertificates).toEqual([{ rid: 'certificate#front', tlsSecret: 'tls_certificate/test/sec/front' }]);
      expect(m.secrets).toEqual([{ kind: 'tls_certificate', name: 'tls_certificate/test/sec/front', certificateChain: { inline: pem.serverChain }, privateKey: { inline: pem.serverKey } }]);
    }
  });

  it('opens an encrypted key with the password key', () => {
    const m = build(tls({ certificate_secret: 'front' }), withSecrets({ [FRONT]: { certificate_chain: pem.server, private_key: pem.serverEncryptedKey, password: 's3cret' } }));
    expect(m.secrets[0]).toMatchObject({ password: { inline: 's3cret' } });
  });

  it.each<[string, SecretValues, RegExp]>([
    ['no private_key', { certificate_chain: pem.server }, /has no private_key key/],
    ['no chain and no key', {}, /has no certificate_chain and no private_key key/],
    ['a key that is not the certificate one', { certificate_chain: pem.serverChain, private_key: pem.otherKey }, /does not belong to the first certificate .*web1\.acme\.org/],
    ['a chain without PEM certificate', { certificate_chain: 'hello', private_key: pem.serverKey }, /holds no PEM certificate/],
    ['a broken certificate', { certificate_chain: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', private_key: pem.serverKey }, /certificate 1 of .* does not parse/],
    ['a key that is not PEM', { certificate_chain: pem.server, private_key: 'not a key' }, /not a usable PEM private key/],
    ['an encrypted key without password', { certificate_chain: pem.server, private_key: pem.serverEncryptedKey }, /encrypted and no password/],
    ['an encrypted key with a wrong password', { certificate_chain: pem.server, private_key: pem.serverEncryptedKey, password: 'nope' }, /password does not open it/],
  ])('refuses %s without quoting the secret', (_name, values, message) => {
    const problems = fails(tls({ certificate_secret: 'front' }), withSecrets({ [FRONT]: values }));
    const p = problems.find((x) => x.section === 'certificate#front');
    expect(p).toMatchObject({ service: SVC, keyword: 'certificate_secret', reason: 'InvalidSecret', value: FRONT });
    expect(p?.message).toMatch(message);
    const text = JSON.stringify(problems);
    const bodies = [pem.serverKey, pem.otherKey, pem.serverEncryptedKey, pem.server].map((x) => x.split('\n')[1] ?? '');
    for (const secret of [...bodies, 's3cret']) expect(text).not.toContain(secret);
  });

  it('reports a secret that is not fetched as unavailable', () => {
    const p = fails(tls({ certificate_secret: 'front' }));
    expect(p[0]).toMatchObject({ section: 'certificate#front', reason: 'SecretUnavailable', value: FRONT });
  });

  it("says the source's own error when the read failed", () => {
    const p = fails(tls({ certificate_secret: 'front' }), context({ secretError: (path) => (path === FRONT ? 'daemon busy' : undefined) }));
    expect(p[0]).toMatchObject({ keyword: 'certificate_secret', reason: 'SecretUnavailable', message: `the secret ${FRONT} could not be read: daemon busy.` });
  });
});

describe('validation_secret', () => {
  it('trusted CA and pinned hashes (colons, commas, spaces, upper-case)', () => {
    const hash = createHash('sha256').update('x').digest('hex');
    const m = build(tls({ certificate_secret: 'front', validation_secret: 'clients' }), withSecrets({ [FRONT]: goodTls, [CA]: { trusted_ca: pem.ca, verify_certificate_hash: `${fingerprint}, ${hash.toUpperCase()} ${hash}` } }));
    expect(m.exposes[0]?.listenerCertificates[0]).toEqual({ rid: 'certificate#front', tlsSecret: 'tls_certificate/test/sec/front', validationSecret: 'validation_context/test/sec/clients' });
    expect(m.secrets.map((s) => s.name)).toEqual(['tls_certificate/test/sec/front', 'validation_context/test/sec/clients']);
    expect(m.secrets[1]).toEqual({ kind: 'validation_context', name: 'validation_context/test/sec/clients', trustedCa: { inline: pem.ca }, verifyCertificateHash: [fingerprint.replace(/:/g, '').toLowerCase(), hash], subjectAltNames: [] });
  });

  it.each<[string, SecretValues | undefined, string, RegExp]>([
    ['empty', {}, 'InvalidSecret', /neither a trusted_ca nor a verify_certificate_hash/],
    ['a bad CA', { trusted_ca: 'garbage' }, 'InvalidSecret', /trusted_ca holds no PEM certificate/],
    ['a bad hash', { verify_certificate_hash: 'abcd' }, 'InvalidSecret', /entry 1 is not a SHA-256 fingerprint/],
    ['missing', undefined, 'SecretUnavailable', /could not be read/],
  ])('refuses %s', (_name, values, reason, message) => {
    const table: Record<string, SecretValues> = { [FRONT]: goodTls, ...(values && { [CA]: values }) };
    const [p] = fails(tls({ certificate_secret: 'front', validation_secret: 'clients' }), withSecrets(table)).filter((x) => x.keyword === 'validation_secret');
    expect(p).toMatchObject({ section: 'certificate#front', reason, value: CA });
    expect(p?.message).toMatch(message);
  });

  it('two certificates with different validation contexts cannot share a TLS context', () => {
    const p = fails(
      {
        ...tls({ certificate_secret: 'front', validation_secret: 'clients' }, { listener_certificates: ['certificate#front', 'certificate#two'] }),
        'certificate#two': ['certificate.tls', { certificate_secret: 'front', validation_secret: 'other' }],
      },
      withSecrets({ [FRONT]: goodTls, [CA]: { trusted_ca: pem.ca }, 'test/sec/other': { trusted_ca: pem.ca } }),
    );
    expect(p).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'listener_certificates', reason: 'InvalidValue' })]);
  });
});

describe('certificates from files and inline strings', () => {
  it('filenames become an SDS secret named after the service and section', () => {
    const m = build(tls({ certificate_chain_filename: '/etc/envoy/tls/chain.pem', private_key_filename: '/etc/envoy/tls/key.pem' }));
    expect(m.exposes[0]?.listenerCertificates).toEqual([{ rid: 'certificate#front', tlsSecret: `tls_certificate/${SVC}/certificate#front` }]);
    expect(m.secrets).toEqual([{ kind: 'tls_certificate', name: `tls_certificate/${SVC}/certificate#front`, certificateChain: { filename: '/etc/envoy/tls/chain.pem' }, privateKey: { filename: '/etc/envoy/tls/key.pem' } }]);
  });

  it('inline strings are checked like secrets', () => {
    const m = build(tls({ certificate_chain_inline_string: pem.serverChain, private_key_inline_string: pem.serverKey }));
    expect(m.secrets[0]).toMatchObject({ certificateChain: { inline: pem.serverChain }, privateKey: { inline: pem.serverKey } });
    const p = fails(tls({ certificate_chain_inline_string: pem.serverChain, private_key_inline_string: pem.otherKey }));
    expect(p).toContainEqual(expect.objectContaining({ section: 'certificate#front', keyword: 'private_key_inline_string', reason: 'InvalidSecret' }));
    expect(p.every((x) => x.value === undefined || typeof x.value === 'string' && !x.value.includes('PRIVATE KEY'))).toBe(true);
    expect(JSON.stringify(p)).not.toContain(pem.otherKey.split('\n')[1]);
  });

  it.each([
    [{}, 'certificate_secret', 'MissingKeyword'],
    [{ certificate_chain_filename: '/a.pem' }, 'private_key_filename', 'MissingKeyword'],
    [{ certificate_chain_filename: 'relative.pem', private_key_filename: '/k.pem' }, 'certificate_chain_filename', 'InvalidValue'],
    [{ certificate_chain_filename: '/a.pem', certificate_chain_inline_string: 'x', private_key_filename: '/k.pem' }, 'certificate_chain_inline_string', 'InvalidValue'],
    [{ certificate_secret: 'front', certificate_chain_filename: '/a.pem', private_key_filename: '/k.pem' }, 'certificate_secret', 'InvalidValue'],
    [{ certificate_secret: 'a/b/c/d' }, 'certificate_secret', 'InvalidValue'],
  ])('%j → %s %s', (cert, keyword, reason) => {
    const p = fails(tls(cert), withSecrets({ [FRONT]: goodTls, [CA]: { trusted_ca: pem.ca } }));
    expect(p).toContainEqual(expect.objectContaining({ section: 'certificate#front', keyword, reason }));
  });

  it('a section with validation_secret alone checks backends (cluster_certificates), and is refused on a listener', () => {
    const sections = (kw: string) => ({ 'expose#0': ['expose.envoy', { port: 443, [kw]: ['certificate#ca'] }], 'certificate#ca': ['certificate.tls', { validation_secret: 'clients' }] }) as const;
    const m = build(sections('cluster_certificates'), withSecrets({ [CA]: { trusted_ca: pem.ca } }));
    expect(m.exposes[0]?.clusterCertificates).toEqual([{ rid: 'certificate#ca', validationSecret: 'validation_context/test/sec/clients' }]);
    const p = fails(sections('listener_certificates'), withSecrets({ [CA]: { trusted_ca: pem.ca } }));
    expect(p).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'listener_certificates', reason: 'InvalidValue', message: expect.stringMatching(/only a validation_secret/) })]);
  });

  it('verify_subject_alt_name: on the section (a trusted CA required) and as the validation secret key', () => {
    const sections = (cert: Record<string, unknown>) => ({ 'expose#0': ['expose.envoy', { port: 443, cluster_certificates: ['certificate#ca'] }], 'certificate#ca': ['certificate.tls', { validation_secret: 'clients', ...cert }] }) as const;
    const m = build(sections({ verify_subject_alt_name: ['api.internal', 'URI:spiffe://acme/ns/a/sa/api', 'IP:10.0.0.1'] }), withSecrets({ [CA]: { trusted_ca: pem.ca } }));
    expect(m.exposes[0]?.clusterCertificates[0]?.subjectAltNames).toEqual([{ type: 'DNS', value: 'api.internal' }, { type: 'URI', value: 'spiffe://acme/ns/a/sa/api' }, { type: 'IP_ADDRESS', value: '10.0.0.1' }]);
    const hashOnly = fails(sections({ verify_subject_alt_name: 'api.internal' }), withSecrets({ [CA]: { verify_certificate_hash: createHash('sha256').update('x').digest('hex') } }));
    expect(hashOnly).toContainEqual(expect.objectContaining({ keyword: 'verify_subject_alt_name', reason: 'MissingKeyword' }));
    expect(fails(sections({ verify_subject_alt_name: 'FTP:x' }), withSecrets({ [CA]: { trusted_ca: pem.ca } }))).toContainEqual(expect.objectContaining({ keyword: 'verify_subject_alt_name', reason: 'InvalidValue' }));
    const key = build(sections({}), withSecrets({ [CA]: { trusted_ca: pem.ca, verify_subject_alt_name: 'DNS:client.acme.org, EMAIL:ops@acme.org' } }));
    expect(key.secrets[0]).toMatchObject({ subjectAltNames: [{ type: 'DNS', value: 'client.acme.org' }, { type: 'EMAIL', value: 'ops@acme.org' }] });
    const keyNoCa = fails(sections({}), withSecrets({ [CA]: { verify_certificate_hash: createHash('sha256').update('x').digest('hex'), verify_subject_alt_name: 'a.org' } }));
    expect(keyNoCa).toContainEqual(expect.objectContaining({ keyword: 'validation_secret', reason: 'InvalidSecret', message: expect.stringMatching(/without a trusted CA/) }));
  });

  it('upstream certificates (cluster_certificates) are resolved the same way', () => {
    const m = build({ 'expose#0': ['expose.envoy', { port: 443, cluster_certificates: ['certificate#back'] }], 'certificate#back': ['certificate.tls', { certificate_secret: 'back' }] }, withSecrets({ 'test/sec/back': goodTls }));
    expect(m.exposes[0]?.clusterCertificates).toEqual([{ rid: 'certificate#back', tlsSecret: 'tls_certificate/test/sec/back' }]);
  });
});

describe('referenced secrets', () => {
  it('lists the secrets of this gateway\'s exposes, and the services using a secret', () => {
    const sections: ResourceSpec = {
      ...tls({ certificate_secret: 'other/sec/front', validation_secret: 'clients' }),
      'expose#1': ['expose.envoy', { port: 1, cluster_certificates: ['certificate#x'], gateway: 'othergw' }],
      'certificate#x': ['certificate.tls', { certificate_secret: 'x' }],
    };
    const state = clusterState({
      [SVC]: oneService(SVC, sections).services.get(SVC)?.instances ?? [],
      'test/svc/web2': [instance('n1', { 'expose#0': ['expose.envoy', { port: 1, cluster_certificates: ['certificate#0'] }], 'certificate#0': ['certificate.tls', { certificate_secret: 'front' }] })],
      'root/svc/web3': [instance('n1', {})],
    });
    expect(referencedSecrets(state, SVC, 'envoy')).toEqual([CA, FRONT]);
    expect(referencedSecrets(state, SVC, 'othergw')).toEqual([CA, FRONT, 'test/sec/x']);
    expect(servicesUsingSecret(state, FRONT, 'envoy')).toEqual([SVC, 'test/svc/web2']);
    expect(servicesUsingSecret(state, 'test/sec/x', 'envoy')).toEqual([]);
  });
});
