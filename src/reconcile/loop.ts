// The reconcile loop: timing and I/O around the pure pipeline step. Source events mark services
// changed; one batch at a time fetches what the step needs (secrets, Envoy's own ports when an
// allocation is due), runs the step, applies its change set to the cache, writes allocations back
// and says what changed. No debounce: a lone change starts a batch at once; changes arriving
// during a batch fold into the next one.
import type { Logger } from '../log.js';
import type { SecretUse } from '../model/referenced.js';
import { formatProblem } from '../model/problems.js';
import { certificateExpiries, createPipelineState, needsAllocation, remembered, secretUsers, secretsNamedBy, serviceStatuses, step, type ConflictEvent, type PipelineConfig, type PipelineState, type Remembered, type ServiceStatus, type StepWork } from '../pipeline/index.js';
import { createWriteBacks, envoyListenerPorts, type Allocation } from '../ports/index.js';
import type { ClusterState, Source, SourceEvent } from '../source/types.js';
import type { ResourceCache } from '../xds/cache.js';
import type { ChangeSet } from '../xds/types.js';
import { compileInSlices } from './ahead.js';
import { createSecretStore } from './secrets.js';

/** Callbacks for metrics and the state file; all optional, called synchronously, never throwing. */
export interface ReconcileHooks {
  /** A batch was applied. `eventAt` is the performance.now() of its oldest event. */
  onBatch?(info: { readonly eventAt: number; readonly durationMs: number; readonly changeSet: ChangeSet; readonly work: StepWork; readonly invalid: number; readonly first: boolean }): void;
  onConflict?(event: ConflictEvent): void;
  /** A service became invalid or its problems changed (one line each), or it is valid again ([]). */
  onServiceProblems?(service: string, problems: readonly string[]): void;
  onSecretFailure?(secret: string): void;
  onWriteBackFailure?(allocation: Allocation): void;
  /** What a restart should remember changed. */
  onRemembered?(remembered: Remembered): void;
}

export interface ReconcileOptions {
  readonly config: PipelineConfig;
  readonly cache: ResourceCache;
  readonly source: Pick<Source, 'getSecret' | 'setListenerPort'>;
  /** Where allocated ports go: the cluster, or memory only (a cluster file, --read-only). */
  readonly portWriteBack: { readonly target: 'cluster' | 'memory'; readonly why?: string };
  readonly envoyAdminPort: number;
  readonly secretConcurrency: number;
  /** Retry delays of a failed secret fetch (default 1 s doubling to 60 s). */
  readonly secretBackoff?: { readonly minMs: number; readonly maxMs: number };
  readonly logger: Logger;
  readonly remembered?: Remembered;
  readonly hooks?: ReconcileHooks;
}

export interface Reconciler {
  onEvent(event: Extract<SourceEvent, { kind: 'snapshot' | 'change' }>): void;
  /** Resolves when no batch runs and nothing is due. */
  idle(): Promise<void>;
  statuses(): ServiceStatus[];
  /** Served certificates' expiry (secret name → Unix seconds). */
  certificateExpiries(): ReadonlyMap<string, number>;
  close(): void;
}

function problemLines(status: ServiceStatus | undefined): string[] {
  return status === undefined ? [] : status.problems.map(formatProblem);
}

