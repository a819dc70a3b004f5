// What every source adapter (OpenSVC daemon, watched file) hands to the rest of the janitor.
// Source-neutral: nothing downstream knows which adapter produced it.

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

/** One object (service, secret, …) with its instances, sorted by node name. */
export interface ServiceState {
  /** `<namespace>/<kind>/<name>`; root namespace objects are `<kind>/<name>` or a bare `<name>`. */
  readonly path: string;
  readonly instances: readonly InstanceState[];
}

/** The whole cluster as the janitor needs it. Immutable: a change produces a new ClusterState. */
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
  | { readonly kind: 'stale'; readonly reason: string };

export interface Source {
  /** Short name for logs and metrics: `opensvc`, `file`. */
  readonly name: string;
  /**
   * Start following the cluster. Events are delivered in order through `onEvent`; the first one is
   * always a `snapshot`. Resolves once started (not necessarily after the first snapshot).
   */
  start(onEvent: (event: SourceEvent) => void): Promise<void>;
  /** Read the keys of a secret object (`<ns>/sec/<name>`). Rejects with a clear error if unreadable. */
  getSecret(path: string): Promise<SecretValues>;
  /** Persist an allocated listener port: `<rid>.listener_port=<port>` on the service `path`. */
  setListenerPort(path: string, rid: string, port: number): Promise<void>;
  /** Stop following; idempotent. */
  close(): Promise<void>;
}
