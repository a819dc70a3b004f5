// Property tests: any IR the model can produce translates to resources the proto validator
// accepts; arbitrary text where the model would normally have checked it never throws, and is
// either accepted or refused as a ProtoViolation naming the service.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/envoy/gateway.js';
import { MSG } from '../../src/envoy/core.js';
import { envoySemantics } from '../../src/validate/semantics.js';
import { clusterName, vhostName } from '../../src/model/names.js';
import { routeDomains } from '../../src/model/vhost.js';
import type { Endpoint, Expose, HashPolicy, LbPolicy, Route, RouteAction, RouteMatch, ServiceModel, VirtualHost } from '../../src/model/types.js';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => `${parts.join('.')}.example.com`);
const urlPath = fc.array(label, { maxLength: 3 }).map((parts) => `/${parts.join('/')}`);
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const address = fc.oneof(ipv4, fc.constantFrom('::', 'fd00::1', '2001:db8::7'));
const port = fc.integer({ min: 1, max: 65535 });
const lbPolicy = fc.constantFrom<LbPolicy>('ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV');

interface Text {
  readonly path: fc.Arbitrary<string>;
  readonly token: fc.Arbitrary<string>;
  readonly host: fc.Arbitrary<string>;
}
const wellFormed: Text = { path: urlPath, token, host };
/** Vhost domains as the model accepts them: names, suffix and prefix wildcards (Envoy's domain forms). */
const domainHost = fc.oneof(
  { weight: 4, arbitrary: host },
  { weight: 1, arbitrary: host.map((h) => `*.${h}`) },
  { weight: 1, arbitrary: host.map((h) => `*-${h}`) },
  { weight: 1, arbitrary: label.map((l) => `${l}.*`) },
);
const anything: Text = { path: fc.string(), token: fc.string(), host: fc.string() };

function hashPolicy(t: Text): fc.Arbitrary<HashPolicy> {
  const terminal = fc.boolean();
  return fc.oneof(
    fc.record({ rid: fc.constant('hashpolicy#0'), kind: fc.constant('cookie' as const), name: t.token, path: fc.option(t.path, { nil: undefined }), ttlSeconds: fc.option(fc.nat(86_400), { nil: undefined }), terminal }),
    fc.record({ rid: fc.constant('hashpolicy#1'), kind: fc.constant('header' as const), headerName: t.token, terminal }),
    fc.record({ rid: fc.constant('hashpolicy#2'), kind: fc.constant('source_ip' as const), terminal }),
  );
}

