// Random keyword values for property tests: plausible values per keyword (the ones the model
// accepts and the ones it must refuse), mixed with JSON junk of every type.
import fc from 'fast-check';
import { SECTION_KEYWORDS } from '../../../src/model/vocabulary.js';
import type { Reason } from '../../../src/model/types.js';
import type { SecretValues } from '../../../src/source/types.js';
import { goodTls, pem } from './certs.js';
import type { ResourceSpec } from './state.js';

/** The secret objects the certificate candidates name (`front`, `ca`; `missing` is not one). */
export const KEYWORD_SECRETS: Readonly<Record<string, SecretValues>> = { 'test/sec/front': goodTls, 'test/sec/ca': { trusted_ca: pem.ca } };

export const REASONS: readonly Reason[] = [
  'MissingKeyword', 'InvalidValue', 'InvalidType', 'OutOfRange', 'UnknownReference', 'WrongSectionType', 'InvalidRegex', 'AmbiguousMatch',
  'MissingMatch', 'Unsupported', 'InvalidJson', 'InvalidSecret', 'SecretUnavailable', 'PortUnavailable', 'Conflict', 'ProtoViolation', 'NotAllowed',
];

/** Plausible values per keyword, mixed with junk of every JSON type. */
const CANDIDATES: Record<string, readonly unknown[]> = {
  port: [80, '443', 0, 70000, 'http'], protocol: ['tcp', 'udp', 'sctp'], listener_addr: ['0.0.0.0', '::', '10.0.0.1', 'host'],
  listener_port: [0, 8080, '443', -1], lb_policy: ['round robin', 'ring_hash', 'MAGLEV', 'original_dst_lb', 'x'],
  gateway: ['envoy', 'other'], sni: [['a.org'], 'a.org b.org', ['bad name']], vhosts: [['vhost#0'], ['vhost#1'], ['route#0']],
  listener_certificates: [['certificate#0'], ['certificate#9']], cluster_certificates: [['certificate#0'], ['hashpolicy#0']],
  cluster_data: [{ connect_timeout: '1s' }, '{"a":1}', '{bad', '[1]'], filter_config_data: [{ stat_prefix: 's' }, 'nope'],
  cluster_private_key_filename: ['/k.pem'], domains: [['a.org'], 'a.org *.b.org', ['*'], ['a b']], routes: [['route#0'], ['route#0', 'route#1']],
  match_prefix: ['/', '/api', 'api'], match_path: ['/x'], match_regex: ['^/v[0-9]+', 'a(', '(?<=a)'], match_case_sensitive: ['true', 'false', 'maybe', true],
  route_prefix_rewrite: ['/', 'x'], route_host_rewrite: ['h.org', 'a b'], route_cluster_header: ['x-c', 'a b'], route_timeout: ['30', '30s', '500ms', '1m', '1h', '3x', 0],
  hash_policies: [['hashpolicy#0'], ['hashpolicy#1']], redirect_https_redirect: [true, false, 'true'], redirect_strip_query: [true, false, 'no'],
  redirect_host_redirect: ['w.org'], redirect_path_redirect: ['/n', 'n'], redirect_prefix_rewrite: ['/p'], redirect_response_code: ['301', 308, 'FOUND', '200'],
  cookie_name: ['sid', 'a b'], cookie_path: ['/', 'x'], cookie_ttl: [3600, '1h', '1500ms'], header_header_name: ['x-u'], header_name: ['x-u'],
  connection_source_ip: ['true', 'false', true, 'whatever'], terminal: [true, 'false', 'x'],
  certificate_secret: ['front', 'test/sec/front', 'missing', 'a/b/c/d'], validation_secret: ['ca', 'missing'],
  certificate_chain_filename: ['/c.pem', 'c.pem'], private_key_filename: ['/k.pem'],
  certificate_chain_inline_string: [pem.serverChain, 'junk'], private_key_inline_string: [pem.serverKey, pem.otherKey],
};

// JSON values only: that is what the daemon (and the file source) can hand over.
const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));

export function keywordValue(kw: string): fc.Arbitrary<unknown> {
  const candidates = CANDIDATES[kw] ?? [];
  return fc.oneof({ arbitrary: fc.constantFrom(undefined, ...candidates), weight: 4 }, { arbitrary: junk, weight: 1 });
}

export function sectionInfo(type: keyof typeof SECTION_KEYWORDS): fc.Arbitrary<Record<string, unknown>> {
  const kws = SECTION_KEYWORDS[type];
  return fc.tuple(...kws.map(keywordValue)).map((values) => Object.fromEntries(kws.map((kw, i) => [kw, values[i]]).filter(([, v]) => v !== undefined)));
}

/** One service's sections, each keyword random: expose#0, vhost#0, route#0, route#1, hashpolicy#0, certificate#0. */
export const serviceSections = fc
  .record({
    expose: sectionInfo('expose.envoy'),
    vhost: sectionInfo('vhost.envoy'),
    route0: sectionInfo('route.envoy'),
    route1: sectionInfo('route.envoy'),
    hashpolicy: sectionInfo('hashpolicy.envoy'),
    certificate: sectionInfo('certificate.tls'),
  })
  .map((s): ResourceSpec => ({
    'expose#0': ['expose.envoy', s.expose],
    'vhost#0': ['vhost.envoy', s.vhost],
    'route#0': ['route.envoy', s.route0],
    'route#1': ['route.envoy', s.route1],
    'hashpolicy#0': ['hashpolicy.envoy', s.hashpolicy],
    'certificate#0': ['certificate.tls', s.certificate],
  }));
