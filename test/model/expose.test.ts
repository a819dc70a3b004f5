// buildService: exposes, gateways, listener ports, scaler slaves and endpoints.
import { describe, expect, it } from 'vitest';
import { buildService } from '../../src/model/service.js';
import { isScalerSlave } from '../../src/model/sections.js';
import { build, context, endpointsOf, fails, HTTP, L4, modelOf, problemsOf, SVC } from './support/build.js';
import { clusterState, instance, oneService } from './support/state.js';

describe('expose keywords', () => {
  it('defaults: protocol tcp, listener 0.0.0.0, listener_port = port, round robin', () => {
    const [e] = build({ 'expose#0': ['expose.envoy', { port: 5432 }] }).exposes;
    expect(e).toMatchObject({ protocol: 'tcp', port: 5432, listener: { address: '0.0.0.0', port: 5432, protocol: 'tcp' }, allocatedPort: false, lbPolicy: 'ROUND_ROBIN', sni: [], vhosts: [] });
  });

  it('accepts numeric strings, IPv6 listener addresses, udp and Envoy lb names', () => {
    const [e] = build({ 'expose#0': ['expose.envoy', { port: '53', protocol: 'udp', listener_addr: '[2001:db8::0:1]', listener_port: '5353', lb_policy: 'MAGLEV' }] }).exposes;
    expect(e).toMatchObject({ port: 53, protocol: 'udp', listener: { address: '2001:db8::1', port: 5353, protocol: 'udp' }, lbPolicy: 'MAGLEV' });
  });

  it('listener_port 0 takes the allocated port, and reports when there is none', () => {
    const sections = { 'expose#2': ['expose.envoy', { port: 22, listener_port: 0 }] } as const;
    const [e] = build(sections, context({ listenerPort: (svc, rid) => (svc === SVC && rid === 'expose#2' ? 1025 : undefined) })).exposes;
    expect(e).toMatchObject({ listener: { port: 1025 }, allocatedPort: true });
    expect(fails(sections)).toEqual([expect.objectContaining({ section: 'expose#2', keyword: 'listener_port', reason: 'PortUnavailable', value: 0 })]);
  });

  it('keeps sni names lower-cased and unique, and the JSON keywords as objects', () => {
    const [e] = build({ 'expose#0': ['expose.envoy', { port: 443, sni: ['A.acme.org', 'a.acme.org', '*.b.org'], cluster_data: { connect_timeout: '2s' }, filter_config_data: '{"stat_prefix": "x"}' }] }).exposes;
    expect(e?.sni).toEqual(['a.acme.org', '*.b.org']);
    expect(e?.clusterData).toEqual({ connect_timeout: '2s' });
    expect(e?.filterConfigData).toEqual({ stat_prefix: 'x' });
  });

  it('an IPv4-mapped listener_addr names the IPv4 address to give instead (it would take that address past the listeners on 0.0.0.0)', () => {
    const problems = fails({ 'expose#0': ['expose.envoy', { port: 80, listener_addr: '::ffff:10.0.0.5' }] });
    expect(problems.find((p) => p.keyword === 'listener_addr')?.message).toContain('give 10.0.0.5');
  });

  it.each([
    [{ protocol: 'tcp' }, 'port', 'MissingKeyword'],
    [{ port: 0 }, 'port', 'OutOfRange'],
    [{ port: 80, protocol: 'sctp' }, 'protocol', 'InvalidValue'],
    [{ port: 80, listener_addr: 'localhost' }, 'listener_addr', 'InvalidValue'],
    [{ port: 80, listener_addr: '::ffff:10.0.0.5' }, 'listener_addr', 'InvalidValue'],
    [{ port: 80, listener_addr: '[::FFFF:0A00:0005]' }, 'listener_addr', 'InvalidValue'],
    [{ port: 80, listener_port: 99999 }, 'listener_port', 'OutOfRange'],
    [{ port: 80, lb_policy: 'original_dst_lb' }, 'lb_policy', 'Unsupported'],
    [{ port: 80, sni: ['not a name'] }, 'sni', 'InvalidValue'],
    [{ port: 80, cluster_data: '{oops' }, 'cluster_data', 'InvalidJson'],
    [{ port: 80, filter_config_data: [1] }, 'filter_config_data', 'InvalidType'],
    [{ port: 80, gateway: 7 }, 'gateway', 'InvalidType'],
    [{ port: 80, vhosts: ['vhost#9'] }, 'vhosts', 'UnknownReference'],
    [{ port: 80, listener_certificates: ['ip#0'] }, 'listener_certificates', 'WrongSectionType'],
    [{ port: 53, protocol: 'udp', sni: ['a.org'] }, 'sni', 'Unsupported'],
  ])('%j → %s %s', (info, keyword, reason) => {
    const problems = fails({ 'expose#0': ['expose.envoy', info] });
    expect(problems).toContainEqual(expect.objectContaining({ service: SVC, section: 'expose#0', keyword, reason }));
    for (const p of problems) expect(p.message).toMatch(/\.$/);
  });

  it('explains why original_dst_lb cannot work', () => {
    const [p] = fails({ 'expose#0': ['expose.envoy', { port: 80, lb_policy: 'original_dst_lb' }] });
    expect(p?.message).toMatch(/EDS/);
  });

  it('refuses sni together with vhosts', () => {
    const problems = fails({
      'expose#0': ['expose.envoy', { port: 443, sni: ['a.org'], vhosts: ['vhost#0'] }],
      'vhost#0': ['vhost.envoy', { domains: ['a.org'] }],
    });
    expect(problems).toEqual([expect.objectContaining({ keyword: 'sni', reason: 'InvalidValue' })]);
  });

  it('returns every problem of the service, not just the first', () => {
    const problems = fails({
      'expose#0': ['expose.envoy', { port: 'x', lb_policy: 'fast' }],
      'expose#1': ['expose.envoy', { port: 80, listener_addr: 'nowhere' }],
    });
    expect(problems.map((p) => `${p.section} ${p.keyword}`)).toEqual(['expose#0 port', 'expose#0 lb_policy', 'expose#1 listener_addr']);
  });
});