function routeAction(t: Text, cluster: string): fc.Arbitrary<RouteAction> {
  const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
  return fc.oneof(
    fc.record({
      kind: fc.constant('route' as const),
      cluster: fc.constant(cluster),
      clusterHeader: opt(t.token),
      prefixRewrite: opt(t.path),
      hostRewrite: opt(t.host),
      timeoutMs: opt(fc.nat(3_600_000)),
      hashPolicies: fc.array(hashPolicy(t), { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('redirect' as const),
      httpsRedirect: fc.boolean(),
      hostRedirect: opt(t.host),
      pathRedirect: opt(t.path),
      responseCode: opt(fc.constantFrom('MOVED_PERMANENTLY' as const, 'FOUND' as const, 'SEE_OTHER' as const, 'TEMPORARY_REDIRECT' as const, 'PERMANENT_REDIRECT' as const)),
      stripQuery: fc.boolean(),
    }),
  );
}

function route(t: Text, cluster: string, i: number): fc.Arbitrary<Route> {
  const match: fc.Arbitrary<RouteMatch> = fc.record({
    kind: fc.constantFrom('prefix' as const, 'path' as const, 'regex' as const),
    value: t.path,
    caseSensitive: fc.option(fc.boolean(), { nil: undefined }),
  });
  return fc.record({ rid: fc.constant(`route#${i}`), match, action: routeAction(t, cluster) });
}

function vhost(t: Text, path: string, rid: string, listenerPort: number, i: number): fc.Arbitrary<VirtualHost> {
  return fc.tuple(fc.uniqueArray(domainHost, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(2), { minLength: 1, maxLength: 3 })).chain(([hostnames, routeSeeds]) =>
    fc.tuple(...routeSeeds.map((_, j) => route(t, clusterName(path, rid), j))).map((routes) => ({
      rid: `vhost#${i}`,
      name: vhostName(path, rid, `vhost#${i}`),
      domains: routeDomains(hostnames, listenerPort),
      hostnames,
      routes,
    })),
  );
}

const endpoint: fc.Arbitrary<Endpoint> = fc.record({ address, port, node: label, health: fc.constantFrom('HEALTHY' as const, 'UNHEALTHY' as const, 'UNKNOWN' as const) });

function expose(t: Text, path: string, i: number): fc.Arbitrary<Expose> {
  const rid = `expose#${i}`;
  const shape = fc.constantFrom('tcp', 'sni', 'http', 'https', 'udp');
  return fc.tuple(shape, address, fc.integer({ min: 1, max: 65535 }), lbPolicy, fc.array(endpoint, { maxLength: 4 }), fc.boolean()).chain(([kind, addr, listenerPort, lb, endpoints, upstreamTls]) => {
    const protocol = kind === 'udp' ? 'udp' : 'tcp';
    const tls = [{ rid: 'certificate#0', tlsSecret: `tls_certificate/${path}/certificate#0`, validationSecret: 'validation_context/test/sec/ca' }];
    const vhosts = kind === 'http' || kind === 'https' ? fc.array(fc.nat(), { minLength: 1, maxLength: 2 }).chain((s) => fc.tuple(...s.map((_, j) => vhost(t, path, rid, listenerPort, j)))) : fc.constant([]);
    return fc.tuple(vhosts, kind === 'sni' ? fc.uniqueArray(host, { minLength: 1, maxLength: 3 }) : fc.constant([])).map(([vh, sni]) => ({
      rid,
      clusterName: clusterName(path, rid),
      protocol,
      port: 8080,
      listener: { address: addr, port: listenerPort, protocol },
      allocatedPort: false,
      lbPolicy: lb,
      sni,
      vhosts: vh,
      listenerCertificates: kind === 'https' ? tls : [],
      clusterCertificates: upstreamTls && protocol === 'tcp' ? tls : [],
      endpoints,
    }));
  });
}

function serviceModel(t: Text): fc.Arbitrary<ServiceModel> {
  return fc.tuple(label, fc.integer({ min: 1, max: 3 })).chain(([name, n]) => {
    const path = `test/svc/${name}`;
    return fc.tuple(...Array.from({ length: n }, (_, i) => expose(t, path, i))).map((exposes) => ({ path, namespace: 'test', exposes, secrets: [] }));
  });
}

describe('translation properties', () => {
  it('a well-formed model always gives resources the validator accepts', () => {
    fc.assert(
      fc.property(serviceModel(wellFormed), (model) => {
        const g = buildGateway([model]);
        expect(g.problems.filter((p) => p.reason === 'ProtoViolation')).toEqual([]);
        expect(g.clusters.size + g.problems.length).toBeGreaterThan(0);
        // The assembled listeners, routes and clusters pass Envoy's own checks too.
        const assembled = [...[...g.listeners.values()].map((m) => [MSG.listener, m] as const), ...[...g.routes.values()].map((m) => [MSG.routeConfiguration, m] as const), ...[...g.clusters.values()].map((m) => [MSG.cluster, m] as const)];
        for (const [fullName, message] of assembled) expect(envoySemantics(fullName, message)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary text never throws: accepted, or a ProtoViolation naming the service and resource', () => {
    let refused = 0;
    fc.assert(
      fc.property(serviceModel(anything), (model) => {
        const g = buildGateway([model]);
        if (g.problems.some((p) => p.reason === 'ProtoViolation')) refused++;
        for (const p of g.problems) {
          expect(p.service).toBe(model.path);
          expect(['ProtoViolation', 'Conflict']).toContain(p.reason);
          if (p.reason === 'ProtoViolation') expect(p.message).toMatch(/^(Listener|RouteConfiguration|Cluster|ClusterLoadAssignment|Secret) "/);
        }
        if (g.problems.length === 0) expect(g.clusters.size).toBe(model.exposes.length);
        else expect(g.clusters.size).toBe(0);
      }),
      { numRuns: 150, seed: 4242 },
    );
    // The validator did refuse some of that text (header names, empty cookie names, bad regexes...).
    expect(refused).toBeGreaterThan(10);
  });
});
