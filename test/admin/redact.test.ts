// Secret values are replaced wherever they sit in a decoded resource, found by type (the fields
// the Envoy protos mark sensitive, and the few credentials they leave unmarked), inside Anys and
// TypedStructs too; certificates, file names and the rest stay.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/admin/redact.js';
import { encodeMessage } from '../../src/proto/codec.js';

const SECRET = 'envoy.extensions.transport_sockets.tls.v3.Secret';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

it('redacts private keys, passwords, generic secrets and session ticket keys of Secrets, inline strings and bytes', () => {
  const tls = {
    name: 'tls_certificate/ns/sec/a',
    tls_certificate: { certificate_chain: { inline_string: 'CERT' }, private_key: { inline_bytes: 'S0VZ' }, password: { inline_string: 'PASS' } },
  };
  expect(redactSecrets(SECRET, tls)).toEqual({
    name: 'tls_certificate/ns/sec/a',
    tls_certificate: { certificate_chain: { inline_string: 'CERT' }, private_key: { inline_bytes: REDACTED }, password: { inline_string: REDACTED } },
  });
  expect(redactSecrets(SECRET, { name: 'g', generic_secret: { secret: { inline_string: 'GEN' } } })).toEqual({ name: 'g', generic_secret: { secret: { inline_string: REDACTED } } });
  expect(redactSecrets(SECRET, { name: 't', session_ticket_keys: { keys: [{ inline_bytes: 'TK' }, { filename: '/k' }] } })).toEqual({
    name: 't',
    session_ticket_keys: { keys: [{ inline_bytes: REDACTED }, { filename: '/k' }] },
  });
});

it('redacts a key inside a Cluster transport socket, a TypedStruct and an encoded Any, and leaves file names', () => {
  const context = { common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: 'CERT' }, private_key: { inline_string: 'KEY-1' } }] } };
  const plain = { name: 'c', transport_socket: { name: 'tls', typed_config: { '@type': UPSTREAM_TLS, ...context } } };
  expect(JSON.stringify(redactSecrets(CLUSTER, plain))).not.toContain('KEY-1');
  expect(JSON.stringify(redactSecrets(CLUSTER, plain))).toContain('CERT');
  const typedStruct = { name: 'c', transport_socket: { name: 'tls', typed_config: { '@type': 'type.googleapis.com/xds.type.v3.TypedStruct', type_url: UPSTREAM_TLS, value: context } } };
  expect(JSON.stringify(redactSecrets(CLUSTER, typedStruct))).not.toContain('KEY-1');
  const bytes = Buffer.from(encodeMessage('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', context)).toString('base64');
  const encoded = { name: 'c', transport_socket: { name: 'tls', typed_config: { type_url: UPSTREAM_TLS, value: bytes } } };
  expect(redactSecrets(CLUSTER, encoded)).toEqual({ name: 'c', transport_socket: { name: 'tls', typed_config: { type_url: UPSTREAM_TLS, value: REDACTED } } });
  const file = { name: 'c', transport_socket: { name: 'tls', typed_config: { '@type': UPSTREAM_TLS, common_tls_context: { tls_certificates: [{ private_key: { filename: '/etc/key.pem' } }] } } } };
  expect(redactSecrets(CLUSTER, file)).toEqual(file);
});

it('never lets a private key value through, wherever a TLS context sits in a Cluster', () => {
  const key = { tls_certificates: [{ private_key: { inline_string: 'SECRET-VALUE' } }] };
  const placements = fc.constantFrom(
    { transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, common_tls_context: key } } },
    { transport_socket_matches: [{ name: 'm', transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, common_tls_context: key } } }] },
    { health_checks: [{ transport_socket_match_criteria: {}, tls_options: {} }], transport_socket: { name: 't', typed_config: { '@type': UPSTREAM_TLS, common_tls_context: key } } },
  );
  fc.assert(
    fc.property(placements, fc.string({ maxLength: 8 }), (placed, name) => {
      expect(JSON.stringify(redactSecrets(CLUSTER, { name, ...placed }))).not.toContain('SECRET-VALUE');
    }),
  );
});