describe('gateways', () => {
  const state = oneService(SVC, {
    'expose#0': ['expose.envoy', { ...L4 }],
    'expose#1': ['expose.envoy', { ...L4, listener_port: 8081, gateway: 'envoy' }],
    'expose#2': ['expose.envoy', { ...L4, listener_port: 8082, gateway: 'othergw' }],
  });

  it('an expose is ours when gateway is absent or names us', () => {
    expect(modelOf(state).exposes.map((e) => e.rid)).toEqual(['expose#0', 'expose#1']);
    expect(modelOf(state, SVC, context({ gateway: 'othergw' })).exposes.map((e) => e.rid)).toEqual(['expose#0', 'expose#2']);
  });

  it('an invalid expose for another gateway is not our problem', () => {
    const s = oneService(SVC, { 'expose#0': ['expose.envoy', { port: 'bad', gateway: 'othergw' }] });
    expect(modelOf(s).exposes).toEqual([]);
  });
});

describe('scaler slaves feed their scaler', () => {
  const slave = (node: string, ip: string, status: string) =>
    instance(node, { 'ip#0': ['ip', { ipaddr: ip, expose: ['expose#0'] }, status], 'expose#0': ['expose.envoy', { ...L4 }] }, { scalerSlave: true });

  it('in a namespace: slaves are looked up as <ns>/svc/<i>.<name>', () => {
    const state = clusterState({
      'test/svc/web': [instance('n1', {}, { scalerSlaves: ['0.web', '1.web'] })],
      'test/svc/0.web': [slave('n1', '10.0.0.1', 'up')],
      'test/svc/1.web': [slave('n2', '10.0.0.2', 'warn')],
    });
    const [e] = modelOf(state, 'test/svc/web').exposes;
    expect(e?.clusterName).toBe('test/svc/web.expose#0');
    expect(endpointsOf(state, 'test/svc/web', e)).toEqual([
      { address: '10.0.0.1', port: 80, node: 'n1', health: 'HEALTHY' },
      { address: '10.0.0.2', port: 80, node: 'n2', health: 'UNKNOWN' },
    ]);
    expect(isScalerSlave(state, 'test/svc/0.web')).toBe(true);
    expect(modelOf(state, 'test/svc/0.web').exposes).toEqual([]);
  });

  it('in the root namespace: bare names', () => {
    const state = clusterState({ web: [instance('n1', {}, { scalerSlaves: ['0.web'] })], '0.web': [slave('n1', '10.0.0.1', 'down')] });
    expect(endpointsOf(state, 'web', modelOf(state, 'web').exposes[0])).toEqual([{ address: '10.0.0.1', port: 80, node: 'n1', health: 'UNHEALTHY' }]);
  });
});

