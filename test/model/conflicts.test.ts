// Conflicts between services on one listener: the first in (service path, expose rid) order wins,
// the loser's expose is dropped and reported naming the winner, whatever the input order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConflicts } from '../../src/model/conflicts.js';
import type { ServiceModel } from '../../src/model/types.js';
import { context, modelOf, ROUTE } from './support/build.js';
import { goodTls } from './support/certs.js';
import { oneService, type ResourceSpec } from './support/state.js';

const ctx = context({ secrets: () => goodTls });

function svc(path: string, sections: ResourceSpec): ServiceModel {
  return modelOf(oneService(path, sections), path, ctx);
}

const tcp = (info: Record<string, unknown> = {}): ResourceSpec => ({ 'expose#0': ['expose.envoy', { port: 80, listener_port: 8080, ...info }] });
const http = (domains: string[], info: Record<string, unknown> = {}): ResourceSpec => ({
  'expose#0': ['expose.envoy', { port: 80, listener_port: 80, vhosts: ['vhost#0'], ...info }],
  'vhost#0': ['vhost.envoy', { domains, routes: ['route#0'] }],
  'route#0': ['route.envoy', { ...ROUTE }],
});
const https = (domains: string[], info: Record<string, unknown> = {}): ResourceSpec => ({
  ...http(domains, { listener_port: 443, listener_certificates: ['certificate#0'], ...info }),
  'certificate#0': ['certificate.tls', { certificate_secret: 'c' }],
});

function exposesOf(models: readonly ServiceModel[]): string[] {
  return models.flatMap((m) => m.exposes.map((e) => `${m.path} ${e.rid}`));
}

describe('conflict kinds', () => {
  it.each<[string, ResourceSpec, ResourceSpec, string]>([
    ['two plain TCP exposes on one address and port', tcp(), tcp(), 'sni'],
    ['two plain TCP exposes, one on an explicit 0.0.0.0', tcp({ listener_addr: '0.0.0.0' }), tcp(), 'sni'],
    ['two TLS-terminated TCP exposes without sni', tcp(), { ...tcp({ listener_certificates: ['certificate#0'] }), 'certificate#0': ['certificate.tls', { certificate_secret: 'c' }] }, 'sni'],
    ['the same SNI name twice on one listener', tcp({ sni: ['a.org', 'b.org'] }), tcp({ sni: ['c.org', 'B.org'] }), 'sni'],
    ['the same domain twice on one listener', http(['a.org']), http(['x.org', 'A.ORG']), 'vhosts'],
    ['TCP then HTTP on one listener', tcp({ listener_port: 80 }), http(['a.org']), 'vhosts'],
    ['HTTP then TCP on one listener', http(['a.org']), tcp({ listener_port: 80 }), 'listener_port'],
    ['SNI passthrough then HTTP on one listener', tcp({ listener_port: 443, sni: ['a.org'] }), https(['b.org']), 'vhosts'],
    ['UDP twice on one listener', tcp({ protocol: 'udp' }), tcp({ protocol: 'udp' }), 'listener_port'],
    ['TLS-terminated and plain HTTP on one listener', https(['a.org']), http(['b.org'], { listener_port: 443 }), 'listener_certificates'],
    ['plain and TLS-terminated HTTP on one listener', http(['a.org'], { listener_port: 443 }), https(['b.org']), 'listener_certificates'],
    ['different filter_config_data on one plain HTTP listener', http(['a.org'], { filter_config_data: { a: 1 } }), http(['b.org'], { filter_config_data: { a: 2 } }), 'filter_config_data'],
    ['filter_config_data on a plain HTTP listener built without', http(['a.org']), http(['b.org'], { filter_config_data: { a: 2 } }), 'filter_config_data'],
  ])('%s', (_name, first, second, keyword) => {
    const a = svc('a/svc/web', first);
    const b = svc('b/svc/web', second);
    for (const input of [[a, b], [b, a]]) {
      const { accepted, problems } = resolveConflicts(input);
      expect(exposesOf(accepted)).toEqual(['a/svc/web expose#0']);
      expect(accepted.map((m) => m.path)).toEqual(['a/svc/web', 'b/svc/web']);
      expect(problems).toEqual([expect.objectContaining({ service: 'b/svc/web', section: 'expose#0', keyword, reason: 'Conflict' })]);
      expect(problems[0]?.message).toContain('a/svc/web expose#0');
    }
  });

  it.each<[string, ResourceSpec, ResourceSpec]>([
    ['different SNI names on one listener', tcp({ sni: ['a.org'] }), tcp({ sni: ['b.org'] })],
    ['a default TCP route beside SNI routes', tcp(), tcp({ sni: ['b.org'] })],
    ['different domains on one plain HTTP listener', http(['a.org'], { filter_config_data: { a: 1 } }), http(['b.org'])],
    ['the same filter_config_data on one plain HTTP listener', http(['a.org'], { filter_config_data: { a: 1 } }), http(['b.org'], { filter_config_data: { a: 1 } })],
    ['the same filter_config_data in another key order', http(['a.org'], { filter_config_data: { a: 1, b: { c: 2, d: 3 } } }), http(['b.org'], { filter_config_data: { b: { d: 3, c: 2 }, a: 1 } })],
    ['different filter_config_data on one TLS listener (a chain each)', https(['a.org'], { filter_config_data: { a: 1 } }), https(['b.org'], { filter_config_data: { a: 2 } })],
    ['different domains on one TLS listener', https(['a.org']), https(['b.org'])],
    ['one port on two addresses', tcp({ listener_addr: '10.0.0.1' }), tcp({ listener_addr: '10.0.0.2' })],
    ['a wildcard and a specific address on one port (SO_REUSEPORT)', tcp(), tcp({ listener_addr: '10.0.0.2' })],
    ['TCP and UDP on one port', tcp(), tcp({ protocol: 'udp' })],
    ['IPv4 and IPv6 wildcards on one port', tcp(), tcp({ listener_addr: '::' })],
  ])('no conflict: %s', (_name, first, second) => {
    const { accepted, problems } = resolveConflicts([svc('a/svc/web', first), svc('b/svc/web', second)]);
    expect(problems).toEqual([]);
    expect(exposesOf(accepted)).toEqual(['a/svc/web expose#0', 'b/svc/web expose#0']);
  });
});

