// The recording of a real OpenSVC 2.1 daemon, through the model.
import { describe, expect, it } from 'vitest';
import { buildService, referencedSecrets } from '../../src/model/index.js';
import { allocatePorts, allocatedPort, createPortBook, exposePorts, pendingRequests, updateServicePorts } from '../../src/ports/index.js';
import { readService } from '../../src/model/sections.js';
import { endpointsOf } from './support/build.js';
import type { ServiceModel } from '../../src/model/types.js';
import { goodTls, secretsFrom } from './support/certs.js';
import { loadDaemonStatus, stateFromDaemonStatus } from './support/state.js';
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/opensvc-v2.1', import.meta.url).pathname;
const state = loadDaemonStatus(`${FIXTURES}/daemon_status.final.json`);
const ctx = { gateway: 'envoy', secrets: secretsFrom({ 'test/sec/web1-front-cert': goodTls }), listenerPort: () => undefined };

function model(): ServiceModel {
  const result = buildService(state, 'test/svc/web1', ctx);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('daemon_status.final.json', () => {
  it('gives web1 its three exposes with their listeners', () => {
    const m = model();
    expect(m.namespace).toBe('test');
    expect(m.exposes.map((e) => [e.rid, e.listener, e.port, e.allocatedPort])).toEqual([
      ['expose#0', { address: '0.0.0.0', port: 8080, protocol: 'tcp' }, 80, false],
      ['expose#1', { address: '0.0.0.0', port: 443, protocol: 'tcp' }, 443, false],
      ['expose#2', { address: '0.0.0.0', port: 1026, protocol: 'tcp' }, 22, false],
    ]);
    expect(m.exposes.map((e) => e.clusterName)).toEqual(['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2']);
  });

  it('expose#0 and expose#2 are plain L4, expose#1 is HTTP with TLS termination', () => {
    const [e0, e1, e2] = model().exposes;
    for (const e of [e0, e2]) expect([e?.vhosts, e?.sni, e?.listenerCertificates]).toEqual([[], [], []]);
    expect(e1?.lbPolicy).toBe('ROUND_ROBIN');
    expect(e1?.listenerCertificates).toEqual([{ rid: 'certificate#front', tlsSecret: 'tls_certificate/test/sec/web1-front-cert' }]);
    expect(e1?.vhosts).toEqual([
      {
        rid: 'vhost#0',
        name: 'test/svc/web1.expose#1.vhost#0',
        domains: ['web1.acme.org', 'web1.acme.org:443'],
        hostnames: ['web1.acme.org'],
        routes: [
          { rid: 'route#0', match: { kind: 'prefix', value: '/live' }, action: { kind: 'route', cluster: 'test/svc/web1.expose#1', timeoutMs: 30_000, hashPolicies: [] } },
          { rid: 'route#1', match: { kind: 'prefix', value: '/' }, action: { kind: 'route', cluster: 'test/svc/web1.expose#1', hashPolicies: [] } },
        ],
      },
    ]);
  });

  it('takes endpoints from ip#1 (down: UNHEALTHY) with each expose port', () => {
    expect(model().exposes.map((e) => endpointsOf(state, 'test/svc/web1', e))).toEqual([
      [{ address: '127.0.0.12', port: 80, node: 'vm', health: 'UNHEALTHY' }],
      [{ address: '127.0.0.12', port: 443, node: 'vm', health: 'UNHEALTHY' }],
      [{ address: '127.0.0.12', port: 22, node: 'vm', health: 'UNHEALTHY' }],
    ]);
  });

  it('carries the front certificate as an SDS secret and names it as referenced', () => {
    const m = model();
    expect(m.secrets.map((s) => s.name)).toEqual(['tls_certificate/test/sec/web1-front-cert']);
    expect(m.secrets[0]).toMatchObject({ kind: 'tls_certificate', certificateChain: { inline: goodTls.certificate_chain }, privateKey: { inline: goodTls.private_key } });
    expect(referencedSecrets(state, 'test/svc/web1', 'envoy')).toEqual(['test/sec/web1-front-cert']);
  });

  it('reports the secret as unavailable until it is fetched', () => {
    const result = buildService(state, 'test/svc/web1', { ...ctx, secrets: () => undefined });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ service: 'test/svc/web1', section: 'certificate#front', keyword: 'certificate_secret', reason: 'SecretUnavailable', value: 'test/sec/web1-front-cert' });
  });

  it('serves exposes without a gateway keyword to every gateway', () => {
    const other = buildService(state, 'test/svc/web1', { ...ctx, gateway: 'othergw' });
    expect(other.ok && other.value.exposes.length).toBe(3);
  });

  it('gives an empty model for a secret object and an unknown path', () => {
    expect(buildService(state, 'test/sec/web1-front-cert', ctx)).toEqual({ ok: true, value: { path: 'test/sec/web1-front-cert', namespace: 'test', exposes: [], secrets: [] }, warnings: [] });
    expect(buildService(state, 'test/svc/nope', ctx)).toMatchObject({ ok: true, value: { exposes: [] } });
  });

  it('the initial recording (before the scenario) has expose#0 and expose#1 only', () => {
    const initial = loadDaemonStatus(`${FIXTURES}/daemon_status.initial.json`);
    const result = buildService(initial, 'test/svc/web1', ctx);
    expect(result.ok && result.value.exposes.map((e) => `${e.rid} ${e.listener.port}`)).toEqual(['expose#0 8080', 'expose#1 443']);
  });

  it('listener_port 0 (before the write-back): requested, allocated from the range, then served', () => {
    const raw = JSON.parse(readFileSync(`${FIXTURES}/daemon_status.final.json`, 'utf8')) as { monitor: { nodes: { vm: { services: { status: Record<string, { resources: Record<string, { info: Record<string, unknown> }> }> } } } } };
    const expose2 = raw.monitor.nodes.vm.services.status['test/svc/web1']?.resources['expose#2'];
    if (expose2 === undefined) throw new Error('fixture changed');
    expose2.info['listener_port'] = 0;
    const before = stateFromDaemonStatus(raw);
    const book = createPortBook();
    updateServicePorts(book, 'test/svc/web1', exposePorts(readService(before, 'test/svc/web1'), 'envoy'));
    expect(pendingRequests(book, ['test/svc/web1'])).toEqual([{ service: 'test/svc/web1', rid: 'expose#2', address: '0.0.0.0', port: 0 }]);
    // 8080 and 443 are used by the other exposes; Envoy itself listens on 127.0.0.1:1025
    const { allocations } = allocatePorts(book, pendingRequests(book, ['test/svc/web1']), [{ address: '127.0.0.1', port: 1025 }], { min: 1025, max: 65535 });
    expect(allocations).toEqual([{ service: 'test/svc/web1', rid: 'expose#2', address: '0.0.0.0', port: 1026 }]);
    const result = buildService(before, 'test/svc/web1', { ...ctx, listenerPort: (svc, rid) => allocatedPort(book, svc, rid) });
    expect(result.ok && result.value.exposes[2]).toMatchObject({ listener: { port: 1026 }, allocatedPort: true });
  });
});
