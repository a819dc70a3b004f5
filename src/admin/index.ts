// The admin server of a running janitor: its view over the cache, the client registry, the
// scheduler's per-service state and the lifecycle.
import type { Lifecycle } from '../build/lifecycle.js';
import type { Scheduler } from '../build/scheduler.js';
import type { HostPort } from '../config.js';
import type { ResourceCache } from '../xds/cache.js';
import type { ClientRegistry } from '../xds/registry.js';
import type { Metrics } from './metrics.js';
import { adminRoutes, type AdminView, type ServiceStatus } from './routes.js';
import { startAdminServer, type AdminServer } from './server.js';

export type AdminServerHandle = AdminServer;

export interface JanitorView {
  readonly cache: ResourceCache;
  readonly registry: ClientRegistry;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  readonly scheduler: Scheduler;
}

/** The scheduler's entries (svc objects only: it drops every other path), sorted by path. */
export function serviceStatuses(scheduler: Scheduler): ServiceStatus[] {
  const build = scheduler.lastBuild();
  return [...scheduler.entries().values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => {
      const served = build?.served.has(e.path) ?? false;
      const conflicts = build?.problems.get(e.path) ?? [];
      const resources = served ? e.lastValid?.resources : undefined;
      return {
        path: e.path,
        valid: e.valid && conflicts.length === 0,
        served,
        problems: [...e.problems, ...conflicts],
        listeners: [...new Set(resources?.listeners.map((l) => l.name) ?? [])],
        clusters: resources?.clusters.map((c) => c.name) ?? [],
      };
    });
}

export function createAdminServer(address: HostPort, janitor: JanitorView): Promise<AdminServer> {
  const view: AdminView = {
    cache: janitor.cache,
    registry: janitor.registry,
    metrics: janitor.metrics,
    readiness: () => janitor.lifecycle.readiness(),
    services: () => serviceStatuses(janitor.scheduler),
  };
  return startAdminServer(address.host, address.port, adminRoutes(view));
}
