// The rebuild loop. Source events mark services dirty; one batch at a time rebuilds the dirty
// services, then applies ONE change set to the cache. Secret fetches (the only I/O) run on a
// p-queue worker pool sized by --max-workers, so unrelated services fetch in parallel and a slow
// fetch never holds other services' changes back.
// No debounce: a lone change starts a batch at once; changes arriving during a batch fold into
// the next one, so a service changing ten times during a rebuild is rebuilt once more, not ten.
import PQueue from 'p-queue';
import type { Validate } from '../envoy/check.js';
import type { Logger } from '../log.js';
import { formatProblem } from '../model/problems.js';
import type { ClusterState, Source, SourceEvent } from '../source/types.js';
import type { ResourceCache } from '../xds/cache.js';
import { buildGatewayChange, type GatewayBuild } from './gateway.js';
import { createPortBook, envoyListenerPorts } from './ports.js';
import { createSecretStore } from './secrets.js';
import { rebuildService, type ServiceEntry } from './services.js';
import type { BuildContext, ModelApi, PortAllocation } from './types.js';

export interface SchedulerOptions {
  readonly api: ModelApi;
  readonly validate: Validate;
  readonly cache: ResourceCache;
  readonly source: Pick<Source, 'getSecret' | 'setListenerPort'>;
  readonly gateway: string;
  readonly maxWorkers: number;
  readonly envoyAdminPort: number;
  readonly logger: Logger;
  /** Called after each batch, with the time (ms, performance.now) of the batch's oldest event. */
  readonly onBatch?: (build: GatewayBuild, eventAt: number, durationMs: number) => void;
}

export interface Scheduler {
  onEvent(event: Extract<SourceEvent, { kind: 'snapshot' | 'change' }>): void;
  /** Resolves when no batch runs and nothing is dirty. */
  idle(): Promise<void>;
  entries(): ReadonlyMap<string, ServiceEntry>;
  lastBuild(): GatewayBuild | undefined;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const log = o.logger;
  const queue = new PQueue({ concurrency: o.maxWorkers });
  const secrets = createSecretStore(o.source, log);
  const ports = createPortBook(o.source, log);
  const entries = new Map<string, ServiceEntry>();
  const dirty = new Set<string>();
  /** Services whose rebuild waits for a secret fetch (deferUntilFetched). */
  const awaitingSecrets = new Set<string>();
  let state: ClusterState | undefined;
  /** Source events received: the state is a live view (updated in place), its identity says nothing. */
  let events = 0;
  /** A snapshot arrived and no batch has built it yet (an empty cluster must be served too). */
  let snapshotPending = false;
  let oldestEvent: number | undefined;
  let running: Promise<void> | undefined;
  let last: GatewayBuild | undefined;
  let idleWaiters: (() => void)[] = [];

  const ctx: BuildContext = { gateway: o.gateway, secrets: (p) => secrets.get(p), listenerPort: (s, rid) => ports.get(s, rid) };

  async function allocate(current: ClusterState): Promise<void> {
    if (![...dirty].some((p) => current.services.has(p) && o.api.needsPort(current, p, o.gateway))) return;
    const isNew = (a: PortAllocation): boolean => ports.get(a.service, a.rid) === undefined;
    const first = o.api.allocatePorts(current, o.gateway, [], ports.all());
    if (!first.allocations.some(isNew)) return;
    const envoyPorts = await envoyListenerPorts(o.envoyAdminPort);
    const result = envoyPorts.length > 0 ? o.api.allocatePorts(current, o.gateway, envoyPorts, ports.all()) : first;
    for (const p of result.problems) log.warn({ service: p.service, error: formatProblem(p) }, 'listener port allocation failed');
    const fresh = result.allocations.filter(isNew);
    ports.record(fresh);
    for (const a of fresh) dirty.add(a.service);
  }

  /**
   * A service waiting for secrets is rebuilt once they are fetched, in a later batch. One wait per
   * service: changes meanwhile do not each hold a worker on the same fetch (that rebuild finds
   * any secret it still misses and waits again).
   */
  function deferUntilFetched(path: string, missing: readonly string[]): void {
    if (awaitingSecrets.has(path)) return;
    awaitingSecrets.add(path);
    void queue
      .add(() => secrets.ensure(missing))
      .then(() => {
        awaitingSecrets.delete(path);
        dirty.add(path);
        kick();
      });
  }

