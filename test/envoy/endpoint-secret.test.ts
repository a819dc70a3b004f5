import { describe, expect, it } from 'vitest';
import { ClusterLoadAssignment } from '../../src/envoy/endpoint.js';
import { Secret } from '../../src/envoy/secret.js';
import { fullCheck, structuralCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import { endpoint, expose } from './fixtures.js';

const P = 'test/svc/web1';

describe('ClusterLoadAssignment', () => {
  it('one locality per node (sub_zone), sorted, weights and health from the model', () => {
    const eps = [endpoint('10.0.0.2', 'n2', { health: 'UNHEALTHY' }), endpoint('10.0.0.9', 'n1'), endpoint('10.0.0.1', 'n1', { health: 'UNKNOWN' })];
    const cla = ClusterLoadAssignment(expose(P, 'expose#1').clusterName, 'tcp', eps);
    expect(fullCheck(MSG.clusterLoadAssignment, cla)).toEqual([]);
    const lb = (address: string, health: string): unknown => ({
      endpoint: { address: { socket_address: { address, port_value: 8080 } } },
      health_status: health,
      load_balancing_weight: { value: 1 },
    });
    expect(cla).toEqual({
      cluster_name: 'test/svc/web1.expose#1',
      endpoints: [
        { locality: { region: '', zone: '', sub_zone: 'n1' }, lb_endpoints: [lb('10.0.0.1', 'UNKNOWN'), lb('10.0.0.9', 'HEALTHY')], load_balancing_weight: { value: 1 } },
        { locality: { region: '', zone: '', sub_zone: 'n2' }, lb_endpoints: [lb('10.0.0.2', 'UNHEALTHY')], load_balancing_weight: { value: 1 } },
      ],
    });
  });

  it('no endpoints: an assignment with no endpoints, not a bogus one', () => {
    expect(ClusterLoadAssignment(expose(P, 'expose#1').clusterName, 'tcp', [])).toEqual({ cluster_name: 'test/svc/web1.expose#1' });
  });

  it('UDP endpoints carry protocol UDP', () => {
    const cla = ClusterLoadAssignment(expose(P, 'expose#1').clusterName, 'udp', [endpoint('fd00::1', 'n1', { port: 53 })]);
    expect(fullCheck(MSG.clusterLoadAssignment, cla)).toEqual([]);
    expect(JSON.stringify(cla)).toContain('{"socket_address":{"protocol":"UDP","address":"fd00::1","port_value":53}}');
  });
});

describe('Secret', () => {
  it('tls_certificate from inline values and files, password optional', () => {
    const s = Secret({
      kind: 'tls_certificate',
      name: 'tls_certificate/test/sec/web',
      certificateChain: { inline: 'CHAIN' },
      privateKey: { filename: '/etc/key.pem' },
      password: { inline: 'pw' },
    });
    expect(fullCheck(MSG.secret, s)).toEqual([]);
    expect(s).toEqual({
      name: 'tls_certificate/test/sec/web',
      tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { filename: '/etc/key.pem' }, password: { inline_string: 'pw' } },
    });
  });

  it('validation_context with trusted CA and sorted pinned hashes', () => {
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    const s = Secret({ kind: 'validation_context', name: 'validation_context/test/sec/ca', trustedCa: { inline: 'CA' }, verifyCertificateHash: [b, a], subjectAltNames: [] });
    expect(fullCheck(MSG.secret, s)).toEqual([]);
    expect(s).toEqual({ name: 'validation_context/test/sec/ca', validation_context: { trusted_ca: { inline_string: 'CA' }, verify_certificate_hash: [a, b] } });
  });

  it('a refused secret never shows its value in the errors', () => {
    const key = ['-----BEGIN PRIVATE KEY-----', 'c2VjcmV0'];
    const s = { name: 'tls_certificate/test/sec/web', tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { inline_string: key } } };
    const errors = [...structuralCheck(MSG.secret, s), ...fullCheck(MSG.secret, s)];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).not.toMatch(/PRIVATE KEY|c2VjcmV0/);
  });
});
