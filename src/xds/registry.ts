// The connected clients, as plain serialisable objects (the admin side prints them as JSON).
// Each stream registers functions that describe it, so the registry never holds a second copy of
// the stream's state that could drift from it. Adding and removing a stream is O(1).
import type { ResourceStatus } from './status.js';
import type { TypeUrl } from './types.js';

export type ServiceKind = 'ads' | 'lds' | 'rds' | 'cds' | 'eds' | 'sds';
export type Variant = 'sotw' | 'delta';
export type Transport = 'tcp' | 'unix';

export interface NackInfo {
  /** The version the client rejected (the response it NACKed). */
  readonly version: string;
  readonly error: string;
  /** ISO timestamp. */
  readonly at: string;
}

/** Where a client stands on one type against what is served now (see state.ts syncState). */
export type SyncState = 'SYNCED' | 'STALE' | 'NACKED';

export interface TypeStatus {
  readonly wildcard: boolean;
  readonly names: readonly string[];
  /** Last version the client ACKed on this stream, '' when none yet. */
  readonly ackedVersion: string;
  /** Version of the last response sent, '' when none yet. */
  readonly sentVersion: string;
  readonly responses: number;
  readonly lastNack: NackInfo | null;
  /** ISO timestamp of the last ACK on this type, null before the first. */
  readonly lastAckAt: string | null;
  readonly sync: SyncState;
}

/** Who is on a stream: cheap to build, no per-resource state. */
export interface StreamInfo {
  readonly streamId: number;
  /** From the first request ('' before it); client-controlled text, bounded (see limits.ts). */
  readonly nodeId: string;
  readonly nodeCluster: string;
  readonly userAgent: string;
  readonly service: ServiceKind;
  readonly variant: Variant;
  readonly transport: Transport;
  /** True when the client proved who it is with a certificate the server verified (mutual TLS). */
  readonly authenticated: boolean;
  readonly peer: string;
  /** ISO timestamp. */
  readonly connectedSince: string;
}

export interface ClientInfo extends StreamInfo {
  /** Responses handed to gRPC and not yet written to the socket. */
  readonly queuedWrites: number;
  /** Keyed by type URL. */
  readonly types: Readonly<Record<string, TypeStatus>>;
}

/** Per type, each resource the stream sent or was asked for, and what the client did with it. */
export interface TypeResources {
  readonly typeUrl: TypeUrl;
  readonly resources: readonly ResourceStatus[];
}

export interface StreamRecord {
  info(): StreamInfo;
  describe(): ClientInfo;
  resources(): TypeResources[];
}

export interface ClientRegistry {
  list(): ClientInfo[];
  get(streamId: number): ClientInfo | undefined;
  size(): number;
  records(): Iterable<StreamRecord>;
}

export interface MutableRegistry extends ClientRegistry {
  add(streamId: number, record: StreamRecord): void;
  remove(streamId: number): void;
}

export function createClientRegistry(): MutableRegistry {
  const streams = new Map<number, StreamRecord>();
  return {
    list: () => [...streams.values()].map((r) => r.describe()),
    get: (id) => streams.get(id)?.describe(),
    size: () => streams.size,
    records: () => streams.values(),
    add: (id, record) => void streams.set(id, record),
    remove: (id) => void streams.delete(id),
  };
}
