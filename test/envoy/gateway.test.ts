import { describe, expect, it } from 'vitest';
import { assemble, buildGateway, translateGatewayToJson } from '../../src/envoy/gateway.js';
import { translateService, type ServiceResources } from '../../src/envoy/service.js';
import { encodeOnce } from '../../src/validate/check.js';
import { fullCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import { protobufjsBytes } from '../../src/envoy/any.js';
import { decodeMessage, encodeMessage } from '../../src/proto/codec.js';
import type { JsonObject } from '../../src/proto/json.js';
import { messageType } from '../../src/proto/root.js';
import type { Expose, SecretModel, ServiceModel } from '../../src/model/types.js';
import { certificate, endpoint, expose, httpExpose, service, shuffled } from './fixtures.js';

const TLS_A = 'tls_certificate/test/sec/a';
const secretA: SecretModel = { kind: 'tls_certificate', name: TLS_A, certificateChain: { inline: 'CHAIN' }, privateKey: { inline: 'KEY' } };

function gatewayModels(): ServiceModel[] {
  const a = 'test/svc/a';
  const b = 'test/svc/b';
  return [
    service(a, [
      expose(a, 'expose#1', { endpoints: [endpoint('10.0.0.1', 'n1'), endpoint('10.0.0.2', 'n2')] }),
      httpExpose(a, 'expose#2', ['a.example.com'], 80, { endpoints: [endpoint('10.0.0.1', 'n1', { port: 80 })] }),
      httpExpose(a, 'expose#3', ['a.example.com'], 443, { listenerCertificates: [certificate('certificate#0', TLS_A)] }),
      expose(a, 'expose#4', { protocol: 'udp', listener: { address: '0.0.0.0', port: 53, protocol: 'udp' }, endpoints: [endpoint('10.0.0.1', 'n1', { port: 53 })] }),
    ], [secretA]),
    service(b, [
      httpExpose(b, 'expose#1', ['b.example.com'], 80),
      httpExpose(b, 'expose#2', ['b.example.com'], 443, { listenerCertificates: [certificate('certificate#0', TLS_A)] }),
      expose(b, 'expose#3', { sni: ['s.example.com'], listener: { address: '::', port: 8443, protocol: 'tcp' } }),
    ], [secretA]),
  ];
}

function chainsOf(listener: JsonObject | undefined): JsonObject[] {
  return (listener?.['filter_chains'] ?? []) as JsonObject[];
}

describe('buildGateway', () => {
  it('merges services into sorted listeners, routes, clusters, endpoints and secrets', () => {
    const g = buildGateway(gatewayModels());
    expect(g.problems).toEqual([]);
    expect([...g.listeners.keys()]).toEqual(['0.0.0.0:1026/tcp', '0.0.0.0:443/tcp', '0.0.0.0:53/udp', '0.0.0.0:80/tcp', '[::]:8443/tcp']);
    expect([...g.routes.keys()]).toEqual(['0.0.0.0:443/tcp', '0.0.0.0:80/tcp']);
    expect([...g.clusters.keys()]).toEqual([
      'test/svc/a.expose#1', 'test/svc/a.expose#2', 'test/svc/a.expose#3', 'test/svc/a.expose#4',
      'test/svc/b.expose#1', 'test/svc/b.expose#2', 'test/svc/b.expose#3',
    ]);
    expect([...g.endpoints.keys()]).toEqual([...g.clusters.keys()]);
    expect([...g.secrets.keys()]).toEqual([TLS_A]);
  });

  it('HTTP exposes of two services share one chain and one RouteConfiguration', () => {
    const g = buildGateway(gatewayModels());
    expect(chainsOf(g.listeners.get('0.0.0.0:80/tcp')).map((c) => c['name'])).toEqual(['http']);
    const rc = g.routes.get('0.0.0.0:80/tcp');
    expect((rc?.['virtual_hosts'] as JsonObject[]).map((v) => [v['name'], v['domains']])).toEqual([
      ['test/svc/a.expose#2.vhost#0', ['a.example.com', 'a.example.com:80']],
      ['test/svc/b.expose#1.vhost#0', ['b.example.com', 'b.example.com:80']],
    ]);
  });

  it('TLS exposes of two services get one chain each on the shared listener, with tls_inspector', () => {
    const l = buildGateway(gatewayModels()).listeners.get('0.0.0.0:443/tcp');
    expect((l?.['listener_filters'] as JsonObject[]).map((f) => f['name'])).toEqual(['envoy.filters.listener.tls_inspector']);
    expect(chainsOf(l).map((c) => [c['name'], c['filter_chain_match']])).toEqual([
      ['test/svc/a.expose#3', { server_names: ['a.example.com'] }],
      ['test/svc/b.expose#2', { server_names: ['b.example.com'] }],
    ]);
  });

  it('a service colliding with an earlier one is left out whole, naming the holder; others are untouched', () => {
    const c = 'test/svc/c';
    const models = [...gatewayModels(), service(c, [expose(c, 'expose#1'), httpExpose(c, 'expose#2', ['c.example.com'], 8080)])];
    const g = buildGateway(models);
    expect(g.problems).toEqual([
      { service: c, section: 'expose#1', reason: 'Conflict', message: 'listener 0.0.0.0:1026/tcp default filter chain (no server name) is already taken by test/svc/a' },
    ]);
    expect([...g.clusters.keys()].filter((k) => k.startsWith(c))).toEqual([]);
    expect(g.listeners.has('0.0.0.0:8080/tcp')).toBe(false);
    expect(translateGatewayToJson(models).listeners).toEqual(translateGatewayToJson(gatewayModels()).listeners);
  });

  it('two versions of one shared secret (a rotation half seen) keep both services, serving the first one\'s', () => {
    const rotated: SecretModel = { ...secretA, certificateChain: { inline: 'NEW CHAIN' } } as SecretModel;
    const [a, b] = gatewayModels();
    const g = buildGateway([a as ServiceModel, { ...(b as ServiceModel), secrets: [rotated] }]);
    expect(g.problems).toEqual([]);
    expect(g.secrets.get(TLS_A)).toEqual({ name: TLS_A, tls_certificate: { certificate_chain: { inline_string: 'CHAIN' }, private_key: { inline_string: 'KEY' } } });
    expect([...g.clusters.keys()].filter((k) => k.startsWith('test/svc/b'))).toHaveLength(3);
  });

  it('the same domain twice on one listener is refused for the later service', () => {
    const d = 'test/svc/d';
    const g = buildGateway([...gatewayModels(), service(d, [httpExpose(d, 'expose#1', ['A.example.com'], 80)])]);
    expect(g.problems.map((p) => [p.service, p.reason, p.message])).toEqual([
      [d, 'Conflict', 'listener 0.0.0.0:80/tcp domain A.example.com is already taken by test/svc/a'],
    ]);
  });

  it('another filter_config_data on a shared plain-HTTP listener is refused, once per section', () => {
    const f = 'test/svc/f';
    const g = buildGateway([...gatewayModels(), service(f, [httpExpose(f, 'expose#1', ['f.example.com'], 80, { filterConfigData: { stat_prefix: 'f' } })])]);
    expect(g.problems).toEqual([
      { service: f, section: 'expose#1', reason: 'Conflict', message: 'listener 0.0.0.0:80/tcp plain-HTTP filter chain (with another filter_config_data) is already taken by test/svc/a' },
    ]);
  });

  it('overlapping SNI names on one listener are refused', () => {
    const e = 'test/svc/e';
    const g = buildGateway([...gatewayModels(), service(e, [expose(e, 'expose#1', { sni: ['t.example.com', 's.example.com'], listener: { address: '::', port: 8443, protocol: 'tcp' } })])]);
    expect(g.problems.map((p) => p.message)).toEqual(['listener [::]:8443/tcp server name s.example.com is already taken by test/svc/b']);
  });

  it('a message that fails the check excludes its service with a ProtoViolation naming resource and field', () => {
    const x = 'test/svc/x';
    const bad: Expose = expose(x, 'expose#1', { listener: { address: '0.0.0.0', port: 9000, protocol: 'tcp' }, clusterData: { dns_lookup_family: 'V5_ONLY' } });
    const g = buildGateway([...gatewayModels(), service(x, [bad])]);
    expect(g.problems).toEqual([
      {
        service: x,
        section: 'expose#1',
        reason: 'ProtoViolation',
        message: expect.stringMatching(/^Cluster "test\/svc\/x\.expose#1" is not a valid envoy\.config\.cluster\.v3\.Cluster: dns_lookup_family: .*V5_ONLY/),
      },
    ]);
    expect(g.listeners.has('0.0.0.0:9000/tcp')).toBe(false);
    expect(g.clusters.has('test/svc/x.expose#1')).toBe(false);
  });

  it('uses the validator it is given, on probe listeners and routes too', () => {
    const seen: string[] = [];
    const g = buildGateway(gatewayModels(), {
      validate: (fullName, obj) => {
        seen.push(`${fullName} ${String(obj['name'] ?? obj['cluster_name'])}`);
        return fullName === MSG.routeConfiguration && obj['name'] === '0.0.0.0:80/tcp' ? ['virtual_hosts[0].name: made up'] : [];
      },
    });
    expect(seen).toContain('envoy.config.route.v3.RouteConfiguration 0.0.0.0:80/tcp');
    expect(seen).toContain('envoy.extensions.transport_sockets.tls.v3.Secret tls_certificate/test/sec/a');
    expect(new Set(g.problems.map((p) => p.service))).toEqual(new Set(['test/svc/a', 'test/svc/b']));
    expect(g.listeners.size).toBe(0);
  });
});

function shuffleModel(m: ServiceModel, seed: number): ServiceModel {
  const exposes = shuffled(m.exposes, seed).map((e, i) => ({ ...e, endpoints: shuffled(e.endpoints, seed + i) }));
  return { ...m, exposes, secrets: shuffled(m.secrets, seed) };
}

describe('determinism and encoding', () => {
  const all = (g: ReturnType<typeof translateGatewayToJson>): [string, JsonObject][] => [
    ...g.listeners.map((m) => [MSG.listener, m] as [string, JsonObject]),
    ...g.routes.map((m) => [MSG.routeConfiguration, m] as [string, JsonObject]),
    ...g.clusters.map((m) => [MSG.cluster, m] as [string, JsonObject]),
    ...g.endpoints.map((m) => [MSG.clusterLoadAssignment, m] as [string, JsonObject]),
    ...g.secrets.map((m) => [MSG.secret, m] as [string, JsonObject]),
  ];

  it('building from shuffled input gives the same JSON and the same bytes', () => {
    const reference = translateGatewayToJson(gatewayModels());
    const refBytes = all(reference).map(([t, m]) => Buffer.from(encodeMessage(t, m)).toString('hex'));
    for (const seed of [1, 2, 3, 4, 5]) {
      const models = shuffled(gatewayModels(), seed).map((m, i) => shuffleModel(m, seed * 10 + i));
      const again = translateGatewayToJson(models);
      expect(JSON.stringify(again)).toBe(JSON.stringify(reference));
      expect(all(again).map(([t, m]) => Buffer.from(encodeMessage(t, m)).toString('hex'))).toEqual(refBytes);
    }
  });

  it('every message passes the check and survives protobufjs encode/decode with its typed configs', () => {
    const g = translateGatewayToJson(gatewayModels());
    for (const [typeName, obj] of all(g)) {
      expect(fullCheck(typeName, obj)).toEqual([]);
      const type = messageType(typeName);
      const bytes = protobufjsBytes(typeName, obj);
      const decoded = type.toObject(type.decode(bytes), { json: true, enums: String });
      expect(Buffer.from(type.encode(type.fromObject(decoded)).finish())).toEqual(Buffer.from(bytes));
      for (const url of JSON.stringify(obj).match(/type\.googleapis\.com\/[\w.]+/g) ?? []) expect(JSON.stringify(decoded)).toContain(url);
    }
  });

  it('the project encoder and protobufjs fromObject give the same bytes; decode then encode is stable', () => {
    for (const [typeName, obj] of all(translateGatewayToJson(gatewayModels()))) {
      const bytes = encodeMessage(typeName, obj);
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(protobufjsBytes(typeName, obj)).toString('hex'));
      expect(Buffer.from(encodeMessage(typeName, decodeMessage(typeName, bytes))).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
    }
  });

  it('encodeOnce gives one bytes object per message, equal to what encodeMessage gives', () => {
    const g = buildGateway(gatewayModels());
    const cluster = g.clusters.get('test/svc/a.expose#1');
    if (!cluster) throw new Error('cluster missing');
    const first = encodeOnce(MSG.cluster, cluster);
    expect(encodeOnce(MSG.cluster, cluster)).toBe(first);
    expect(Buffer.from(first)).toEqual(Buffer.from(encodeMessage(MSG.cluster, cluster)));
  });

  it('assembling again with one service changed rebuilds only the listeners that service is on', () => {
    const resources = gatewayModels().map((m) => translateService(m));
    const before = assemble(resources);
    const b = gatewayModels()[1];
    const changedB = translateService({ ...(b as ServiceModel), exposes: (b as ServiceModel).exposes.filter((e) => e.rid !== 'expose#3') });
    const after = assemble([resources[0] as ServiceResources, changedB]);
    expect(after.listeners.get('0.0.0.0:1026/tcp')).toBe(before.listeners.get('0.0.0.0:1026/tcp'));
    expect(after.listeners.get('0.0.0.0:53/udp')).toBe(before.listeners.get('0.0.0.0:53/udp'));
    expect(after.listeners.get('0.0.0.0:80/tcp')).not.toBe(before.listeners.get('0.0.0.0:80/tcp'));
    expect(after.listeners.get('0.0.0.0:80/tcp')).toEqual(before.listeners.get('0.0.0.0:80/tcp'));
    expect(after.listeners.has('[::]:8443/tcp')).toBe(false);
  });
});
