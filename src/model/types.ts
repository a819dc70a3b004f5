// The intermediate representation (IR): what a service asks of this gateway, already parsed,
// typed and validated. Plain, readonly, JSON-serialisable data (golden files print it).
// src/envoy/ translates it into v3 messages without ever seeing raw keyword values.

/** Why an input was refused. Every code is documented in README.md ("Errors"). */
export type Reason =
  | 'MissingKeyword'
  | 'InvalidValue'
  | 'InvalidType'
  | 'OutOfRange'
  | 'UnknownReference'
  | 'WrongSectionType'
  | 'InvalidRegex'
  | 'AmbiguousMatch'
  | 'MissingMatch'
  | 'Unsupported'
  | 'InvalidJson'
  | 'InvalidSecret'
  | 'SecretUnavailable'
  | 'PortUnavailable'
  | 'Conflict'
  | 'ProtoViolation'
  | 'NotAllowed'
  // warnings (served anyway):
  | 'NoEffect'
  | 'CertificateValidity';

/** One problem with one service's input, located down to the keyword. */
export interface Problem {
  /** Service path, e.g. `test/svc/web1`. */
  readonly service: string;
  /** Section rid, e.g. `expose#1`, `route#0`; `''` for the service as a whole. */
  readonly section: string;
  /** Keyword, e.g. `listener_port`; absent when the problem is about the whole section. */
  readonly keyword?: string;
  /** The offending value (never a secret value). */
  readonly value?: unknown;
  readonly reason: Reason;
  /** A full sentence for operators, e.g. `route_timeout "3x" is not a duration (30, 30s, 500ms, 1m, 1h)`. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** A model build: its result, and the warnings found on the way (served anyway, shown on the service). */
export type Built<T> = Result<T> & { readonly warnings: readonly Problem[] };

export type Protocol = 'tcp' | 'udp';

/** Envoy v3 `Cluster.LbPolicy` names. `original_dst_lb` is refused by the model (needs ORIGINAL_DST, not EDS). */
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV';

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** One backend address of an expose: an instance's ip resource `info.ipaddr` with the expose `port`. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
  /** The OpenSVC node of the instance (used as the locality sub-zone). */
  readonly node: string;
  /** From the ip resource status: up → HEALTHY, down → UNHEALTHY, otherwise UNKNOWN. */
  readonly health: HealthStatus;
}

/** Where certificate material comes from. SDS always carries it; these are the SDS secret's data sources. */
export type DataSource = { readonly inline: string } | { readonly filename: string };

/** A `tls_certificate/...` SDS secret. */
export interface TlsCertificateSecret {
  readonly kind: 'tls_certificate';
  /**
   * `tls_certificate/<ns>/sec/<name>` for `certificate_secret`; for the `*_filename` / `*_inline_string`
   * keywords: `tls_certificate/<service path>/<certificate rid>`.
   */
  readonly name: string;
  readonly certificateChain: DataSource;
  readonly privateKey: DataSource;
  readonly password?: DataSource;
  /** For a secret object's values: their digest (equal keys, equal content), so checks and encodings are made once per content without hashing the PEM again. */
  readonly contentKey?: string;
}

/** A subject alternative name a peer certificate must carry (one of the list). */
export interface SubjectAltName {
  readonly type: 'DNS' | 'URI' | 'EMAIL' | 'IP_ADDRESS';
  readonly value: string;
}

/** A `validation_context/<ns>/sec/<name>` SDS secret. */
export interface ValidationContextSecret {
  readonly kind: 'validation_context';
  readonly name: string;
  readonly trustedCa?: DataSource;
  /** Lower-case hex SHA-256 fingerprints, without colons. */
  readonly verifyCertificateHash: readonly string[];
  /** The secret's `verify_subject_alt_name` key: peers must carry one of these names. */
  readonly subjectAltNames: readonly SubjectAltName[];
  /** The digest of the secret object's values (see TlsCertificateSecret). */
  readonly contentKey?: string;
}

export type SecretModel = TlsCertificateSecret | ValidationContextSecret;

/** A `certificate#N` section, resolved: the SDS names it needs. */
export interface Certificate {
  readonly rid: string;
  /** SDS name of the certificate and key; absent for a validation-only section (upstream TLS without a client certificate). */
  readonly tlsSecret?: string;
  /** SDS name of the validation context (trusted CA, pinned hashes) when `validation_secret` is set. */
  readonly validationSecret?: string;
  /** `verify_subject_alt_name` (cluster files): the peer must carry one of these names, checked by this expose's TLS context. */
  readonly subjectAltNames?: readonly SubjectAltName[];
}

export type HashPolicy =
  | { readonly rid: string; readonly kind: 'cookie'; readonly name: string; readonly path?: string; readonly ttlSeconds?: number; readonly terminal: boolean }
  | { readonly rid: string; readonly kind: 'header'; readonly headerName: string; readonly terminal: boolean }
  | { readonly rid: string; readonly kind: 'source_ip'; readonly terminal: boolean };

