// The admin endpoints, over a read-only view of the janitor.
import type { ServiceStatus } from '../pipeline/index.js';
import type { ResourceCache } from '../xds/cache.js';
import type { ClientRegistry } from '../xds/registry.js';
import type { Metrics } from './metrics.js';
import { DUMP_TYPES, configDump, isDumpType } from './config-dump.js';
import type { JanitorEvent } from './events.js';
import { statusPage } from './page.js';
import { htmlPage, json, text, type AdminHandler } from './server.js';

export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

export interface AdminView {
  readonly cache: ResourceCache;
  readonly registry: ClientRegistry;
  readonly metrics: Metrics;
  readiness(): Readiness;
  services(): readonly ServiceStatus[];
  /** For the status page: who this janitor is and how its source is. */
  about(): { readonly gateway: string; readonly version: string; readonly source: string; readonly sourceState: string };
  /** Recent events, newest first. */
  events(): readonly JanitorEvent[];
}

function page(view: AdminView): string {
  const about = view.about();
  return statusPage({
    gateway: about.gateway,
    version: about.version,
    now: Date.now(),
    readiness: view.readiness(),
    source: { name: about.source, state: about.sourceState },
    services: view.services(),
    clients: view.registry.list(),
    events: view.events(),
  });
}

export function adminRoutes(view: AdminView): Map<string, AdminHandler> {
  return new Map<string, AdminHandler>([
    ['/', () => htmlPage(page(view))],
    ['/healthz', () => text('ok')],
    [
      '/readyz',
      () => {
        const r = view.readiness();
        return json({ ready: r.ready, reasons: r.reasons }, r.ready ? 200 : 503);
      },
    ],
    [
      '/metrics',
      async () => ({ status: 200, contentType: view.metrics.registry.contentType, body: await view.metrics.registry.metrics() }),
    ],
    [
      '/config_dump',
      (url) => {
        const type = url.searchParams.get('type') ?? undefined;
        if (type !== undefined && !isDumpType(type)) return json({ error: `unknown type "${type.slice(0, 100)}": use one of ${DUMP_TYPES.join(', ')}`, types: DUMP_TYPES }, 400);
        return json(configDump(view.cache, type));
      },
    ],
    ['/clients', () => json(view.registry.list())],
    ['/services', () => json(view.services())],
  ]);
}
