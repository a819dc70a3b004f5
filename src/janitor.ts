// The daemon: wiring and lifecycle. Source → reconcile loop (the pipeline step, secrets, ports) →
// cache → xDS server, with the admin server and metrics beside. Start: listen, connect to the
// source, build the first full snapshot, mark the cache ready (nothing is served before). Source
// lost: keep serving the last state, not ready. SIGTERM/SIGINT: close streams cleanly and exit 0
// within 5 s.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { createAdminServer, type AdminServerHandle } from './admin/index.js';
import { createEventRing, type EventRing } from './admin/events.js';
import { createXdsHooks } from './admin/hooks.js';
import { createMetrics, shortType, type Metrics } from './admin/metrics.js';
import type { Config } from './config.js';
import { createLogger, routeGrpcLogs, routeProcessEvents, type Logger } from './log.js';
import { createLifecycle, type Lifecycle } from './reconcile/lifecycle.js';
import { createReconciler, type ReconcileHooks, type Reconciler } from './reconcile/loop.js';
import { createMemoryWriter, loadRemembered } from './reconcile/memory.js';
import { createFileSource } from './source/file/index.js';
import { createOpenSvcSource, resolveSocketPath } from './source/opensvc/index.js';
import type { Source, SourceEvent, VerifyResult } from './source/types.js';
import { createResourceCache, type ResourceCache } from './xds/cache.js';
import { createXdsServer, type XdsServer } from './xds/server.js';
import { ADS_ORDER } from './xds/types.js';
import { SocketInUseError } from './xds/listeners.js';
import { createAccessPolicy, securityWarnings } from './access.js';
import { packageVersion } from './version.js';

export interface Janitor {
  /** xds: undefined when the TCP listener is disabled (`--port none`). */
  readonly ports: { readonly xds: number | undefined; readonly admin: number | undefined };
  readonly lifecycle: Lifecycle;
  /** Resolves once the first snapshot is built and served. */
  readonly ready: Promise<void>;
  /** Anti-entropy on demand (SIGHUP): the source compares with a fresh read and repairs. */
  verify(): Promise<VerifyResult>;
  close(): Promise<void>;
}

export interface JanitorDeps {
  readonly logger?: Logger;
  readonly source?: Source;
  readonly env?: NodeJS.ProcessEnv;
}

const SHUTDOWN_GRACE_MS = 3000;
const SHUTDOWN_DEADLINE_MS = 4500;

function makeSource(config: Config, logger: Logger, env: NodeJS.ProcessEnv): Source {
  const antiEntropyMs = config.antiEntropySeconds * 1000;
  if (config.source.kind === 'file') return createFileSource({ path: config.source.path, logger, antiEntropyMs });
  const socketPath = resolveSocketPath(config.socket, env, existsSync);
  logger.info({ socket: socketPath }, 'using the OpenSVC daemon socket');
  return createOpenSvcSource({ socketPath, logger, antiEntropyMs });
}

function tcpAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Why the default socket's folder cannot hold it (missing, not writable), else undefined. */
function defaultSocketFolderProblem(socketPath: string): string | undefined {
  const folder = dirname(socketPath);
  if (!existsSync(folder)) return `folder ${folder} does not exist`;
  try {
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch {
    return `folder ${folder} is not writable`;
  }
}

async function listenUnix(xds: XdsServer, config: Config, logger: Logger): Promise<string | undefined> {
  if (!config.janitorSocket) return undefined;
  const socket = config.janitorSocket;
  // the default path is only a default: its folder missing (no bind mount) is one warning, not fatal
  const problem = config.janitorSocketIsDefault ? defaultSocketFolderProblem(socket) : undefined;
  if (problem) {
    logger.warn({ socket, folder: dirname(socket) }, `xDS unix socket ${socket} not created: ${problem}; serving over TCP only (create the folder, or set --janitor-socket PATH, or --janitor-socket none)`);
    return undefined;
  }
  try {
    await xds.listenUnix(socket);
    return socket;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // a live janitor on the socket is never replaced, default path or not
    if (error instanceof SocketInUseError || !config.janitorSocketIsDefault) throw new Error(`cannot listen on unix socket ${socket}: ${message}`);
    logger.warn({ socket, err: error }, `xDS unix socket ${socket} not created; serving over TCP only (set --janitor-socket PATH, or --janitor-socket none)`);
    return undefined;
  }
}

/** Where allocated ports go: to the source (the daemon persists them, a cluster file keeps them in memory), unless read-only. */
function portWriteBack(config: Config): { target: 'cluster' | 'memory'; why?: string } {
  return config.readOnly ? { target: 'memory', why: '--read-only' } : { target: 'cluster' };
}

/** The status page's events: the source's state changes, as the lifecycle sees them. */
function recordSourceEvent(events: EventRing, lifecycle: Lifecycle, source: string, event: SourceEvent): void {
  const before = lifecycle.sourceStatus();
  if (event.kind === 'stale') {
    if (before !== 'stale') events.add('source', 'warn', `source ${source} lost (${event.reason}): the last state stays served`);
  } else if (event.kind === 'snapshot') {
    const objects = `${event.state.services.size} objects`;
    if (before === 'connecting') events.add('source', 'info', `source ${source} connected: ${objects}`);
    else events.add('source', before === 'stale' ? 'info' : 'warn', `source ${source} resynced${before === 'stale' ? ' after being lost' : ''}: ${objects}`);
  }
}

function reconcileHooks(cache: ResourceCache, metrics: Metrics, lifecycle: Lifecycle, xds: () => XdsServer, logger: Logger, save: ReconcileHooks['onRemembered'], events: EventRing): ReconcileHooks {
  return {
    onConflict(c) {
      metrics.countConflicts();
      events.add('conflict', 'warn', `${c.loser} lost ${c.what} to ${c.holder}, which keeps it`);
    },
    onServiceProblems(service, problems) {
      const first = (problems[0] ?? '').replace(`${service} `, '');
      if (problems.length === 0) events.add('service', 'info', `${service} is valid again`);
      else events.add('service', 'warn', `${service} is invalid: ${first}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
    },
    onBatch({ eventAt, durationMs, changeSet, invalid }) {
      metrics.observeBuild(durationMs / 1000);
      const counts = cache.counts();
      for (const typeUrl of ADS_ORDER) metrics.setResources(typeUrl, counts[typeUrl]);
      metrics.setInvalidServices(invalid);
      // push latency is measured on the next response, when there is a client to receive one
      lifecycle.batchApplied(eventAt, changeSet.upserts.length + changeSet.removals.length > 0 && xds().registry.size() > 0);
      if (!cache.isReady()) {
        cache.markReady();
        lifecycle.served();
        logger.info({ resources: Object.fromEntries(Object.entries(cache.counts()).map(([t, n]) => [shortType(t), n])) }, 'first snapshot served');
      }
    },
    onWriteBackFailure: () => metrics.countWriteBackFailure(),
    ...(save !== undefined && { onRemembered: save }),
  };
}

export async function startJanitor(config: Config, deps: JanitorDeps = {}): Promise<Janitor> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const cache = createResourceCache();
  const metrics = createMetrics();
  const source = deps.source ?? makeSource(config, logger, deps.env ?? process.env);
  const events = createEventRing();
  const lifecycle = createLifecycle(source.name, logger, (state) => metrics.setSourceState(source.name, state));
  metrics.trackSource(source.name, () => source.counts?.());
  metrics.trackCertificates(() => reconciler.certificateExpiries());
  // the hooks only run once streams exist, long after `xds` is assigned
  const xds: XdsServer = createXdsServer({
    cache, logger, hooks: createXdsHooks(metrics, logger, () => lifecycle.takePendingPush(), () => xds.registry),
    policy: createAccessPolicy(config), limits: config.limits, tls: config.tls,
  });
  const memory = config.stateDir === undefined ? undefined : createMemoryWriter(config.stateDir, logger);
  const remembered = config.stateDir === undefined ? undefined : await loadRemembered(config.stateDir, logger);
  const reconciler: Reconciler = createReconciler({
    config: { gateway: config.name, portRange: config.portRange, allowCodeExtensions: config.allowCodeExtensions, allowClusterHeader: config.allowClusterHeader },
    cache,
    source,
    portWriteBack: portWriteBack(config),
    envoyAdminPort: config.envoyPort,
    secretConcurrency: Math.min(config.maxWorkers, 64),
    logger,
    ...(remembered !== undefined && { remembered }),
    hooks: reconcileHooks(cache, metrics, lifecycle, () => xds, logger, memory && ((r) => memory.save(r)), events),
  });

  let xdsPort: number | undefined;
  let unixPath: string | undefined;
  try {
    if (config.port !== undefined) xdsPort = await xds.listenTcp(tcpAddress(config.listen, config.port));
    unixPath = await listenUnix(xds, config, logger);
    if (xdsPort === undefined && unixPath === undefined) throw new Error('no xDS listener: --port none needs a unix socket (--janitor-socket)');
  } catch (error) {
    await xds.close(0);
    throw error;
  }
  for (const w of securityWarnings(config, unixPath)) logger.warn(w.fields, w.message);
  const version = packageVersion();
  const admin: AdminServerHandle | undefined = config.admin
    ? await createAdminServer(config.admin, {
        cache,
        registry: xds.registry,
        metrics,
        readiness: () => lifecycle.readiness(),
        services: () => reconciler.statuses(),
        about: () => ({ gateway: config.name, version, source: source.name, sourceState: lifecycle.sourceStatus() }),
        events: () => events.list(),
      })
    : undefined;
  logger.info({ xds: xdsPort === undefined ? undefined : tcpAddress(config.listen, xdsPort), unix: unixPath, admin: admin ? tcpAddress(config.admin?.host ?? '', admin.port) : undefined, gateway: config.name }, 'listening');

  const onEvent = (event: SourceEvent): void => {
    recordSourceEvent(events, lifecycle, source.name, event);
    if (event.kind === 'stale') return lifecycle.stale(event.reason);
    if (event.kind === 'held') return lifecycle.held(event.reason);
    if (event.kind === 'resumed') return lifecycle.resumed();
    if (event.kind === 'snapshot') lifecycle.snapshot();
    else lifecycle.resumed(); // a change ends a hold too
    reconciler.onEvent(event);
  };
  try {
    await source.start(onEvent);
    if (config.portsFile) {
      await writeFile(config.portsFile, `${JSON.stringify({ xds: xdsPort, admin: admin?.port, unix: unixPath })}\n`);
    }
  } catch (error) {
    // close is idempotent and safe on a source that did not start
    await source.close();
    reconciler.close();
    await xds.close(0);
    await admin?.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    ports: { xds: xdsPort, admin: admin?.port },
    lifecycle,
    ready: lifecycle.whenServed(),
    verify: () => source.verify?.() ?? Promise.resolve({ checked: false, differences: 0, reason: `source ${source.name} has no anti-entropy` }),
    close() {
      closing ??= (async () => {
        lifecycle.shutdown();
        logger.info('shutting down: closing xDS streams');
        await xds.close(SHUTDOWN_GRACE_MS);
        await source.close();
        reconciler.close();
        await memory?.flush();
        await admin?.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/** Run until SIGTERM/SIGINT; resolves with the process exit code. */
export async function runJanitor(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  routeGrpcLogs(logger);
  routeProcessEvents(logger);
  let janitor: Janitor;
  try {
    janitor = await startJanitor(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    return 1;
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received');
      const deadline = setTimeout(() => {
        logger.warn('shutdown took too long, exiting anyway');
        resolve(0);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      janitor.close().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          resolve(0);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', () => {
      logger.info({ signal: 'SIGHUP' }, 'signal received: comparing the followed cluster with a fresh read');
      void janitor.verify().then((result) => logger.info(result, 'anti-entropy check done'));
    });
  });
}