describe('endpoints', () => {
  it('take each instance ip listing the expose, skip null addresses, dedupe and sort', () => {
    const node = (n: string, ips: Record<string, [unknown, string, unknown]>) =>
      instance(n, {
        'expose#0': ['expose.envoy', { ...L4 }],
        'expose#1': ['expose.envoy', { ...L4, listener_port: 8081 }],
        ...Object.fromEntries(Object.entries(ips).map(([rid, [ipaddr, status, expose]]) => [rid, ['ip.cni', { ipaddr, expose }, status] as const])),
      });
    const state = clusterState({
      [SVC]: [
        node('n2', { 'ip#0': ['10.0.0.9', 'up', ['expose#0']], 'ip#1': [null, 'down', ['expose#0']], 'ip#2': ['fe80::1', 'n/a', 'expose#0 80/tcp'] }),
        node('n1', { 'ip#0': ['10.0.0.9', 'down', ['expose#0']], 'ip#1': ['10.0.0.3', 'down', ['expose#0', 'expose#1']], 'ip#2': ['', 'up', ['expose#0']] }),
      ],
    });
    const [e0, e1] = modelOf(state).exposes;
    expect(endpointsOf(state, SVC, e0)).toEqual([
      { address: '10.0.0.3', port: 80, node: 'n1', health: 'UNHEALTHY' },
      { address: '10.0.0.9', port: 80, node: 'n2', health: 'HEALTHY' },
      { address: 'fe80::1', port: 80, node: 'n2', health: 'UNKNOWN' },
    ]);
    expect(endpointsOf(state, SVC, e1)).toEqual([{ address: '10.0.0.3', port: 80, node: 'n1', health: 'UNHEALTHY' }]);
  });

  it('a service whose sections differ between nodes takes the first node in name order', () => {
    const state = clusterState({
      [SVC]: [instance('n2', { 'expose#0': ['expose.envoy', { ...L4, listener_port: 9002 }] }), instance('n1', { 'expose#0': ['expose.envoy', { ...L4, listener_port: 9001 }] })],
    });
    expect(modelOf(state).exposes[0]?.listener.port).toBe(9001);
  });

  it('an expose with no instance address has no endpoints (and is still valid)', () => {
    const state = clusterState({ [SVC]: [instance('n1', { 'expose#0': ['expose.envoy', { ...HTTP, vhosts: [] }] })] });
    expect(buildService(state, SVC, context())).toMatchObject({ ok: true, value: { exposes: [{ rid: 'expose#0' }] } });
    expect(endpointsOf(state, SVC, modelOf(state).exposes[0])).toEqual([]);
    expect(problemsOf(clusterState({ [SVC]: [instance('n1', { 'expose#0': ['expose.envoy', {}] })] }))[0]?.reason).toBe('MissingKeyword');
  });
});

describe('section types', () => {
  it('a bare group type counts as its default driver (expose → expose.envoy, certificate → certificate.tls)', () => {
    const m = build({
      'expose#0': ['expose', { port: 443, listener_certificates: ['certificate#0'] }],
      'certificate#0': ['certificate', { certificate_chain_filename: '/c.pem', private_key_filename: '/k.pem' }],
    });
    expect(m.exposes.map((e) => [e.rid, e.listenerCertificates.map((c) => c.rid)])).toEqual([['expose#0', ['certificate#0']]]);
  });

  it('an expose section of another driver is not an envoy expose', () => {
    expect(build({ 'expose#0': ['expose.haproxy', { port: 'whatever' }] }).exposes).toEqual([]);
  });
});
