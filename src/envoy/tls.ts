// Transport sockets: downstream TLS termination and upstream TLS, certificates always via SDS.
import type { Certificate } from '../model/types.js';
import { boolValue, MSG, sdsSecretConfig } from './core.js';
import { typedConfig } from './any.js';
import { constant } from '../proto/constant.js';
import { sortedUnique, type JsonObject } from '../proto/json.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];
const TLS_PARAMS = constant({ tls_minimum_protocol_version: 'TLSv1_2' });

/** The validation context of the first certificate that has one (Envoy takes one per context). */
function validationSecret(certificates: readonly Certificate[]): string | undefined {
  return sortedUnique(certificates.flatMap((c) => (c.validationSecret ? [c.validationSecret] : [])))[0];
}

/** type.matcher.v3 SubjectAltNameMatcher list of the certificates' verify_subject_alt_name, in order, once each. */
function sanMatchers(certificates: readonly Certificate[]): JsonObject[] {
  const seen = new Set<string>();
  const out: JsonObject[] = [];
  for (const san of certificates.flatMap((c) => c.subjectAltNames ?? [])) {
    const key = `${san.type}:${san.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ san_type: san.type, matcher: { exact: san.value } });
  }
  return out;
}

/**
 * The validation part: the SDS validation context, and when certificate sections pin peer names
 * (verify_subject_alt_name), a combined context whose default part holds the names (this chain's
 * own rule, the secret's CA and hashes coming over SDS).
 */
function validationPart(certificates: readonly Certificate[]): JsonObject {
  const validation = validationSecret(certificates);
  if (validation === undefined) return {};
  const sans = sanMatchers(certificates);
  if (sans.length === 0) return { validation_context_sds_secret_config: sdsSecretConfig(validation) };
  return { combined_validation_context: { default_validation_context: { match_typed_subject_alt_names: sans }, validation_context_sds_secret_config: sdsSecretConfig(validation) } };
}

/** tls.v3.CommonTlsContext: TLS 1.2 minimum, SDS certificates, optional SDS validation context. */
export function commonTlsContext(certificates: readonly Certificate[], alpn: readonly string[]): JsonObject {
  const own = sortedUnique(certificates.flatMap((c) => (c.tlsSecret === undefined ? [] : [c.tlsSecret])));
  return {
    tls_params: TLS_PARAMS,
    ...(alpn.length > 0 ? { alpn_protocols: [...alpn] } : {}),
    ...(own.length > 0 ? { tls_certificate_sds_secret_configs: own.map(sdsSecretConfig) } : {}),
    ...validationPart(certificates),
  };
}

/** Downstream TLS (listener_certificates): a validation secret means client certificates are required. */
export function downstreamTlsContext(certificates: readonly Certificate[], alpn: readonly string[] = ALPN_PROTOCOLS): JsonObject {
  const context = commonTlsContext(certificates, alpn);
  const mutual = validationSecret(certificates) !== undefined;
  return { common_tls_context: context, ...(mutual ? { require_client_certificate: boolValue(true) } : {}) };
}

/** Upstream TLS (cluster_certificates, cluster_sni): client certificate to the backend when one is given, backend checked when a validation secret is set, SNI when asked. */
export function upstreamTlsContext(certificates: readonly Certificate[], sni?: string): JsonObject {
  return { common_tls_context: commonTlsContext(certificates, []), ...(sni !== undefined ? { sni } : {}) };
}

export function tlsTransportSocket(typeName: typeof MSG.downstreamTlsContext | typeof MSG.upstreamTlsContext, context: JsonObject): JsonObject {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: typedConfig(typeName, context) };
}

/** TLS termination; L4 (tcp_proxy) chains pass `alpn = []`: their bytes are not HTTP for us. */
export function downstreamTlsTransportSocket(certificates: readonly Certificate[], alpn: readonly string[] = ALPN_PROTOCOLS): JsonObject {
  return tlsTransportSocket(MSG.downstreamTlsContext, downstreamTlsContext(certificates, alpn));
}

export function upstreamTlsTransportSocket(certificates: readonly Certificate[], sni?: string): JsonObject {
  return tlsTransportSocket(MSG.upstreamTlsContext, upstreamTlsContext(certificates, sni));
}

