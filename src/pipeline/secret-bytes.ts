// Secret (SDS) bytes, the certificate material encoded and checked once per distinct content: a
// Secret is its name (field 1) and its tls_certificate or validation_context, framed. 10,000
// services each naming its own secret object with the same certificate cost one check and one
// encoding of the certificate, plus 10,000 names. The content is known by the digest of the
// secret object's values when the model has it (the reconcile loop computed it when it fetched
// them), else by a hash of the message itself (certificates given inline in keywords).
import { createHash } from 'node:crypto';
import { MSG } from '../envoy/core.js';
import { CertificateValidationContext, TlsCertificate } from '../envoy/secret.js';
import type { SecretModel } from '../model/types.js';
import { encodeMessage } from '../proto/codec.js';
import type { JsonObject } from '../proto/json.js';
import { concatBytes, fieldNumber } from '../proto/parts.js';
import { checkedBytes } from '../validate/check.js';

const TLS_CERTIFICATE = 'envoy.extensions.transport_sockets.tls.v3.TlsCertificate';
const VALIDATION_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext';
const FIELD = { tls_certificate: fieldNumber(MSG.secret, 'tls_certificate'), validation_context: fieldNumber(MSG.secret, 'validation_context') } as const;

const MAX = 4096;
const framedByContent = new Map<string, { readonly framed?: Uint8Array; readonly errors: readonly string[] }>();

function contentKey(secret: SecretModel, inner: () => JsonObject): string {
  if (secret.contentKey !== undefined) return `${secret.kind}\u0000values:${secret.contentKey}`;
  return createHash('sha256').update(secret.kind).update(JSON.stringify(inner())).digest('base64');
}

function framedContent(secret: SecretModel): { readonly framed?: Uint8Array; readonly errors: readonly string[] } {
  const fullName = secret.kind === 'tls_certificate' ? TLS_CERTIFICATE : VALIDATION_CONTEXT;
  let message: JsonObject | undefined;
  const inner = (): JsonObject => (message ??= secret.kind === 'tls_certificate' ? TlsCertificate(secret) : CertificateValidationContext(secret));
  const key = contentKey(secret, inner);
  const known = framedByContent.get(key);
  if (known !== undefined) return known;
  const checked = checkedBytes(fullName, inner(), FIELD[secret.kind]);
  const result = checked.bytes === undefined ? { errors: checked.errors.map((e) => `${secret.kind}.${e}`) } : { framed: checked.bytes, errors: [] };
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
