// The connected clients, as plain serialisable objects (the admin side prints them as JSON).
// Each stream registers a describe() function, so the registry never holds a second copy of the
// stream's state that could drift from it.

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

export interface ClientInfo {
  readonly streamId: number;
  readonly nodeId: string;
  readonly nodeCluster: string;
  readonly userAgent: string;
  readonly service: ServiceKind;
  readonly variant: Variant;
  readonly transport: Transport;
  readonly peer: string;
  /** ISO timestamp. */
  readonly connectedSince: string;
  /** Responses handed to gRPC and not yet written to the socket. */
  readonly queuedWrites: number;
  /** Keyed by type URL. */
  readonly types: Readonly<Record<string, TypeStatus>>;
}

export interface ClientRegistry {
  list(): ClientInfo[];
  get(streamId: number): ClientInfo | undefined;
  size(): number;
}

export interface MutableRegistry extends ClientRegistry {
  add(streamId: number, describe: () => ClientInfo): void;
  remove(streamId: number): void;
}

export function createClientRegistry(): MutableRegistry {
  const streams = new Map<number, () => ClientInfo>();
  return {
    list: () => [...streams.values()].map((describe) => describe()),
    get: (id) => streams.get(id)?.(),
    size: () => streams.size,
    add: (id, describe) => void streams.set(id, describe),
    remove: (id) => void streams.delete(id),
  };
}