export function createReconciler(o: ReconcileOptions): Reconciler {
  const log = o.logger;
  let state: PipelineState = createPipelineState(o.config, o.remembered);
  let cluster: ClusterState | undefined;
  const due = new Set<string>();
  let oldestEvent: number | undefined;
  let running: Promise<void> | undefined;
  let first = true;
  /** A snapshot arrived and no batch took it yet: an empty cluster is served (and ready) too. */
  let snapshotPending = false;
  let idleWaiters: (() => void)[] = [];
  const said = new Map<string, string>();
  const writeBacks = createWriteBacks(o.source, { ...o.portWriteBack, logger: log, onFailure: (a) => o.hooks?.onWriteBackFailure?.(a) });
  const secrets = createSecretStore({
    source: o.source,
    logger: log,
    concurrency: o.secretConcurrency,
    ...(o.secretBackoff !== undefined && { backoff: o.secretBackoff }),
    wanted: (path) => secretUsers(state, path).length > 0,
    onChange: (path) => {
      for (const user of secretUsers(state, path)) due.add(user);
      kick();
    },
    onFailure: (path) => o.hooks?.onSecretFailure?.(path),
  });

  function logStatuses(statuses: ReadonlyMap<string, ServiceStatus | undefined>): void {
    for (const [path, status] of statuses) {
      const lines = problemLines(status);
      const before = said.get(path) ?? '';
      const now = lines.join('\n');
      if (now === before) continue;
      if (now === '') {
        said.delete(path);
        if (status !== undefined) {
          log.info({ service: path }, 'service valid again');
          o.hooks?.onServiceProblems?.(path, []);
        }
        continue;
      }
      said.set(path, now);
      log.warn({ service: path, served: status?.served ? 'partly or its last valid definition' : 'not served', errors: lines }, 'service invalid');
      o.hooks?.onServiceProblems?.(path, lines);
    }
  }

  /**
   * The secrets the services name, fetched before the step. The first snapshot waits for them (it
   * must be complete); later, a service naming a secret never fetched yet is left out of this
   * batch (its last state stays served) and comes back once the fetch is done, so one slow fetch
   * never holds other services' changes back.
   */
  async function withSecrets(now: ClusterState, paths: readonly string[], waitAll: boolean): Promise<string[]> {
    const named = new Map(paths.map((p) => [p, secretsNamedBy(state, now, p)] as const));
    if (waitAll) {
      const all = new Map<string, Set<SecretUse>>();
      for (const uses of named.values()) for (const [secret, u] of uses) all.set(secret, new Set([...(all.get(secret) ?? []), ...u]));
      await secrets.ensure(all);
      return paths.slice();
    }
    return [...named].filter(([p, uses]) => secretsReady(p, uses)).map(([p]) => p);
  }

  /** Whether every secret the service names is there; else it is due again once they are fetched. */
  function secretsReady(path: string, uses: ReadonlyMap<string, ReadonlySet<SecretUse>>): boolean {
    const fetched = secrets.ensure(uses);
    if ([...uses.keys()].every((x) => secrets.entry(x) !== undefined)) return true;
    void fetched.then(() => {
      due.add(path);
      kick();
    });
    return false;
  }

  let rememberedSignature = '';
  function remember(): void {
    const r = remembered(state);
    // a service that comes gets a step number above every age, so when as many go as come in
    // one batch the sum of the ages still changes
    let ages = 0;
    for (const age of r.ages.values()) ages += age;
    const signature = `${r.ages.size}\u0000${ages}\u0000${JSON.stringify([...r.holders])}`;
    if (signature === rememberedSignature) return;
    rememberedSignature = signature;
    o.hooks?.onRemembered?.(r);
  }

  async function batch(): Promise<void> {
    // the state this batch was started for: an event arriving while it awaits is due again and
    // goes in the next batch (a step on a newer state would miss the secrets that state names)
    const now = cluster;
    if (!now) return;
    const started = performance.now();
    const eventAt = oldestEvent ?? started;
    oldestEvent = undefined;
    snapshotPending = false;
    const fetched = await withSecrets(now, [...due].filter((p) => (due.delete(p), true)), first);
    const ahead = await compileInSlices(state, now, fetched, (p) => secrets.entry(p));
    // the state is a live view: a service edited during the wait may now name a secret never
    // fetched; it waits for it (its last state stays served) instead of being built without it
    const paths = fetched.filter((p) => secretsReady(p, secretsNamedBy(state, now, p)));
    const envoyPorts = needsAllocation(state, now, paths) ? await envoyListenerPorts(o.envoyAdminPort) : [];
    const result = step(state, { cluster: now, changed: paths, secrets: (p) => secrets.entry(p), envoyPorts, ahead: (p) => ahead.get(p) });
    state = result.state;
    o.cache.apply(result.changeSet);
    const wasFirst = first;
    first = false;
    writeBacks.record(result.allocations);
    logStatuses(result.statuses);
    for (const c of result.conflicts) {
      log.warn({ loser: c.loser, holder: c.holder, what: c.what }, 'conflict: the holder keeps it');
      o.hooks?.onConflict?.(c);
    }
    // what a restart remembers (ages, holders of contested keys) changes only when a service comes,
    // goes or is compiled again: an endpoint change leaves it, and skips a pass over every service
    if (result.work.compiled > 0 || [...result.statuses.values()].includes(undefined)) remember();
    o.hooks?.onBatch?.({ eventAt, durationMs: performance.now() - started, changeSet: result.changeSet, work: result.work, invalid: said.size, first: wasFirst });
  }

  function kick(): void {
    if (running) return;
    if ((due.size === 0 && !snapshotPending) || !cluster) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    running = batch()
      .catch((error: unknown) => log.error({ err: error instanceof Error ? error.stack : String(error) }, 'rebuild failed'))
      .finally(() => {
        running = undefined;
        kick();
      });
  }

  return {
    onEvent(event) {
      oldestEvent ??= performance.now();
      if (event.kind === 'snapshot') {
        snapshotPending = true;
        if (cluster !== undefined) secrets.refresh(state.core.secretUsers.keys());
        for (const p of event.state.services.keys()) due.add(p);
        for (const p of state.core.services.keys()) due.add(p);
      } else {
        for (const p of event.services) due.add(p);
        if (event.secrets.size > 0) secrets.refresh([...event.secrets].filter((p) => secretUsers(state, p).length > 0));
      }
      cluster = event.state;
      kick();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        if (!running && due.size === 0 && !snapshotPending) resolve();
        else idleWaiters.push(resolve);
      }),
    statuses: () => serviceStatuses(state).map((s) => withSecretWarnings(s)),
    certificateExpiries: () => certificateExpiries(state),
    close: () => secrets.close(),
  };

  function withSecretWarnings(status: ServiceStatus): ServiceStatus {
    const stale = (state.core.services.get(status.path)?.secrets ?? []).flatMap((p) => {
      const err = secrets.staleError(p);
      return err === undefined ? [] : [{ service: status.path, section: '', reason: 'SecretUnavailable' as const, message: `the secret ${p} could not be fetched again (${err}); the last good values stay served while it is retried.` }];
    });
    return stale.length === 0 ? status : { ...status, warnings: [...status.warnings, ...stale] };
  }
}
