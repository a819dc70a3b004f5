// What one client may cost the server: every bound in one place, with its default. Past a
// connection or stream bound the newcomer is refused; past a per-stream bound the stream ends
// with RESOURCE_EXHAUSTED and a sentence saying which bound; text a client controls is cut to a
// few hundred characters before it is stored or logged.

export interface XdsLimits {
  /** Open connections per transport (TCP, unix); past it a new connection is closed at once. */
  readonly maxConnections: number;
  /** Open xDS streams per transport; past it a new stream ends with RESOURCE_EXHAUSTED. */
  readonly maxStreams: number;
  /** Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
  readonly maxStreamsPerConnection: number;
  /** Largest request message in bytes (gRPC refuses a larger one with RESOURCE_EXHAUSTED). */
  readonly maxRequestBytes: number;
  /** Resource names one stream may subscribe to, all types together. */
  readonly maxSubscriptions: number;
  /** Total UTF-8 length of those names, in bytes. */
  readonly maxSubscriptionBytes: number;
  /** Requests one stream may send in a burst; after it, requestsPerSecond (the stream is read slower). */
  readonly requestBurst: number;
  readonly requestsPerSecond: number;
  /**
   * Response bytes handed to gRPC and not yet written to a socket, all streams together: past it a
   * stream waits for room before it starts its next flush (budget.ts). Not a per-message limit.
   */
  readonly maxQueuedBytes: number;
}

export const DEFAULT_LIMITS: XdsLimits = {
  maxConnections: 1024,
  maxStreams: 4096,
  maxStreamsPerConnection: 128,
  maxRequestBytes: 16 * 1024 * 1024,
  maxSubscriptions: 250_000,
  maxSubscriptionBytes: 16 * 1024 * 1024,
  requestBurst: 10_000,
  requestsPerSecond: 1_000,
  maxQueuedBytes: 8 * 1024 * 1024,
};

/** Bounds of client-controlled text, in characters, applied as requests are decoded. */
export const TEXT_LIMITS = {
  /** node.id, node.cluster, node.user_agent_name, type_url, version_info, response_nonce */
  identifier: 256,
  /** error_detail.message of a NACK */
  errorMessage: 4096,
} as const;

/** `text` cut to `max` characters, with a marker saying how much was cut. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}
