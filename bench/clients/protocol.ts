// Messages between the bench (parent) and its clients process (bench/clients/main.ts), over the
// Node IPC channel. Times are milliseconds on the monotonic clock both processes read.

/** What one client must see for an expectation to be met. */
export type ExpectItem =
  /** The ClusterLoadAssignment `name` has an endpoint with this address (and this health status). */
  | { readonly kind: 'endpoint'; readonly name: string; readonly address: string; readonly health?: string }
  /** Some RouteConfiguration carries these bytes (a unique route prefix). */
  | { readonly kind: 'route'; readonly marker: string };

export interface Expectation {
  readonly id: number;
  readonly items: readonly ExpectItem[];
}

/** Resources a client must hold, at least, before it counts as holding everything. */
export interface Minimum {
  readonly clusters: number;
  readonly listeners: number;
}

export type ToClients =
  /** Open `count` more clients to `target` (`host:port` or `unix:/path`). */
  | { readonly kind: 'open'; readonly target: string; readonly count: number; readonly minimum: Minimum }
  | { readonly kind: 'arm'; readonly expectations: readonly Expectation[] }
  | { readonly kind: 'dump' }
  | { readonly kind: 'status' }
  | { readonly kind: 'exit' };

export interface ClientStatus {
  readonly id: number;
  /** Resources held per type (short names: cds, eds, lds, rds, sds). */
  readonly held: Record<string, number>;
  /** Names subscribed and not answered yet, per type. */
  readonly waiting: Record<string, number>;
  /** Names the server said do not exist, per type. */
  readonly absent: Record<string, number>;
  readonly complete: boolean;
  /** When the first response arrived (monotonic ms). */
  readonly firstAt?: number;
  /** Streams the server dropped (each opened again, from nothing, after 500 ms). */
  readonly drops: number;
  /** Why the last stream ended. */
  readonly ended?: string;
}

export type FromClients =
  /** Loaded (the protos too): ready for `open`. */
  | { readonly kind: 'ready' }
  /** The clients just opened all hold everything: per client, first response and completion times. */
  | { readonly kind: 'opened'; readonly firstResponse: number[]; readonly complete: number[] }
  | { readonly kind: 'armed'; readonly count: number }
  /** Every client met expectation `id`: per client, when its last item was met. */
  | { readonly kind: 'reached'; readonly id: number; readonly times: number[] }
  /** Per client: ClusterLoadAssignment name → sorted `address:port:HEALTH` endpoints. */
  | { readonly kind: 'dump'; readonly clients: Record<string, string[]>[] }
  | { readonly kind: 'status'; readonly clients: ClientStatus[] };
