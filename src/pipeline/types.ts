// The pipeline's contract: what a step takes and gives. See step.ts for the step itself.
import type { Allocation, ListenAddress } from '../ports/index.js';
import type { Problem } from '../model/types.js';
import type { ClusterState, SecretValues } from '../source/types.js';
import type { ChangeSet } from '../xds/types.js';
import type { Ahead } from './ahead.js';

export interface PipelineConfig {
  /** This gateway's name (`--name`): exposes with another `gateway` are not ours. */
  readonly gateway: string;
  /** Where `listener_port = 0` allocations are taken. */
  readonly portRange: { readonly min: number; readonly max: number };
  /** `--allow-code-extensions`: services' JSON may use Lua, Wasm, Go and dynamic modules. */
  readonly allowCodeExtensions?: boolean;
  /** `--allow-cluster-header`: routes may let the client name the cluster. */
  readonly allowClusterHeader?: boolean;
}

/** A secret object as the reconcile loop holds it: its values and their digest, or why it is missing. */
export type SecretEntry = { readonly values: SecretValues; readonly digest: string } | { readonly error: string };

export interface PipelineInput {
  /** The cluster as the source follows it; only read during the step. */
  readonly cluster: ClusterState;
  /** Object paths whose definition or instances may have changed since the last step. */
  readonly changed: Iterable<string>;
  /** Secret objects (`<ns>/sec/<name>`) by path; undefined: not fetched. */
  readonly secrets: (path: string) => SecretEntry | undefined;
  /** Where Envoy listens itself, when known (asked before allocating ports). */
  readonly envoyPorts?: readonly ListenAddress[];
  /**
   * Services compiled ahead of the step (ahead.ts), by path: taken for what their content keys
   * still match (the units, the assignments), made again otherwise.
   */
  readonly ahead?: (path: string) => Ahead | undefined;
}

/** One expose as served (or not) for its service. */
export interface ExposeStatus {
  readonly rid: string;
  /** Its Cluster and ClusterLoadAssignment name. */
  readonly cluster: string;
  readonly listener: string;
  /** A version of it is served. */
  readonly served: boolean;
  /** The version served is the current definition (false: an earlier valid one is kept). */
  readonly current: boolean;
  /** Why its current definition is not served: the conflict and who holds what it asks. */
  readonly conflict?: { readonly holder: string; readonly what: string };
  /** Routes not served on a host name another service already routes the same match on. */
  readonly lostRoutes: readonly { readonly hostname: string; readonly route: string; readonly holder: string }[];
}

export interface ServiceStatus {
  readonly path: string;
  /** The current definition is valid and served as asked. */
  readonly valid: boolean;
  /** Problems of the current definition, conflicts included. */
  readonly problems: readonly Problem[];
  /** Served anyway, but worth knowing (certificate expiry, hash policies ignored, ...). */
  readonly warnings: readonly Problem[];
  /** Something of it is served (its current or an earlier valid definition). */
  readonly served: boolean;
  readonly exposes: readonly ExposeStatus[];
  readonly listeners: readonly string[];
  readonly clusters: readonly string[];
}

/** A conflict decided in a step: who lost what to whom. */
export interface ConflictEvent {
  readonly loser: string;
  readonly holder: string;
  readonly what: string;
}

export interface StepResult {
  /** What the cache must apply: only resources whose bytes changed, and removals. */
  readonly changeSet: ChangeSet;
  /** Services whose status changed in this step (removed services map to undefined). */
  readonly statuses: ReadonlyMap<string, ServiceStatus | undefined>;
  /** Ports allocated in this step, to write back. */
  readonly allocations: readonly Allocation[];
  readonly conflicts: readonly ConflictEvent[];
}
