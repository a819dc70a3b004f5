// The status page as HTML text (the browser test, test/browser, shows it rendered): every section,
// values escaped, no script, and the admin server's headers keep it self-contained.
import { describe, expect, it } from 'vitest';
import { statusPage, type PageFacts } from '../../src/admin/page.js';
import type { ServiceStatus } from '../../src/pipeline/index.js';
import type { ClientInfo } from '../../src/xds/registry.js';
import { TYPE } from '../../src/xds/types.js';
import { getText, startTestJanitor, tempCluster } from '../e2e/support.js';

const EVIL = '<script>alert(1)</script>';

const service = (path: string, over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  path, valid: true, problems: [], warnings: [], served: true, listeners: ['0.0.0.0:80/tcp'], clusters: [`${path}.expose#0`],
  exposes: [{ rid: 'expose#0', cluster: `${path}.expose#0`, listener: '0.0.0.0:80/tcp', served: true, current: true, lostRoutes: [] }],
  ...over,
});

const client: ClientInfo = {
  streamId: 1, nodeId: `n-${EVIL}`, nodeCluster: 'edge', userAgent: 'envoy', service: 'ads', variant: 'sotw', transport: 'unix', authenticated: false, peer: 'unix',
  connectedSince: '2026-01-01T00:00:00.000Z', queuedWrites: 0,
  types: {
    [TYPE.cluster]: { wildcard: true, names: [], ackedVersion: 'v1', sentVersion: 'v1', responses: 1, lastNack: null, lastAckAt: '2026-01-01T00:00:30.000Z', sync: 'SYNCED' },
    [TYPE.listener]: { wildcard: true, names: [], ackedVersion: '', sentVersion: 'v2', responses: 1, lastNack: { version: 'v2', error: `bad ${EVIL}`, at: '2026-01-01T00:00:40.000Z' }, lastAckAt: null, sync: 'NACKED' },
  },
};

const facts: PageFacts = {
  gateway: 'gw1', version: '0.1.0', now: Date.parse('2026-01-01T00:01:00.000Z'),
  readiness: { ready: false, reasons: ['source opensvc stale: EPIPE'] },
  source: { name: 'opensvc', state: 'stale' },
  services: [
    service('ns/svc/ok'),
    service(`ns/svc/${EVIL}`, {
      valid: false, served: false,
      problems: [{ service: `ns/svc/${EVIL}`, section: 'expose#0', keyword: 'port', reason: 'Conflict', message: `held by ns/svc/ok ${EVIL}` }],
      exposes: [{ rid: 'expose#0', cluster: 'x.expose#0', listener: '0.0.0.0:80/tcp', served: false, current: false, conflict: { holder: 'ns/svc/ok expose#0', what: 'listener 0.0.0.0:80/tcp' }, lostRoutes: [] }],
    }),
  ],
  clients: [client],
  events: [{ at: '2026-01-01T00:00:50.000Z', kind: 'source', level: 'warn', message: `source opensvc lost (${EVIL})` }],
};

describe('statusPage', () => {
  const page = statusPage(facts);

  it('escapes every value from the cluster, the clients and the events; carries no script', () => {
    expect(page).not.toContain(EVIL);
    expect(page).not.toMatch(/<script/i);
    expect(page.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('has each section: services, conflicts with the winner, listeners, Envoys with their sync state, source and events', () => {
    for (const id of ['services', 'conflicts', 'listeners', 'envoys', 'source']) expect(page).toContain(`<section id="${id}">`);
    expect(page).toContain('<span class="badge bad">not ready</span> <span class="muted">source opensvc stale: EPIPE</span>');
    expect(page).toMatch(/<td><code>ns\/svc\/&lt;script.*expose#0<\/code><\/td><td>listener 0\.0\.0\.0:80\/tcp<\/td><td><code>ns\/svc\/ok expose#0<\/code><\/td>/);
    expect(page).toContain('<span class="badge ok">SYNCED</span>');
    expect(page).toContain('<span class="badge bad">NACKED</span>');
    expect(page).toContain('30s ago');
    expect(page).toContain('10s ago</time> <span class="badge warn">source</span> source opensvc lost');
  });
});

describe('GET / on the admin server', () => {
  it('is the status page: HTML, no-store, a policy that allows no script and no outside asset', async () => {
    const cluster = tempCluster();
    const j = await startTestJanitor({ source: `file:${cluster.file}` });
    try {
      await j.janitor.ready;
      const response = await fetch(`${j.admin}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      const body = await response.text();
      expect(body.startsWith('<!doctype html>')).toBe(true);
      expect(body).toContain('demo/svc/web');
      expect((await getText(`${j.admin}/nowhere`)).status).toBe(404);
    } finally {
      await j.close();
      cluster.cleanup();
    }
  });
});
