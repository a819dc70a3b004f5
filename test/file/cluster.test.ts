// The cluster file format: a strict mirror of OpenSVC's instance status, errors with their line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseCluster, type FileCluster } from '../../src/source/file/cluster.js';
import { changedServices } from '../../src/source/file/diff.js';
import { ROOT } from '../e2e/support.js';

function ok(text: string): FileCluster {
  const r = parseCluster(text, '/base');
  if (!r.ok) throw new Error(`line ${r.problem.line}: ${r.problem.message}`);
  return r.cluster;
}

function problem(text: string) {
  const r = parseCluster(text, '/base');
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
}

describe('parseCluster', () => {
  it('reads examples/cluster.yaml', () => {
    const c = parseCluster(readFileSync(path.join(ROOT, 'examples/cluster.yaml'), 'utf8'), path.join(ROOT, 'examples'));
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect([...c.cluster.state.services.keys()]).toEqual(['demo/sec/web-cert', 'demo/svc/cache', 'demo/svc/db', 'demo/svc/tls', 'demo/svc/web']);
    expect(c.cluster.secrets.get('demo/sec/web-cert')?.keys.private_key).toEqual({ file: path.join(ROOT, 'examples/certs/web.key') });
  });

  it('maps the nodes shorthand to one instance per node with an ip#0 exposing every expose, as the daemon shows it', () => {
    const c = ok(`
services:
  ns/svc/web:
    nodes:
      n2: { ip: 10.0.0.2, status: down }
      n1: { ip: 10.0.0.1 }
    expose#0: { port: 80, listener_port: 8080, sni: "a.example b.example" }
    vhost#0: {}
    route#0: { match_prefix: /, route_timeout: 30, match_case_sensitive: false }
    hashpolicy#0: { cookie_name: c, cookie_ttl: 1h }
`);
    const svc = c.state.services.get('ns/svc/web');
    expect(svc?.instances.map((i) => i.node)).toEqual(['n1', 'n2']);
    const [n1, n2] = svc?.instances ?? [];
    expect(n1?.resources['ip#0']).toEqual({ type: 'ip', status: 'up', info: { ipaddr: '10.0.0.1', expose: ['expose#0'] } });
    expect(n2?.resources['ip#0']?.status).toBe('down');
    expect(n1?.resources['expose#0']).toEqual({
      type: 'expose.envoy',
      status: 'n/a',
      info: { port: 80, listener_port: 8080, sni: ['a.example', 'b.example'], protocol: 'tcp', lb_policy: 'round robin' },
    });
    // the daemon's conversions: domains default to the object name, strings stay strings, durations in seconds
    expect(n1?.resources['vhost#0']?.info).toEqual({ domains: ['web'] });
    expect(n1?.resources['route#0']?.info).toEqual({ match_prefix: '/', route_timeout: '30', match_case_sensitive: 'false', redirect_https_redirect: false, redirect_strip_query: false });
    expect(n1?.resources['hashpolicy#0']?.info).toEqual({ cookie_name: 'c', cookie_ttl: 3600, terminal: false });
  });

  it('maps the endpoints shorthand to one instance with one ip resource per address', () => {
    const c = ok('services:\n  a/svc/b:\n    endpoints: [127.0.0.1, { ip: 127.0.0.2, status: down }]\n    expose#1: { port: 5432 }\n');
    const inst = c.state.services.get('a/svc/b')?.instances;
    expect(inst).toHaveLength(1);
    expect(inst?.[0]?.resources['ip#0']?.info).toEqual({ ipaddr: '127.0.0.1', expose: ['expose#1'] });
    expect(inst?.[0]?.resources['ip#1']).toEqual({ type: 'ip', status: 'down', info: { ipaddr: '127.0.0.2', expose: ['expose#1'] } });
  });

  it('takes raw instances one to one, scaler fields included', () => {
    const c = ok(`
services:
  web:
    instances:
      n1:
        avail: up
        scaler_slaves: [0.web]
        resources:
          ip#1: { type: ip.cni, status: up, info: { ipaddr: null, expose: [expose#0] } }
    expose#0: { port: 80 }
`);
    const n1 = c.state.services.get('web')?.instances[0];
    expect(n1).toMatchObject({ node: 'n1', avail: 'up', scalerSlaves: ['0.web'] });
    expect(n1?.resources['ip#1']).toEqual({ type: 'ip.cni', status: 'up', info: { ipaddr: null, expose: ['expose#0'] } });
  });

  it('parses JSON too, and cluster_data given as a JSON string or a mapping', () => {
    const c = ok(JSON.stringify({ services: { 'a/svc/j': { endpoints: ['10.1.1.1'], 'expose#0': { port: 1, cluster_data: '{"connect_timeout":"2s"}', filter_config_data: { stat_prefix: 'x' } } } } }));
    const info = c.state.services.get('a/svc/j')?.instances[0]?.resources['expose#0']?.info;
    expect(info?.['cluster_data']).toEqual({ connect_timeout: '2s' });
    expect(info?.['filter_config_data']).toEqual({ stat_prefix: 'x' });
  });

  it('lists secrets as sec objects of the state', () => {
    const c = ok('services: {}\nsecrets:\n  ns/sec/s1: { certificate_chain: "PEM", private_key_file: k.pem }\n');
    expect(c.state.services.has('ns/sec/s1')).toBe(true);
    expect(c.secrets.get('ns/sec/s1')?.keys).toEqual({ certificate_chain: { inline: 'PEM' }, private_key: { file: '/base/k.pem' } });
  });

  it.each([
    ['', 1, 'the file is empty'],
    ['foo: 1\nservices: {}\n', 1, 'unknown top-level key "foo"'],
    ['secrets: {}\n', 1, 'missing top-level "services" mapping'],
    ['services:\n  a/svc/b:\n    expose#0:\n      port: 80\n      prot: tcp\n', 5, 'a/svc/b: expose#0: unknown keyword "prot"'],
    ['services:\n  a/svc/b:\n    expose#0: { port: eighty }\n', 3, 'a/svc/b: expose#0.port = "eighty" is not an integer'],
    ['services:\n  a/svc/b:\n    expose#0: { port: 1 }\n    nodes: {}\n    endpoints: []\n', 5, 'a/svc/b: give only one of instances, nodes, endpoints'],
    ['services:\n  a/svc/b:\n    ip#0: { ipname: x }\n', 3, 'a/svc/b: section ip#0: unknown section group "ip"'],
    ['services:\n  a/svc/b:\n    nodes:\n      n1: { ip: 1.2.3.4, expose: [expose#9] }\n', 4, 'a/svc/b: expose list names "expose#9", which is not a section of this service'],
    ['services:\n  a/sec/b: {}\n', 2, '"a/sec/b": only svc objects belong under services'],
    ['services: {}\nsecrets:\n  a/svc/x: {}\n', 3, '"a/svc/x" is not a secret path'],
    ['services: {}\nsecrets:\n  a/sec/x: { server_key: k }\n', 3, 'a/sec/x: unknown key "server_key"'],
    ['services:\n  a/svc/b: {}\n  a/svc/b: {}\n', 3, 'Map keys must be unique'],
    ['services: [\n', 2, ''],
  ])('refuses %j at line %i', (text, line, message) => {
    const p = problem(text);
    expect(p.line).toBe(line);
    expect(p.message).toContain(message);
    expect(p.message).not.toContain('\n');
  });

  it('never throws on arbitrary documents: a cluster or a located problem', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const section = fc.dictionary(fc.constantFrom('port', 'listener_port', 'sni', 'vhosts', 'domains', 'routes', 'cookie_ttl', 'terminal', 'cluster_data', 'type', 'bogus'), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })));
    const service = fc.dictionary(fc.constantFrom('expose#0', 'vhost#0', 'route#0', 'hashpolicy#0', 'certificate#0', 'endpoints', 'nodes', 'other'), fc.oneof(section, scalar, fc.array(scalar)));
    const doc = fc.record({ services: fc.dictionary(fc.constantFrom('a/svc/b', 'c', 'x/sec/y', 'bad path!'), fc.oneof(service, scalar)) }, { requiredKeys: [] });
    fc.assert(
      fc.property(doc, fc.boolean(), (d, asJson) => {
        const r = parseCluster(asJson ? JSON.stringify(d) : YAML.stringify(d), '/base');
        if (!r.ok) {
          expect(r.problem.line).toBeGreaterThanOrEqual(1);
          expect(r.problem.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('changes between two loads', () => {
  const scaler = (name: string, slaveIp: string) => `
services:
  ${name}:
    instances:
      n1: { avail: up, scaler_slaves: [0.web] }
    expose#0: { port: 80 }
  ${name.replace('web', '0.web')}:
    instances:
      n1:
        scaler_slave: true
        resources:
          ip#1: { type: ip.cni, status: up, info: { ipaddr: ${slaveIp}, expose: [expose#0] } }
`;

  it.each(['web', 'svc/web', 'ns/svc/web'])('a changed scaler slave brings its scaler %s', (name) => {
    const slave = name.replace('web', '0.web');
    expect([...changedServices(ok(scaler(name, '10.0.0.1')).state, ok(scaler(name, '10.0.0.2')).state)].sort()).toEqual([slave, name].sort());
    expect([...changedServices(ok(scaler(name, '10.0.0.1')).state, ok(scaler(name, '10.0.0.1')).state)]).toEqual([]);
  });
});