  /**
   * Rebuild one service. Its secrets are fetched first: the first snapshot waits for them (it must
   * be complete), later batches do not (the service keeps its current resources until they are
   * there, and every other change goes out meanwhile).
   */
  async function rebuildOne(current: ClusterState, path: string, waitForSecrets: boolean): Promise<void> {
    if (!current.services.has(path) || !o.api.isService(current, path)) {
      entries.delete(path);
      return;
    }
    let referenced: readonly string[] = [];
    try {
      referenced = o.api.referencedSecrets(current, path, o.gateway);
    } catch {
      // reported by rebuildService, which meets the same defect
    }
    const missing = (): string[] => referenced.filter((p) => !secrets.has(p));
    if (waitForSecrets && missing().length > 0) await secrets.ensure(missing());
    // still missing (a later batch, or changed again while the first snapshot fetched it): never
    // build with a secret that is not there, rebuild once it is
    const still = missing();
    if (still.length > 0) return deferUntilFetched(path, still);
    const previous = entries.get(path);
    const entry = rebuildService(o.api, o.validate, current, path, ctx, previous);
    entries.set(path, entry);
    if (entry.valid) {
      if (previous && !previous.valid) log.info({ service: path }, 'service valid again');
      return;
    }
    // said once per distinct set of problems, not again on every rebuild of a still broken service
    const errors = entry.problems.map(formatProblem);
    const before = previous?.problems.map(formatProblem) ?? [];
    if (errors.length !== before.length || errors.some((e, i) => e !== before[i])) {
      log.warn({ service: path, served: entry.lastValid ? 'last valid state' : 'not served', errors }, 'service invalid');
    }
  }

  async function batch(): Promise<void> {
    if (!state) return;
    const started = performance.now();
    // allocate for the state the rebuild will use: a change arriving during the wait (even a
    // microtask's) may ask for a port too, and would otherwise be built without one
    let allocatedAt = -1;
    while (allocatedAt !== events) {
      allocatedAt = events;
      await allocate(state);
    }
    // the state and the dirty set are taken together, after the only wait before the rebuild:
    // whatever arrives from now on is for the next batch
    const current = state;
    const paths = [...dirty];
    dirty.clear();
    snapshotPending = false;
    const eventAt = oldestEvent ?? started;
    oldestEvent = undefined;
    const waitForSecrets = last === undefined; // the first batch builds the first full snapshot
    await Promise.all(paths.map((p) => (waitForSecrets ? queue.add(() => rebuildOne(current, p, true)) : rebuildOne(current, p, false))));
    const build = buildGatewayChange(o.api, entries, o.cache, last?.applied ?? new Map());
    o.cache.apply(build.changeSet);
    last = build;
    o.onBatch?.(build, eventAt, performance.now() - started);
  }

  function kick(): void {
    if (running) return;
    if (dirty.size === 0 && !snapshotPending) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    running = batch()
      .catch((error: unknown) => log.error({ error: error instanceof Error ? error.stack : String(error) }, 'rebuild failed'))
      .finally(() => {
        running = undefined;
        kick();
      });
  }

  return {
    onEvent(event) {
      events += 1;
      oldestEvent ??= performance.now();
      if (event.kind === 'snapshot') {
        snapshotPending = true;
        if (state) secrets.invalidateAll();
        for (const p of [...event.state.services.keys(), ...entries.keys()]) dirty.add(p);
      } else {
        for (const p of event.services) dirty.add(p);
        if (event.secrets.size > 0) {
          secrets.invalidate(event.secrets);
          for (const e of entries.values()) if (e.secrets.some((s) => event.secrets.has(s))) dirty.add(e.path);
        }
      }
      state = event.state;
      kick();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        if (!running && dirty.size === 0) resolve();
        else idleWaiters.push(resolve);
      }),
    entries: () => entries,
    lastBuild: () => last,
  };
}
