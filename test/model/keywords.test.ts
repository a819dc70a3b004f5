// Table tests of every typed keyword parser: accepted spellings and refusals with their reason.
import { describe, expect, it } from 'vitest';
import { isDomain, isHostname, parseHost } from '../../src/model/hostnames.js';
import {
  parseAddress, parseBool, parseDuration, parseJsonObject, parseLbPolicy, parseList,
  parseListenerPort, parsePort, parseProtocol, parseRedirectCode, parseRegex, parseSeconds, parseToken, parseUrlPath,
} from '../../src/model/keywords.js';
import type { Parsed } from '../../src/model/problems.js';

type Row<T> = readonly [input: unknown, expected: T | { reason: string; message?: RegExp }];

function table<T>(name: string, parse: (v: unknown) => Parsed<T>, rows: readonly Row<T>[]): void {
  describe(name, () => {
    it.each(rows.map((r) => [JSON.stringify(r[0]) ?? String(r[0]), ...r] as const))('%s', (_label, input, expected) => {
      const got = parse(input);
      if (typeof expected === 'object' && expected !== null && 'reason' in expected) {
        expect(got.ok).toBe(false);
        if (!got.ok) {
          expect(got.reason).toBe(expected.reason);
          if (expected.message) expect(got.message).toMatch(expected.message);
          expect(got.message).toMatch(/\.$/);
        }
      } else {
        expect(got).toEqual({ ok: true, value: expected });
      }
    });
  });
}

table('port', parsePort, [
  [443, 443], ['8080', 8080], [' 22 ', 22], [1, 1], [65535, 65535],
  [0, { reason: 'OutOfRange', message: /from 1 to 65535/ }],
  [65536, { reason: 'OutOfRange' }],
  [80.5, { reason: 'InvalidValue' }],
  ['http', { reason: 'InvalidValue', message: /"http" is not a port number/ }],
  ['-1', { reason: 'InvalidValue' }],
  [true, { reason: 'InvalidType' }],
  [[80], { reason: 'InvalidType' }],
]);

table('listener_port', parseListenerPort, [
  [0, 0], ['0', 0], [1026, 1026], [65535, 65535],
  [70000, { reason: 'OutOfRange' }],
  [{}, { reason: 'InvalidType' }],
]);

table('protocol', parseProtocol, [
  ['tcp', 'tcp'], ['udp', 'udp'], ['TCP', 'tcp'],
  ['sctp', { reason: 'InvalidValue', message: /use tcp or udp/ }],
  [6, { reason: 'InvalidType' }],
]);

table('listener_addr', parseAddress, [
  ['0.0.0.0', '0.0.0.0'], ['10.1.2.3', '10.1.2.3'], ['::', '::'], ['[::]', '::'],
  ['2001:DB8:0:0::1', '2001:db8::1'], ['::ffff:10.0.0.1', { reason: 'InvalidValue', message: /IPv4-mapped\): give 10\.0\.0\.1/ }], ['::ffff:a00:1', { reason: 'InvalidValue', message: /give 10.0.0.1/ }], ['::1:a00:1', '::1:a00:1'],
  ['web1.acme.org', { reason: 'InvalidValue', message: /host name cannot be a listener address/ }],
  ['300.1.1.1', { reason: 'InvalidValue' }],
  [1234, { reason: 'InvalidType' }],
]);

table('lb_policy', parseLbPolicy, [
  ['round robin', 'ROUND_ROBIN'], ['ROUND_ROBIN', 'ROUND_ROBIN'], ['round_robin', 'ROUND_ROBIN'],
  ['least_request', 'LEAST_REQUEST'], ['LEAST_REQUEST', 'LEAST_REQUEST'], ['ring_hash', 'RING_HASH'],
  ['RING_HASH', 'RING_HASH'], ['random', 'RANDOM'], ['maglev', 'MAGLEV'], ['MAGLEV', 'MAGLEV'],
  ['original_dst_lb', { reason: 'Unsupported', message: /EDS/ }],
  ['ORIGINAL_DST_LB', { reason: 'Unsupported', message: /EDS/ }],
  ['fastest', { reason: 'InvalidValue', message: /round robin, least_request, ring_hash, random or maglev/ }],
  [1, { reason: 'InvalidType' }],
]);

table('boolean (match_case_sensitive, terminal, redirect_*)', parseBool, [
  [true, true], [false, false], ['true', true], ['false', false], ['False', false], ['TRUE', true],
  ['yes', true], ['no', false], ['1', true], ['0', false], ['on', true], ['off', false],
  ['maybe', { reason: 'InvalidValue', message: /use true or false/ }],
  [[true], { reason: 'InvalidType' }],
]);

