// What every source adapter (OpenSVC daemon, watched file) hands to the rest of the janitor.
// Source-neutral: nothing downstream knows which adapter produced it.
//
// A source never reports an empty or partial cluster because it is starting, restarting or being
// edited: what it cannot believe yet it holds back (a `held` event says why), and what it lost it
// keeps (`stale`).

/** One resource of one instance, as the OpenSVC daemon publishes it in its instance status. */
export interface ResourceState {
  /** `<group>.<driver>` or `<group>`: `expose.envoy`, `vhost.envoy`, `ip`, `ip.cni`, … */
  readonly type: string;
  /** `up`, `down`, `n/a`, `warn`, … (data sections are always `n/a`). */
  readonly status: string;
  readonly label?: string;
  /** The keyword values (`expose.envoy`: port, protocol, …; `ip`: ipaddr, expose, …). `{}` when absent. */
  readonly info: Readonly<Record<string, unknown>>;
}

/** One instance of an object on one node. */
export interface InstanceState {
  readonly node: string;
  /** Instance availability (`up`, `down`, `n/a`, …) when known. */
  readonly avail?: string;
  readonly resources: Readonly<Record<string, ResourceState>>;
  /** True on a scaler slave (`<i>.<name>`). */
  readonly scalerSlave?: boolean;
  /** On a scaler: its slaves' bare names (`0.web1`, `1.web1`), namespace not included. */
  readonly scalerSlaves?: readonly string[];
}

/** One object (service, secret, …) with its instances, sorted by node name. Never changed once made. */
export interface ServiceState {
  /** `<namespace>/<kind>/<name>`; root namespace objects are `<kind>/<name>` or a bare `<name>`. */
  readonly path: string;
  readonly instances: readonly InstanceState[];
}

/**
 * The whole cluster as the janitor needs it: a live view. The state an event carries is updated in
 * place by the source until its next event (which names what changed): a changed service gets a
 * new ServiceState object in the map, an unchanged one keeps its object, a removed one leaves the
 * map. A ServiceState itself is never changed. So: read it when you use it; never keep it as "the
 * state at the time of the event", never detect a change by its identity (a source may hand the same
 * object in every event, or a new one after a snapshot), never change it. The map's order is
 * unspecified.
 */
export interface ClusterState {
  /** Every object path known to the cluster (svc, sec, cfg, …), scaler slaves included. */
  readonly services: ReadonlyMap<string, ServiceState>;
}

/** The keys of a `sec` object the janitor reads. Absent keys are simply missing. */
export interface SecretValues {
  readonly certificate_chain?: string;
  readonly private_key?: string;
  readonly password?: string;
  readonly trusted_ca?: string;
  readonly verify_certificate_hash?: string;
  /** Peer certificate names a validation context requires (DNS:, URI:, EMAIL:, IP:, comma or space separated). */
  readonly verify_subject_alt_name?: string;
}

export const SECRET_KEYS = [
  'certificate_chain',
  'private_key',
  'password',
  'trusted_ca',
  'verify_certificate_hash',
  'verify_subject_alt_name',
] as const satisfies readonly (keyof SecretValues)[];

export type SecretKey = (typeof SECRET_KEYS)[number];

/** The keys a `certificate_secret` (an SDS tls_certificate) needs; `password` is optional. */
export const TLS_CERTIFICATE_KEYS = ['certificate_chain', 'private_key', 'password'] as const satisfies readonly SecretKey[];
/** The keys a `validation_secret` (an SDS validation_context) needs. */
export const VALIDATION_CONTEXT_KEYS = ['trusted_ca', 'verify_certificate_hash', 'verify_subject_alt_name'] as const satisfies readonly SecretKey[];

