// Type URLs the engine serves and the order ADS sends them in. The engine is generic: it never
// looks inside a resource, it only knows names, encoded bytes and these URLs.

export const TYPE = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type TypeKey = keyof typeof TYPE;
export type TypeUrl = (typeof TYPE)[TypeKey];

/**
 * NOTE: the order of this list MATTERS. On one ADS stream, additions and updates go out in this
 * order (make before break: a route never points at a cluster Envoy does not have yet); removals
 * go out in the reverse order (listeners and routes before the clusters they use).
 */
export const ADS_ORDER: readonly TypeUrl[] = [TYPE.cluster, TYPE.endpoint, TYPE.secret, TYPE.listener, TYPE.route];

/** SotW responses of these types carry the full set; the others only what is asked. */
export const FULL_STATE_TYPES: ReadonlySet<TypeUrl> = new Set([TYPE.listener, TYPE.cluster]);

/**
 * Types with a wildcard subscription (xds_protocol.rst: "For Listener and Cluster resource types,
 * there is also a wildcard subscription"). Only these read a first request without names as "all":
 * Envoy's SotW mux re-sends an empty EDS/RDS/SDS list on a new stream when it watches nothing.
 */
export const WILDCARD_TYPES: ReadonlySet<TypeUrl> = new Set([TYPE.listener, TYPE.cluster]);

export function isTypeUrl(url: string): url is TypeUrl {
  return (ADS_ORDER as readonly string[]).includes(url);
}

/** One resource as the cache holds it: encoded once, served as the same bytes to every stream. */
export interface EncodedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** The serialized message (the `value` of the `google.protobuf.Any`). */
  readonly bytes: Uint8Array;
}

/** One consistent change set: applied atomically, across several types at once. */
export interface ChangeSet {
  readonly upserts: readonly EncodedResource[];
  readonly removals: readonly { readonly typeUrl: TypeUrl; readonly name: string }[];
}