table('duration (route_timeout)', parseDuration, [
  [30, 30_000], ['30', 30_000], ['30s', 30_000], ['500ms', 500], ['1m', 60_000], ['1h', 3_600_000],
  ['0', 0], [0, 0], ['1.5s', 1500], ['1m30s', 90_000], ['2h', 7_200_000], ['0.1', 100],
  ['3x', { reason: 'InvalidValue', message: /30, 30s, 500ms, 1m, 1h/ }],
  ['s', { reason: 'InvalidValue' }], ['', { reason: 'InvalidValue' }], ['-1s', { reason: 'InvalidValue' }],
  ['0.5ms', { reason: 'InvalidValue', message: /millisecond/ }],
  [-5, { reason: 'InvalidValue' }],
  ['99999999999999h', { reason: 'OutOfRange' }],
  [null, { reason: 'InvalidType' }],
]);

table('seconds (cookie_ttl)', parseSeconds, [
  [3600, 3600], ['3600', 3600], ['1h', 3600], ['0', 0], ['90s', 90],
  ['1500ms', { reason: 'InvalidValue', message: /whole number of seconds/ }],
  ['soon', { reason: 'InvalidValue' }],
]);

table('redirect_response_code', parseRedirectCode, [
  ['301', 'MOVED_PERMANENTLY'], [301, 'MOVED_PERMANENTLY'], ['302', 'FOUND'], ['303', 'SEE_OTHER'],
  ['307', 'TEMPORARY_REDIRECT'], ['308', 'PERMANENT_REDIRECT'], ['MOVED_PERMANENTLY', 'MOVED_PERMANENTLY'],
  ['found', 'FOUND'], ['PERMANENT_REDIRECT', 'PERMANENT_REDIRECT'],
  ['200', { reason: 'InvalidValue', message: /301, 302, 303, 307, 308/ }],
  ['MOVED', { reason: 'InvalidValue' }],
  [true, { reason: 'InvalidType' }],
]);

table('match_regex (RE2)', parseRegex, [
  ['^/api/v[0-9]+/.*$', '^/api/v[0-9]+/.*$'], ['(?i)/static', '(?i)/static'], ['/a|/b', '/a|/b'],
  ['a(', { reason: 'InvalidRegex', message: /missing closing \)/ }],
  ['(?<=/a)b', { reason: 'InvalidRegex', message: /not an RE2 regular expression/ }],
  ['(a)\\1', { reason: 'InvalidRegex' }],
  ['', { reason: 'InvalidValue' }],
  [42, { reason: 'InvalidType' }],
]);

table('json (cluster_data, filter_config_data)', parseJsonObject, [
  [{ connect_timeout: '1s' }, { connect_timeout: '1s' }], ['{"a": 1}', { a: 1 }], [{}, {}],
  ['{"a": ', { reason: 'InvalidJson', message: /is not valid JSON/ }],
  ['[1, 2]', { reason: 'InvalidType', message: /JSON object/ }],
  [[1], { reason: 'InvalidType' }], [5, { reason: 'InvalidType' }],
]);

table('list (vhosts, routes, …)', parseList, [
  [['vhost#0', 'vhost#1'], ['vhost#0', 'vhost#1']], ['route#0 route#1', ['route#0', 'route#1']],
  ['  a   b ', ['a', 'b']], [[], []],
  [[1, 2], { reason: 'InvalidType' }], [{ a: 1 }, { reason: 'InvalidType' }],
]);

table('header / cookie name', parseToken, [
  ['x-backend', 'x-backend'], ['WEB1_AFFINITY', 'WEB1_AFFINITY'],
  ['bad header', { reason: 'InvalidValue' }], ['a:b', { reason: 'InvalidValue' }], ['', { reason: 'InvalidValue' }],
]);

table('URL path (match_prefix, match_path, rewrites)', parseUrlPath, [
  ['/', '/'], ['/api/', '/api/'],
  ['api', { reason: 'InvalidValue', message: /must start with "\/"/ }],
  ['/a b', { reason: 'InvalidValue' }],
  [3, { reason: 'InvalidType' }],
]);

table('host (route_host_rewrite, redirect_host_redirect)', parseHost, [
  ['api.acme.org', 'api.acme.org'], ['api.acme.org:8443', 'api.acme.org:8443'], ['10.0.0.1', '10.0.0.1'], ['[::1]:80', '[::1]:80'],
  ['http://x', { reason: 'InvalidValue' }], ['a b', { reason: 'InvalidValue' }],
]);

describe('host names and domains', () => {
  it.each([
    ['web1.acme.org', true, true], ['*.acme.org', true, true], ['localhost', true, true], ['a_b.example', true, true],
    ['*', false, true], ['www.*', false, true], ['*-api.acme.org', false, true],
    ['-bad.org', false, false], ['a..b', false, false], ['a b', false, false], ['x'.repeat(64), false, false], ['', false, false],
  ])('%s: hostname %s, domain %s', (name, host, domain) => {
    expect(isHostname(name)).toBe(host);
    expect(isDomain(name)).toBe(domain);
  });
});
