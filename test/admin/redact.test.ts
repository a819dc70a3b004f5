// Inline secret data is replaced wherever it sits; certificates, file names and the rest stay.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/admin/redact.js';

it('redacts private keys, passwords and generic secrets, inline strings and bytes', () => {
  const secret = {
    name: 'tls_certificate/ns/sec/a',
    tls_certificate: {
      certificate_chain: { inline_string: 'CERT' },
      private_key: { inline_bytes: 'S0VZ' },
      password: { inline_string: 'PASS' },
    },
    generic_secret: { secret: { inline_string: 'GEN' } },
    session_ticket_keys: { keys: [{ inline_bytes: 'TK' }] },
    other: { private_key: { filename: '/etc/key.pem' } },
  };
  expect(redactSecrets(secret)).toEqual({
    name: 'tls_certificate/ns/sec/a',
    tls_certificate: {
      certificate_chain: { inline_string: 'CERT' },
      private_key: { inline_bytes: REDACTED },
      password: { inline_string: REDACTED },
    },
    generic_secret: { secret: { inline_string: REDACTED } },
    session_ticket_keys: { keys: [{ inline_bytes: REDACTED }] },
    other: { private_key: { filename: '/etc/key.pem' } },
  });
});

it('never lets a private key value through, however deep', () => {
  const leaf = fc.constant({ private_key: { inline_string: 'SECRET-VALUE' } });
  const tree = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 3 })),
  })).node;
  fc.assert(
    fc.property(tree, (t) => {
      expect(JSON.stringify(redactSecrets(t))).not.toContain('SECRET-VALUE');
    }),
  );
});
