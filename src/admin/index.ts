// The admin server of a running janitor: a read-only view over the cache, the client registry,
// the services' statuses and readiness. It knows nothing of the loop that produces them: the
// janitor hands it functions.
import type { HostPort } from '../config.js';
import type { ServiceStatus } from '../pipeline/index.js';
import type { ResourceCache } from '../xds/cache.js';
import type { ClientRegistry } from '../xds/registry.js';
import type { JanitorEvent } from './events.js';
import type { Metrics } from './metrics.js';
import { adminRoutes, type AdminView, type Readiness } from './routes.js';
import { startAdminServer, type AdminServer } from './server.js';

export type AdminServerHandle = AdminServer;

export interface JanitorView {
  readonly cache: ResourceCache;
  readonly registry: ClientRegistry;
  readonly metrics: Metrics;
  readonly readiness: () => Readiness;
  readonly services: () => readonly ServiceStatus[];
  readonly about: AdminView['about'];
  readonly events: () => readonly JanitorEvent[];
}

export function createAdminServer(address: HostPort, janitor: JanitorView): Promise<AdminServer> {
  janitor.metrics.trackClients(() => janitor.registry.list());
  const view: AdminView = {
    cache: janitor.cache,
    registry: janitor.registry,
    metrics: janitor.metrics,
    readiness: janitor.readiness,
    services: janitor.services,
    about: janitor.about,
    events: janitor.events,
  };
  return startAdminServer(address.host, address.port, adminRoutes(view));
}
