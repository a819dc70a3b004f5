// Transport sockets: downstream TLS termination and upstream TLS, certificates always via SDS.
import type { Certificate } from '../model/types.js';
import { boolValue, MSG, sdsSecretConfig } from './core.js';
import { typedConfig } from './any.js';
import { sortedUnique, type JsonObject } from '../proto/json.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];

/** The validation context of the first certificate that has one (Envoy takes one per context). */
function validationSecret(certificates: readonly Certificate[]): string | undefined {
  return sortedUnique(certificates.flatMap((c) => (c.validationSecret ? [c.validationSecret] : [])))[0];
}

/** tls.v3.CommonTlsContext: TLS 1.2 minimum, SDS certificates, optional SDS validation context. */
export function commonTlsContext(certificates: readonly Certificate[], alpn: readonly string[]): JsonObject {
  const validation = validationSecret(certificates);
  return {
    tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
    ...(alpn.length > 0 ? { alpn_protocols: [...alpn] } : {}),
    tls_certificate_sds_secret_configs: sortedUnique(certificates.map((c) => c.tlsSecret)).map(sdsSecretConfig),
    ...(validation ? { validation_context_sds_secret_config: sdsSecretConfig(validation) } : {}),
  };
}

/** Downstream TLS (listener_certificates): a validation secret means client certificates are required. */
export function downstreamTlsContext(certificates: readonly Certificate[], alpn: readonly string[] = ALPN_PROTOCOLS): JsonObject {
  const context = commonTlsContext(certificates, alpn);
  const mutual = validationSecret(certificates) !== undefined;
  return { common_tls_context: context, ...(mutual ? { require_client_certificate: boolValue(true) } : {}) };
}

/** Upstream TLS (cluster_certificates): client certificate to the backend, backend checked when a validation secret is set. */
export function upstreamTlsContext(certificates: readonly Certificate[]): JsonObject {
  return { common_tls_context: commonTlsContext(certificates, []) };
}

export function tlsTransportSocket(typeName: typeof MSG.downstreamTlsContext | typeof MSG.upstreamTlsContext, context: JsonObject): JsonObject {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: typedConfig(typeName, context) };
}

/** TLS termination; L4 (tcp_proxy) chains pass `alpn = []`: their bytes are not HTTP for us. */
export function downstreamTlsTransportSocket(certificates: readonly Certificate[], alpn: readonly string[] = ALPN_PROTOCOLS): JsonObject {
  return tlsTransportSocket(MSG.downstreamTlsContext, downstreamTlsContext(certificates, alpn));
}

export function upstreamTlsTransportSocket(certificates: readonly Certificate[]): JsonObject {
  return tlsTransportSocket(MSG.upstreamTlsContext, upstreamTlsContext(certificates));
}

