// `xds translate`, the real CLI: the resources parse as Envoy messages (the project's validator,
// and Envoy's own semantics where they apply), secrets are redacted unless --show-secrets, and
// --bootstrap is a static Bootstrap the validator accepts, with nothing left that needs xDS.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REDACTED } from '../../src/admin/redact.js';
import { fullCheck } from '../../src/validate/check.js';
import { BOOTSTRAP, formatIssues, validateMessage } from '../../src/validate/validate.js';
import { ADS_ORDER } from '../../src/xds/types.js';
import { ROOT } from '../e2e/support.js';
import { runCli, writeCluster } from './support.js';

const CERTS = path.join(ROOT, 'test/fixtures/certs');

/** Every kind of listener the janitor builds: mTLS HTTPS, plain HTTP, SNI passthrough, TCP, UDP, upstream TLS. */
const EVERYTHING = `services:
  test/svc/web:
    endpoints: [10.0.0.1]
    expose#0: { port: 8080, listener_port: 443, vhosts: [vhost#0], listener_certificates: [certificate#0] }
    expose#1: { port: 8080, listener_port: 80, vhosts: [vhost#0] }
    vhost#0: { domains: [web1.acme.org], routes: [route#0] }
    route#0: { match_prefix: / }
    certificate#0: { certificate_secret: web1-cert, validation_secret: web1-ca }
  test/svc/tls:
    endpoints: [10.0.0.2]
    expose#0: { port: 9443, listener_port: 10443, sni: [tls.acme.org] }
  test/svc/api:
    endpoints: [10.0.0.3]
    expose#0: { port: 443, listener_port: 8443, cluster_certificates: [certificate#0] }
    certificate#0: { certificate_secret: web1-cert, validation_secret: web1-ca }
  test/svc/dns:
    endpoints: [10.0.0.53]
    expose#0: { port: 53, protocol: udp, listener_port: 5353 }
secrets:
  test/sec/web1-cert:
    certificate_chain_file: ${CERTS}/server.pem
    private_key_file: ${CERTS}/server.key
  test/sec/web1-ca:
    trusted_ca_file: ${CERTS}/ca.pem
`;

type Json = Record<string, unknown>;

