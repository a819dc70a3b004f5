// The recording of a real OpenSVC 2.1 daemon, model then Envoy translation, every resource
// checked by the proto validator (validate.rules) and protobufjs.
import { describe, expect, it } from 'vitest';
import { buildService, resolveConflicts } from '../../src/model/index.js';
import { translateGatewayToJson } from '../../src/envoy/gateway.js';
import { fullCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import type { JsonObject } from '../../src/proto/json.js';
import { goodTls, secretsFrom } from '../model/support/certs.js';
import { loadDaemonStatus } from '../model/support/state.js';

const state = loadDaemonStatus(new URL('../fixtures/opensvc-v2.1/daemon_status.final.json', import.meta.url).pathname);
const ctx = { gateway: 'envoy', secrets: secretsFrom({ 'test/sec/web1-front-cert': goodTls }), listenerPort: () => undefined };

function gateway(): ReturnType<typeof translateGatewayToJson> {
  const built = buildService(state, 'test/svc/web1', ctx);
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  const { accepted, problems } = resolveConflicts([built.value]);
  expect(problems).toEqual([]);
  return translateGatewayToJson(accepted);
}

describe('daemon_status.final.json through the Envoy translation', () => {
  it('gives the three listeners, the clusters, the route and the secret, all valid', () => {
    const g = gateway();
    expect(g.problems).toEqual([]);
    expect(g.listeners.map((l) => l['name'])).toEqual(['0.0.0.0:1026/tcp', '0.0.0.0:443/tcp', '0.0.0.0:8080/tcp']);
    expect(g.routes.map((r) => r['name'])).toEqual(['0.0.0.0:443/tcp']);
    expect(g.clusters.map((c) => c['name'])).toEqual(['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2']);
    expect(g.endpoints.map((c) => c['cluster_name'])).toEqual(['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2']);
    expect(g.secrets.map((s) => s['name'])).toEqual(['tls_certificate/test/sec/web1-front-cert']);
    const typed: [string, readonly JsonObject[]][] = [
      [MSG.listener, g.listeners],
      [MSG.routeConfiguration, g.routes],
      [MSG.cluster, g.clusters],
      [MSG.clusterLoadAssignment, g.endpoints],
      [MSG.secret, g.secrets],
    ];
    for (const [name, list] of typed) for (const m of list) expect(fullCheck(name, m)).toEqual([]);
  });

  it('terminates TLS for web1.acme.org on 443 and routes /live then / to expose#1', () => {
    const g = gateway();
    const https = g.listeners.find((l) => l['name'] === '0.0.0.0:443/tcp');
    const [chain] = (https?.['filter_chains'] ?? []) as JsonObject[];
    expect(chain?.['filter_chain_match']).toEqual({ server_names: ['web1.acme.org'] });
    const [vhost] = (g.routes[0]?.['virtual_hosts'] ?? []) as JsonObject[];
    expect(vhost?.['domains']).toEqual(['web1.acme.org', 'web1.acme.org:443']);
    expect(vhost?.['routes']).toEqual([
      { name: 'route#0', match: { prefix: '/live' }, route: { cluster: 'test/svc/web1.expose#1', timeout: { seconds: 30 } } },
      { name: 'route#1', match: { prefix: '/' }, route: { cluster: 'test/svc/web1.expose#1' } },
    ]);
  });
});
