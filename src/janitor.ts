// The daemon: wiring and lifecycle. Source → scheduler (model, translation, cache) → xDS server,
// with the admin server and metrics beside. Start: listen, connect to the source, build the first
// full snapshot, mark the cache ready (nothing is served before). Source lost: keep serving the
// last state, not ready. SIGTERM/SIGINT: close streams cleanly and exit 0 within 5 s.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fullCheck } from './envoy/check.js';
import { createAdminServer, type AdminServerHandle } from './admin/index.js';
import { createMetrics, shortType } from './admin/metrics.js';
import { createModelApi } from './build/model-api.js';
import { createScheduler } from './build/scheduler.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createFileSource } from './source/file/index.js';
import { createOpenSvcSource, resolveSocketPath } from './source/opensvc/index.js';
import type { Source, SourceEvent } from './source/types.js';
import { createResourceCache } from './xds/cache.js';
import { createXdsServer, type XdsServer } from './xds/server.js';
import { SocketInUseError } from './xds/listeners.js';
import { createXdsHooks } from './admin/hooks.js';
import { createAccessPolicy, securityWarnings } from './access.js';
import { createLifecycle, type Lifecycle } from './build/lifecycle.js';

export interface Janitor {
  /** xds: undefined when the TCP listener is disabled (`--port none`). */
  readonly ports: { readonly xds: number | undefined; readonly admin: number | undefined };
  readonly lifecycle: Lifecycle;
  /** Resolves once the first snapshot is built and served. */
  readonly ready: Promise<void>;
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
  if (config.source.kind === 'file') return createFileSource({ path: config.source.path, logger });
  const socketPath = resolveSocketPath(config.socket, env, existsSync);
  logger.info({ socket: socketPath }, 'using the OpenSVC daemon socket');
  return createOpenSvcSource({ socketPath, logger });
}

function tcpAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function listenUnix(xds: XdsServer, config: Config, logger: Logger): Promise<string | undefined> {
  if (!config.janitorSocket) return undefined;
  try {
    await xds.listenUnix(config.janitorSocket);
    return config.janitorSocket;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // a live janitor on the socket is never replaced, default path or not
    if (error instanceof SocketInUseError || !config.janitorSocketIsDefault) throw new Error(`cannot listen on unix socket ${config.janitorSocket}: ${message}`);
    logger.warn({ socket: config.janitorSocket, error: message }, 'default xDS unix socket unavailable, serving over TCP only');
    return undefined;
  }
}

export async function startJanitor(config: Config, deps: JanitorDeps = {}): Promise<Janitor> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const cache = createResourceCache();
  const metrics = createMetrics();
  const source = deps.source ?? makeSource(config, logger, deps.env ?? process.env);
  const lifecycle = createLifecycle(source.name, metrics, logger);
  // the hooks only run once streams exist, long after `xds` is assigned
  const xds: XdsServer = createXdsServer({
    cache, logger, hooks: createXdsHooks(metrics, logger, lifecycle, () => xds.registry),
    policy: createAccessPolicy(config), limits: config.limits, tls: config.tls,
  });
  const scheduler = createScheduler({
    api: createModelApi(config.portRange),
    validate: fullCheck,
    cache,
    source,
    gateway: config.name,
    maxWorkers: config.maxWorkers,
    envoyAdminPort: config.envoyPort,
    logger,
    onBatch: (build, eventAt, durationMs) => {
      metrics.buildDuration.observe(durationMs / 1000);
      for (const [typeUrl, count] of Object.entries(cache.counts())) metrics.resources.set({ type: shortType(typeUrl) }, count);
      const invalid = [...scheduler.entries().values()].filter((e) => !e.valid || build.problems.has(e.path)).length;
      metrics.invalidServices.set(invalid);
      // push latency is measured on the next response, when there is a client to receive one
      lifecycle.batchApplied(eventAt, build.changeSet.upserts.length + build.changeSet.removals.length > 0 && xds.registry.size() > 0);
      if (!cache.isReady()) {
        cache.markReady();
        lifecycle.served();
        logger.info({ resources: Object.fromEntries(Object.entries(cache.counts()).map(([t, n]) => [shortType(t), n])) }, 'first snapshot served');
      }
    },
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
  const admin: AdminServerHandle | undefined = config.admin
    ? await createAdminServer(config.admin, { cache, registry: xds.registry, metrics, lifecycle, scheduler })
    : undefined;
  logger.info({ xds: xdsPort === undefined ? undefined : tcpAddress(config.listen, xdsPort), unix: unixPath, admin: admin ? tcpAddress(config.admin?.host ?? '', admin.port) : undefined, gateway: config.name }, 'listening');

  const onEvent = (event: SourceEvent): void => {
    if (event.kind === 'stale') {
      lifecycle.stale(event.reason);
      return;
    }
    if (event.kind === 'snapshot') lifecycle.snapshot();
    scheduler.onEvent(event);
  };
  try {
    await source.start(onEvent);
    if (config.portsFile) {
      await writeFile(config.portsFile, `${JSON.stringify({ xds: xdsPort, admin: admin?.port, unix: unixPath })}\n`);
    }
  } catch (error) {
    // close is idempotent and safe on a source that did not start
    await source.close();
    await xds.close(0);
    await admin?.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    ports: { xds: xdsPort, admin: admin?.port },
    lifecycle,
    ready: lifecycle.whenServed(),
    close() {
      closing ??= (async () => {
        lifecycle.shutdown();
        logger.info('shutting down: closing xDS streams');
        await xds.close(SHUTDOWN_GRACE_MS);
        await source.close();
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
  let janitor: Janitor;
  try {
    janitor = await startJanitor(config, { logger });
  } catch (error) {
    logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'cannot start');
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
          logger.error({ error: error instanceof Error ? error.message : String(error) }, 'error while shutting down');
          resolve(0);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