function walk(value: unknown, visit: (obj: Json) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (typeof value === 'object' && value !== null) {
    visit(value as Json);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

describe('xds translate', () => {
  it('--output json: a DiscoveryResponse-shaped list of Anys, in ADS order, each a valid Envoy message; keys redacted', async () => {
    const r = await runCli(['translate', '--source', `file:${writeCluster(EVERYTHING)}`, '--output', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { resources: Json[] };
    expect(formatIssues(validateMessage('envoy.service.discovery.v3.DiscoveryResponse', doc))).toBe('');
    const types = doc.resources.map((x) => ADS_ORDER.indexOf(x['@type'] as (typeof ADS_ORDER)[number]));
    expect(types.every((t) => t >= 0)).toBe(true);
    expect(types).toEqual([...types].sort((a, b) => a - b));
    for (const resource of doc.resources) {
      const { '@type': typeUrl, ...message } = resource;
      expect(fullCheck(String(typeUrl).split('/')[1] ?? '', message as never), String(resource['name'])).toEqual([]);
    }
    const cert = doc.resources.find((x) => x['name'] === 'tls_certificate/test/sec/web1-cert');
    expect(cert).toMatchObject({ tls_certificate: { private_key: { inline_string: REDACTED }, certificate_chain: { inline_string: expect.stringContaining('BEGIN CERTIFICATE') } } });
  });

  it('--output yaml --show-secrets: YAML, with the private key as served', async () => {
    const r = await runCli(['translate', '--source', `file:${writeCluster(EVERYTHING)}`, '--show-secrets']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('# xds translate: what gateway envoy would serve from file:')).toBe(true);
    const doc = YAML.parse(r.stdout) as { resources: Json[] };
    const cert = doc.resources.find((x) => x['name'] === 'tls_certificate/test/sec/web1-cert');
    expect(cert).toMatchObject({ tls_certificate: { private_key: { inline_string: expect.stringContaining('PRIVATE KEY') } } });
  });

  it('--bootstrap: a static Bootstrap the validator accepts, every part Envoy-valid, no xDS left', async () => {
    const r = await runCli(['translate', '--source', `file:${writeCluster(EVERYTHING)}`, '--bootstrap', '--name', 'gw1']);
    expect(r.code).toBe(0);
    const bootstrap = YAML.parse(r.stdout) as { node: Json; static_resources: { listeners: Json[]; clusters: Json[]; secrets: Json[] } };
    expect(formatIssues(validateMessage(BOOTSTRAP, bootstrap))).toBe('');
    expect(bootstrap.node).toEqual({ id: 'gw1', cluster: 'gw1' });
    const { listeners, clusters, secrets } = bootstrap.static_resources;
    expect(listeners.map((l) => l['name']).sort()).toEqual(['0.0.0.0:10443/tcp', '0.0.0.0:443/tcp', '0.0.0.0:5353/udp', '0.0.0.0:80/tcp', '0.0.0.0:8443/tcp']);
    for (const l of listeners) expect(fullCheck('envoy.config.listener.v3.Listener', l as never), String(l['name'])).toEqual([]);
    for (const c of clusters) {
      expect(fullCheck('envoy.config.cluster.v3.Cluster', c as never), String(c['name'])).toEqual([]);
      expect(c).toMatchObject({ type: 'STATIC', load_assignment: { cluster_name: c['name'], endpoints: [expect.objectContaining({ lb_endpoints: expect.any(Array) })] } });
    }
    // RDS became inline route configurations, each Envoy-valid
    const secretNames = new Set(secrets.map((s) => s['name']));
    const routeConfigs: Json[] = [];
    const referenced: string[] = [];
    walk(bootstrap, (obj) => {
      expect(obj).not.toHaveProperty('rds');
      expect(obj).not.toHaveProperty('eds_cluster_config');
      expect(obj).not.toHaveProperty('sds_config');
      if (obj['route_config']) routeConfigs.push(obj['route_config'] as Json);
      for (const key of ['tls_certificate_sds_secret_configs', 'validation_context_sds_secret_config']) {
        const refs = obj[key];
        for (const ref of Array.isArray(refs) ? refs : refs ? [refs] : []) referenced.push(String((ref as Json)['name']));
      }
    });
    expect(routeConfigs.map((rc) => rc['name']).sort()).toEqual(['0.0.0.0:443/tcp/test/svc/web.expose#0', '0.0.0.0:80/tcp']);
    for (const rc of routeConfigs) expect(fullCheck('envoy.config.route.v3.RouteConfiguration', rc as never)).toEqual([]);
    // each SDS reference names a static secret (listener mTLS and upstream TLS alike)
    expect(new Set(referenced)).toEqual(new Set(['tls_certificate/test/sec/web1-cert', 'validation_context/test/sec/web1-ca']));
    for (const name of referenced) expect(secretNames.has(name), name).toBe(true);
  });

  it('problems: the resources still go to stdout, the problems to stderr, exit 1', async () => {
    const file = writeCluster('services:\n  demo/svc/a:\n    endpoints: [10.0.0.1]\n    expose#0: { port: 80, listener_port: 8080 }\n  demo/svc/b:\n    endpoints: [10.0.0.1]\n    expose#0: { port: 80, lb_policy: bogus }\n');
    const r = await runCli(['translate', '--source', `file:${file}`, '-o', 'json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { resources: Json[] }).resources.map((x) => x['name'])).toContain('demo/svc/a.expose#0');
    expect(r.stderr).toMatch(/^xds: demo\/svc\/b expose#0 lb_policy: .*\[InvalidValue\]$/m);
  });
});
