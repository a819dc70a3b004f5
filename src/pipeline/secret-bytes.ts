// Secret (SDS) bytes, the certificate material encoded and checked once per distinct content: a
// Secret is its name (field 1) and its tls_certificate or validation_context, framed. 10,000
// services each naming its own secret object with the same certificate cost one check and one
// encoding of the certificate, plus 10,000 names.
import { createHash } from 'node:crypto';
import { MSG } from '../envoy/core.js';
import { CertificateValidationContext, TlsCertificate } from '../envoy/secret.js';
import type { SecretModel } from '../model/types.js';
import { encodeMessage } from '../proto/codec.js';
import { concatBytes, fieldNumber, framedField } from '../proto/parts.js';
import { fullCheck } from '../validate/check.js';

const TLS_CERTIFICATE = 'envoy.extensions.transport_sockets.tls.v3.TlsCertificate';
const VALIDATION_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext';
const FIELD = { tls_certificate: fieldNumber(MSG.secret, 'tls_certificate'), validation_context: fieldNumber(MSG.secret, 'validation_context') } as const;

const MAX = 4096;
const framedByContent = new Map<string, { readonly framed?: Uint8Array; readonly errors: readonly string[] }>();

function framedContent(secret: SecretModel): { readonly framed?: Uint8Array; readonly errors: readonly string[] } {
  const [fullName, inner] = secret.kind === 'tls_certificate' ? [TLS_CERTIFICATE, TlsCertificate(secret)] : [VALIDATION_CONTEXT, CertificateValidationContext(secret)];
  const key = createHash('sha256').update(secret.kind).update(JSON.stringify(inner)).digest('base64');
  const known = framedByContent.get(key);
  if (known !== undefined) return known;
  const errors = fullCheck(fullName, inner).map((e) => `${secret.kind}.${e}`);
  const result = errors.length > 0 ? { errors } : { framed: framedField(FIELD[secret.kind], encodeMessage(fullName, inner)), errors };
  if (framedByContent.size >= MAX) framedByContent.delete(framedByContent.keys().next().value ?? '');
  framedByContent.set(key, result);
  return result;
}

/** The Secret's bytes, or the checker's errors (never quoting secret material). */
export function secretBytes(secret: SecretModel): { readonly bytes?: Uint8Array; readonly errors: readonly string[] } {
  const content = framedContent(secret);
  if (content.framed === undefined) return { errors: content.errors };
  return { bytes: concatBytes([encodeMessage(MSG.secret, { name: secret.name }), content.framed]), errors: [] };
}