export type RouteMatch =
  | { readonly kind: 'prefix'; readonly value: string; readonly caseSensitive?: boolean }
  | { readonly kind: 'path'; readonly value: string; readonly caseSensitive?: boolean }
  /** RE2 syntax, checked by the model; emitted as `safe_regex`. */
  | { readonly kind: 'regex'; readonly value: string; readonly caseSensitive?: boolean };

export type RedirectCode = 'MOVED_PERMANENTLY' | 'FOUND' | 'SEE_OTHER' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT';

export type RouteAction =
  | {
      readonly kind: 'route';
      /** Target cluster name (the expose's cluster), unless `clusterHeader` is set. */
      readonly cluster: string;
      readonly clusterHeader?: string;
      readonly prefixRewrite?: string;
      readonly hostRewrite?: string;
      readonly timeoutMs?: number;
      readonly hashPolicies: readonly HashPolicy[];
      /** `route_weighted_clusters` (cluster files): a split across clusters of the service's namespace, instead of `cluster`. */
      readonly weightedClusters?: readonly { readonly name: string; readonly weight: number }[];
    }
  | {
      /** `direct_response_status` / `direct_response_body` (cluster files): Envoy answers itself. */
      readonly kind: 'direct';
      readonly status: number;
      readonly body?: string;
    }
  | {
      readonly kind: 'redirect';
      readonly httpsRedirect: boolean;
      readonly hostRedirect?: string;
      readonly pathRedirect?: string;
      readonly prefixRewrite?: string;
      readonly responseCode?: RedirectCode;
      readonly stripQuery: boolean;
    };

export interface Route {
  readonly rid: string;
  readonly match: RouteMatch;
  readonly action: RouteAction;
}

export interface VirtualHost {
  readonly rid: string;
  /** `<service path>.<expose rid>.<vhost rid>`, as the Python janitor named it. */
  readonly name: string;
  /** As written in the RouteConfiguration: `host` and `host:port` on 80/443, `host:port` elsewhere. */
  readonly domains: readonly string[];
  /** The domains as the operator wrote them (for SNI matching and conflict detection). */
  readonly hostnames: readonly string[];
  readonly routes: readonly Route[];
}

export interface ListenerAddress {
  /** `0.0.0.0` by default; IPv6 without brackets (`::`). */
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One `expose#N` section served by this gateway. */
export interface Expose {
  readonly rid: string;
  /** `<service path>.<expose rid>`; also the EDS name. */
  readonly clusterName: string;
  readonly protocol: Protocol;
  /** Backend port. */
  readonly port: number;
  /** Where Envoy listens. The port is the allocated one when `listener_port = 0` was asked. */
  readonly listener: ListenerAddress;
  /** True when `listener_port` was 0 or absent and the port above was allocated by the janitor. */
  readonly allocatedPort: boolean;
  readonly lbPolicy: LbPolicy;
  /** SNI server names for TLS passthrough (empty: not SNI-routed). */
  readonly sni: readonly string[];
  /** HTTP virtual hosts (empty: L4). */
  readonly vhosts: readonly VirtualHost[];
  /** Downstream TLS termination (`listener_certificates`). */
  readonly listenerCertificates: readonly Certificate[];
  /** Upstream TLS (`cluster_certificates`). */
  readonly clusterCertificates: readonly Certificate[];
  /** `cluster_data`: a v3 Cluster JSON object (proto field names) used as the base of the cluster. */
  readonly clusterData?: Readonly<Record<string, unknown>>;
  /** `filter_config_data`: JSON merged into the main network filter's typed_config. */
  readonly filterConfigData?: Readonly<Record<string, unknown>>;
  /**
   * HTTP/2 towards clients on its HTTP connection manager: false (keyword `http2 = false`) makes
   * the codec HTTP1 and TLS chains advertise ALPN http/1.1 only. filter_config_data's codec_type
   * wins when set; ALPN always follows the codec the connection manager ends up with.
   */
  readonly http2: boolean;
  /** `cluster_sni` (cluster files): the SNI sent to backends; TLS to them even without cluster_certificates. */
  readonly upstreamSni?: string;
  /** `circuit_breakers_*` (cluster files): Cluster.circuit_breakers, default priority. */
  readonly circuitBreakers?: CircuitBreakers;
  /** `outlier_detection_*` (cluster files): Cluster.outlier_detection. */
  readonly outlierDetection?: OutlierDetection;
}

export interface CircuitBreakers {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
}

export interface OutlierDetection {
  readonly consecutive5xx?: number;
  readonly intervalMs?: number;
  readonly baseEjectionTimeMs?: number;
  readonly maxEjectionPercent?: number;
}

/**
 * Everything one service asks of this gateway, its endpoints aside: those change on their own
 * path (model/endpoints.ts), without rebuilding the rest. Only valid services have one.
 */
export interface ServiceModel {
  readonly path: string;
  readonly namespace: string;
  /** Sorted by rid. */
  readonly exposes: readonly Expose[];
  /** The SDS secrets its certificates need, sorted by name, values included. */
  readonly secrets: readonly SecretModel[];
}