export type SourceEvent =
  /** A complete state (first load, or a resync after a gap, an error or a reconnect): anything may have changed. */
  | { readonly kind: 'snapshot'; readonly state: ClusterState }
  /**
   * An incremental change. `services` names the affected services (scaler slaves already mapped to
   * their scaler path); `secrets` names the secret objects (`<ns>/sec/<name>`) whose content changed.
   */
  | {
      readonly kind: 'change';
      readonly state: ClusterState;
      readonly services: ReadonlySet<string>;
      readonly secrets: ReadonlySet<string>;
    }
  /** The source is unreachable; the last state stays valid and is kept. Never means "empty cluster". */
  | { readonly kind: 'stale'; readonly reason: string }
  /**
   * The source read something it does not believe yet, and keeps the last state as it is: a snapshot
   * from a (re)starting source that would withdraw most of what is served (waiting for
   * confirmation), a cluster file edit refused (its line and reason) or not finished. `reason` is a
   * sentence for operators (readiness, logs), never a secret value. Cleared by the next `snapshot`,
   * `change` or `resumed`; a new `held` replaces the reason.
   */
  | { readonly kind: 'held'; readonly reason: string }
  /** What was held is dropped and nothing changed: the last state is current again (a refused edit undone). */
  | { readonly kind: 'resumed' };

/** What a source counts (monotonic totals, for metrics). */
export interface SourceCounts {
  /** Full re-reads after the first (daemon_status fetched again: reconnect, id gap, apply error, garbage, confirmation). */
  readonly resyncs: number;
  /** Times the source started holding back a snapshot or an edit (see `held`). */
  readonly heldSnapshots: number;
  /** Anti-entropy comparisons made (periodic or on demand). */
  readonly antiEntropyChecks: number;
  /** Differences the comparisons found, each repaired. */
  readonly antiEntropyRepairs: number;
  /** Cluster file edits refused (syntax, keyword, value, parser failure). */
  readonly refusedEdits: number;
  /** getSecret calls that failed. */
  readonly secretFetchFailures: number;
  /** Messages from the source dropped for being larger than the bound (the connection is dropped, then resynced). */
  readonly oversizedMessages: number;
}

export type SourceCounter = keyof SourceCounts;

export function zeroCounts(): { -readonly [K in SourceCounter]: number } {
  return { resyncs: 0, heldSnapshots: 0, antiEntropyChecks: 0, antiEntropyRepairs: 0, refusedEdits: 0, secretFetchFailures: 0, oversizedMessages: 0 };
}

/** The outcome of one anti-entropy comparison. */
export interface VerifyResult {
  /** False when no comparison could be made now (resync or hold under way, source unreachable). */
  readonly checked: boolean;
  /** Differences found (and repaired). */
  readonly differences: number;
  /** Why nothing was checked. */
  readonly reason?: string;
}

export interface Source {
  /** Short name for logs and metrics: `opensvc`, `file`. */
  readonly name: string;
  /**
   * Start following the cluster. Events are delivered in order through `onEvent`; the first one is
   * always a `snapshot`. Resolves once started (not necessarily after the first snapshot).
   */
  start(onEvent: (event: SourceEvent) => void): Promise<void>;
  /**
   * Read these keys (default: all of SECRET_KEYS) of a secret object (`<ns>/sec/<name>`). A key the
   * object does not hold is absent from the result. Rejects with an error naming the secret and the
   * key that could not be read, never a value.
   */
  getSecret(path: string, keys?: readonly SecretKey[]): Promise<SecretValues>;
  /**
   * Persist an allocated listener port: `<rid>.listener_port=<port>` on the service `path`. Resolves
   * with 'kept in memory' when the source cannot persist it (the file source never rewrites the file).
   */
  setListenerPort(path: string, rid: string, port: number): Promise<void | 'kept in memory'>;
  /** Anti-entropy: compare what was followed with a fresh read of the cluster, repair and announce what differs. */
  verify?(): Promise<VerifyResult>;
  /** Totals for metrics (see SourceCounts). */
  counts?(): SourceCounts;
  /** Stop following; idempotent. */
  close(): Promise<void>;
}
