// Secrets (SDS): certificates and validation contexts, values inline or as files.
import type { SecretModel, TlsCertificateSecret, ValidationContextSecret } from '../model/types.js';
import { dataSource } from './core.js';
import type { JsonObject } from '../proto/json.js';

/** tls.v3.TlsCertificate. */
export function TlsCertificate(secret: TlsCertificateSecret): JsonObject {
  return {
    certificate_chain: dataSource(secret.certificateChain),
    private_key: dataSource(secret.privateKey),
    ...(secret.password ? { password: dataSource(secret.password) } : {}),
  };
}

/** tls.v3.CertificateValidationContext. */
export function CertificateValidationContext(secret: ValidationContextSecret): JsonObject {
  return {
    ...(secret.trustedCa ? { trusted_ca: dataSource(secret.trustedCa) } : {}),
    ...(secret.verifyCertificateHash.length > 0 ? { verify_certificate_hash: [...secret.verifyCertificateHash].sort() } : {}),
    ...(secret.subjectAltNames.length > 0 ? { match_typed_subject_alt_names: secret.subjectAltNames.map((n) => ({ san_type: n.type, matcher: { exact: n.value } })) } : {}),
  };
}

/** tls.v3.Secret named as the model names it (`tls_certificate/...`, `validation_context/...`). */
export function Secret(secret: SecretModel): JsonObject {
  return secret.kind === 'tls_certificate'
    ? { name: secret.name, tls_certificate: TlsCertificate(secret) }
    : { name: secret.name, validation_context: CertificateValidationContext(secret) };
}
