// HTTP/2 follows the codec: the ALPN a TLS chain advertises is what its connection manager speaks,
// whether the codec comes from the default, http2 = false, or filter_config_data.
import { describe, expect, it } from 'vitest';
import { exposeListenerPart } from '../../src/envoy/listener.js';
import type { JsonObject } from '../../src/proto/json.js';
import { certificate, httpExpose } from '../envoy/fixtures.js';
import { buildServiceModel } from '../../src/model/service.js';
import { readService } from '../../src/model/sections.js';
import { oneService } from '../model/support/state.js';
import { compile, problemsOf } from './support.js';

const P = 'test/svc/web1';
const CERT = [certificate('certificate#0', 'tls_certificate/test/sec/c')];

function tls(over: Parameters<typeof httpExpose>[4]): { alpn: unknown; codec: unknown } {
  const chain = exposeListenerPart(httpExpose(P, 'expose#0', ['web1.acme.org'], 443, { listenerCertificates: CERT, ...over })).chain as JsonObject;
  const ts = chain['transport_socket'] as { typed_config: { common_tls_context: { alpn_protocols?: unknown } } };
  const hcm = (chain['filters'] as { typed_config: { codec_type?: unknown } }[])[0]?.typed_config;
  return { alpn: ts.typed_config.common_tls_context.alpn_protocols, codec: hcm?.codec_type };
}

describe('ALPN follows the codec', () => {
  it.each([
    [{}, ['h2', 'http/1.1'], 'AUTO'],
    [{ http2: false }, ['http/1.1'], 'HTTP1'],
    [{ filterConfigData: { codec_type: 'HTTP1' }, http2: false }, ['http/1.1'], 'HTTP1'],
    [{ filterConfigData: { codec_type: 'HTTP2' } }, ['h2'], 'HTTP2'],
    [{ filterConfigData: { codec_type: 'AUTO' } }, ['h2', 'http/1.1'], 'AUTO'],
  ])('%j → %j', (over, alpn, codec) => {
    expect(tls(over)).toEqual({ alpn, codec });
  });

  it('the model reads http2 and filter_config_data codec_type alike, and refuses them contradicting', () => {
    const sections = (expose: Record<string, unknown>) => ({
      'expose#0': ['expose.envoy', { port: 80, listener_port: 80, vhosts: ['vhost#0'], ...expose }],
      'vhost#0': ['vhost.envoy', { domains: ['a.org'], routes: ['route#0'] }],
      'route#0': ['route.envoy', { match_prefix: '/' }],
    } as const);
    const one = buildServiceModel(readService(oneService(P, sections({ filter_config_data: { codec_type: 'HTTP1' } })), P), { gateway: 'envoy', secrets: () => undefined, listenerPort: () => undefined });
    expect(one.ok && one.value.exposes[0]?.http2).toBe(false);
    expect(problemsOf(compile(sections({ http2: false, filter_config_data: { codec_type: 'HTTP2' } })))).toEqual([expect.objectContaining({ section: 'expose#0', keyword: 'http2', reason: 'InvalidValue' })]);
  });

  it('http2 on an expose without vhosts is a warning', () => {
    const c = compile({ 'expose#0': ['expose.envoy', { port: 80, http2: false }] });
    expect(c.ok).toBe(true);
    expect(c.warnings).toEqual([expect.objectContaining({ keyword: 'http2', reason: 'NoEffect' })]);
  });
});

describe('sni with vhosts and listener_certificates', () => {
  const sections = (expose: Record<string, unknown>) => ({
    'expose#1': ['expose.envoy', { port: 443, listener_port: 443, sni: ['svcweb.acme.org'], vhosts: ['vhost#0'], ...expose }],
    'vhost#0': ['vhost.envoy', { domains: ['alt-svcweb.acme.org'], routes: ['route#0'] }],
    'route#0': ['route.envoy', { match_prefix: '/' }],
    'certificate#1': ['certificate.tls', { certificate_chain_filename: '/etc/envoy/server.pem', private_key_filename: '/etc/envoy/server.key' }],
  } as const);

  it('terminates TLS for the sni names and routes on the vhosts, claiming the sni names', () => {
    const c = compile(sections({ listener_certificates: ['certificate#1'] }));
    if (!c.ok) throw new Error(JSON.stringify(c.problems));
    const unit = c.units.get('expose#1');
    expect(unit?.kind).toBe('https');
    expect(unit?.chain?.serverNames).toEqual(['svcweb.acme.org']);
    expect(unit?.routeConfig?.name).toBe('0.0.0.0:443/tcp/test/svc/web1.expose#1');
    expect(unit?.claims.filter((x) => x.key.startsWith('match'))).toEqual([expect.objectContaining({ keyword: 'sni', value: 'svcweb.acme.org' })]);
  });

  it('without listener_certificates: refused, saying what to add', () => {
    const p = problemsOf(compile(sections({})));
    expect(p).toEqual([expect.objectContaining({ section: 'expose#1', keyword: 'sni', reason: 'InvalidValue', message: expect.stringMatching(/add listener_certificates/) })]);
  });
});