describe('resolution', () => {
  it('drops only the losing expose and the secrets only it needed', () => {
    const a = svc('a/svc/web', https(['a.org']));
    const b = svc('b/svc/web', { ...https(['a.org']), 'expose#1': ['expose.envoy', { port: 22, listener_port: 2222 }] });
    const { accepted } = resolveConflicts([a, b]);
    const loser = accepted.find((m) => m.path === 'b/svc/web');
    expect(loser?.exposes.map((e) => e.rid)).toEqual(['expose#1']);
    expect(loser?.secrets).toEqual([]);
    expect(accepted.find((m) => m.path === 'a/svc/web')).toBe(a);
  });

  it('between exposes of one service, the lower rid wins', () => {
    const m = svc('a/svc/web', { ...tcp(), 'expose#1': ['expose.envoy', { port: 81, listener_port: 8080 }] });
    const { accepted, problems } = resolveConflicts([m]);
    expect(exposesOf(accepted)).toEqual(['a/svc/web expose#0']);
    expect(problems[0]).toMatchObject({ service: 'a/svc/web', section: 'expose#1', reason: 'Conflict' });
  });

  it('a loser claims nothing: a third service can take what the loser asked for', () => {
    const a = svc('a/svc/web', tcp({ sni: ['a.org'] }));
    const b = svc('b/svc/web', tcp({ sni: ['a.org', 'b.org'] }));
    const c = svc('c/svc/web', tcp({ sni: ['b.org'] }));
    const { accepted, problems } = resolveConflicts([c, b, a]);
    expect(exposesOf(accepted)).toEqual(['a/svc/web expose#0', 'c/svc/web expose#0']);
    expect(problems.map((p) => p.service)).toEqual(['b/svc/web']);
  });

  it('the outcome does not depend on the input order (property)', () => {
    const pool = [
      svc('a/svc/x', tcp()), svc('b/svc/x', tcp({ sni: ['a.org'] })), svc('c/svc/x', tcp({ sni: ['a.org'] })),
      svc('d/svc/x', http(['a.org'])), svc('e/svc/x', http(['a.org'], { listener_port: 8080 })), svc('f/svc/x', tcp({ protocol: 'udp' })),
      svc('g/svc/x', tcp({ protocol: 'udp' })), svc('h/svc/x', https(['b.org'])), svc('i/svc/x', http(['b.org'], { listener_port: 443 })),
    ];
    const reference = resolveConflicts(pool);
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }), (shuffled) => {
        expect(resolveConflicts(shuffled)).toEqual(reference);
      }),
      { numRuns: 50 },
    );
    expect(reference.problems.map((p) => p.service)).toEqual(['c/svc/x', 'e/svc/x', 'g/svc/x', 'i/svc/x']);
  });
});
