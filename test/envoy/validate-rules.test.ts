// Every protoc-gen-validate rule kind the engine implements, on a small message written for the
// test (Envoy's own protos use only some of them), plus a property: any input gives a list of
// issues, never an exception.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { checkType } from '../../src/validate/rules/message.js';
import { newCtx, type ValidationIssue } from '../../src/validate/rules/types.js';
import { validateMessage } from '../../src/validate/validate.js';

const PROTO = `
syntax = "proto3";
package t;
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/any.proto";

enum Color { RED = 0; GREEN = 1; BLUE = 2; }

message M {
  string affix = 1 [(validate.rules).string = {prefix: "a" suffix: "z" contains: "m" not_contains: "x"}];
  string choice = 2 [(validate.rules).string = {in: "on" in: "off" not_in: "off"}];
  string exact = 3 [(validate.rules).string = {const: "k" ignore_empty: true}];
  string chars = 4 [(validate.rules).string = {min_len: 2 max_len: 3}];
  string bytes_len = 5 [(validate.rules).string = {min_bytes: 2 max_bytes: 4 ignore_empty: true}];
  string patterned = 6 [(validate.rules).string = {pattern: "^[a-z]+(-[a-z]+)*$" ignore_empty: true}];
  string host = 7 [(validate.rules).string = {hostname: true ignore_empty: true}];
  string ip = 8 [(validate.rules).string = {ip: true ignore_empty: true}];
  string ipv4 = 9 [(validate.rules).string = {ipv4: true ignore_empty: true}];
  string ipv6 = 10 [(validate.rules).string = {ipv6: true ignore_empty: true}];
  string addr = 11 [(validate.rules).string = {address: true ignore_empty: true}];
  string id = 12 [(validate.rules).string = {uuid: true ignore_empty: true}];
  string header = 13 [(validate.rules).string = {well_known_regex: HTTP_HEADER_NAME ignore_empty: true}];
  string value = 14 [(validate.rules).string = {well_known_regex: HTTP_HEADER_VALUE}];
  string mail = 15 [(validate.rules).string = {email: true ignore_empty: true}];
  string link = 16 [(validate.rules).string = {uri: true ignore_empty: true}];
  int32 outside = 20 [(validate.rules).int32 = {gt: 10 lt: 5}];
  uint64 big = 21 [(validate.rules).uint64 = {gte: 10 lte: 10000000000000000000}];
  double ratio = 22 [(validate.rules).double = {in: 0.5 in: 1.5}];
  sint32 fixed = 23 [(validate.rules).sint32 = {const: -3}];
  optional uint32 opt = 24 [(validate.rules).uint32 = {gte: 5}];
  // protobufjs drops a falsy FIRST repeated option value ("in: 0 in: 2" parses as [2]): list 0 last.
  Color color = 25 [(validate.rules).enum = {in: 2 in: 0}];
  Color green = 26 [(validate.rules).enum = {const: 1}];
  bool yes = 27 [(validate.rules).bool = {const: true}];
  bytes raw = 28 [(validate.rules).bytes = {len: 3 prefix: "\\x01"}];
  repeated string tags = 30 [(validate.rules).repeated = {unique: true max_items: 3 items {string {min_len: 1}}}];
  map<string, int32> weights = 31 [(validate.rules).map = {min_pairs: 1 max_pairs: 2 keys {string {max_len: 3}} values {int32 {gte: 0}}}];
  map<int32, string> by_port = 32;
  google.protobuf.Duration wait = 40 [(validate.rules).duration = {required: true in: {seconds: 1} in: {nanos: 500000000}}];
  google.protobuf.Duration grace = 41 [(validate.rules).duration = {gte: {seconds: 1} lt: {seconds: 60}}];
  google.protobuf.Timestamp at = 42 [(validate.rules).timestamp = {gt: {seconds: 1000000000} lt_now: true}];
  google.protobuf.Any ext = 43 [(validate.rules).any = {in: "type.googleapis.com/t.Off"}];
  Off off = 44;
  Inner skipped = 45 [(validate.rules).message = {skip: true}];
  Inner inner = 46;
  oneof pick {
    option (validate.required) = true;
    string left = 50;
    string right = 51;
  }
}

message Off {
  option (validate.disabled) = true;
  string name = 1 [(validate.rules).string = {min_len: 5}];
}

message Inner {
  string name = 1 [(validate.rules).string = {min_len: 5}];
}
`;

const root = new protobuf.Root();
const common = (protobuf as unknown as { common: Record<string, { nested: protobuf.INamespace['nested'] }> }).common;
for (const file of ['duration', 'timestamp', 'any']) {
  const json = common[`google/protobuf/${file}.proto`];
  if (json?.nested) root.addJSON(json.nested);
}
protobuf.parse(PROTO, root, { keepCase: true });
root.resolveAll();
const M = root.lookupType('t.M');

const BASE = { affix: 'amz', choice: 'on', chars: 'ab', value: 'v', outside: 11, big: 10, ratio: 0.5, fixed: -3, green: 'GREEN', yes: true, raw: Uint8Array.from([1, 2, 3]), weights: { a: 1 }, wait: '1s', left: 'l' };

function check(over: Record<string, unknown>): ValidationIssue[] {
  const ctx = newCtx();
  const obj: Record<string, unknown> = { ...BASE, ...over };
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  checkType(M, obj, ctx, false);
  return ctx.issues;
}

describe('the test message itself', () => {
  it('is valid as written', () => {
    expect(check({})).toEqual([]);
  });
});

const cases: [string, Record<string, unknown>, string, RegExp][] = [
  ['prefix', { affix: 'bmz' }, 'affix', /must start with "a"/],
  ['suffix', { affix: 'amy' }, 'affix', /must end with "z"/],
  ['contains', { affix: 'az' }, 'affix', /must contain "m"/],
  ['not_contains', { affix: 'amxz' }, 'affix', /must not contain "x"/],
  ['in', { choice: 'maybe' }, 'choice', /must be one of \["on", "off"\]/],
  ['not_in', { choice: 'off' }, 'choice', /must not be one of \["off"\]/],
  ['const', { exact: 'j' }, 'exact', /must equal "k"/],
  ['min_len counts code points', { chars: '😀' }, 'chars', /at least 2 characters, got 1/],
  ['max_len counts code points', { chars: 'éééé' }, 'chars', /at most 3 characters, got 4/],
  ['min_bytes', { bytes_len: 'a' }, 'bytes_len', /at least 2 bytes, got 1/],
  ['max_bytes counts UTF-8', { bytes_len: 'ééé' }, 'bytes_len', /at most 4 bytes, got 6/],
  ['pattern (RE2)', { patterned: 'a--b' }, 'patterned', /must match the pattern/],
  ['hostname', { host: '-bad.example' }, 'host', /hyphen/],
  ['hostname label length', { host: `${'a'.repeat(64)}.com` }, 'host', /1 to 63/],
  ['ip', { ip: '300.1.1.1' }, 'ip', /must be an IP address/],
  ['ipv4', { ipv4: '::1' }, 'ipv4', /IPv4/],
  ['ipv6', { ipv6: '10.0.0.1' }, 'ipv6', /IPv6/],
  ['address', { addr: 'under_score' }, 'addr', /IP address or a hostname/],
  ['uuid', { id: 'not-a-uuid' }, 'id', /UUID/],
  ['strict header name', { header: 'bad header' }, 'header', /valid HTTP header name/],
  ['strict header value', { value: 'a\u0001' }, 'value', /valid HTTP header value/],
  ['email', { mail: 'nobody' }, 'mail', /email/],
  ['uri', { link: 'relative/path' }, 'link', /absolute URI/],
  ['exclusive range', { outside: 7 }, 'outside', /must be < 5 or > 10, got 7/],
  ['uint64 beyond 2^53 as a string', { big: '18446744073709551615' }, 'big', /must be >= 10 and <= 10000000000000000000, got 18446744073709551615/],
  ['uint64 below gte', { big: 9 }, 'big', />= 10/],
  ['uint64 out of range', { big: '18446744073709551616' }, 'big', /out of range for uint64/],
  ['double in', { ratio: 0.75 }, 'ratio', /must be one of \[0.5, 1.5\]/],
  ['sint32 const', { fixed: 3 }, 'fixed', /must equal -3/],
  ['proto3 optional set', { opt: 1 }, 'opt', />= 5/],
  ['enum in', { color: 'GREEN' }, 'color', /must be one of \[BLUE, RED\], got GREEN/],
  ['enum const', { green: 'BLUE' }, 'green', /must be GREEN, got BLUE/],
  ['enum const when absent', { green: undefined }, 'green', /must be GREEN, got RED/],
  ['bool const', { yes: false }, 'yes', /must be true/],
  ['bytes len', { raw: Uint8Array.from([1, 2]) }, 'raw', /exactly 3 bytes/],
  ['bytes prefix', { raw: 'AgID' }, 'raw', /must start with/],
  ['repeated unique', { tags: ['a', 'a'] }, 'tags', /unique/],
  ['repeated max_items', { tags: ['a', 'b', 'c', 'd'] }, 'tags', /at most 3 items/],
  ['repeated items rules', { tags: ['a', ''] }, 'tags[1]', /at least 1 character/],
  ['map min_pairs', { weights: {} }, 'weights', /at least 1 entry/],
  ['map min_pairs when absent', { weights: undefined }, 'weights', /at least 1 entry, got none/],
  ['map max_pairs', { weights: { a: 1, b: 2, c: 3 } }, 'weights', /at most 2 entries/],
  ['map keys rules', { weights: { long: 1 } }, 'weights["long"]', /at most 3 characters/],
  ['map values rules', { weights: { a: -1 } }, 'weights["a"]', />= 0/],
  ['map int keys', { by_port: { http: 'x' } }, 'by_port["http"]', /expected an integer/],
  ['duration required', { wait: undefined }, 'wait', /is required/],
  ['duration in', { wait: '2s' }, 'wait', /must be one of \[1s, 0.500s\], got 2s/],
  ['duration range', { grace: '60s' }, 'grace', /must be >= 1s and < 60s, got 60s/],
  ['timestamp gt', { at: '2000-01-01T00:00:00Z' }, 'at', /must be > 2001-09-09T01:46:40Z/],
  ['timestamp lt_now', { at: '2999-01-01T00:00:00.5Z' }, 'at', /in the past/],
  ['timestamp format', { at: 'yesterday' }, 'at', /RFC 3339/],
  ['any in', { ext: { '@type': 'type.googleapis.com/t.Inner', name: 'inner' } }, 'ext', /type must be one of \[type.googleapis.com\/t.Off\]/],
  ['skip still checks shapes', { skipped: { nmae: 'x' } }, 'skipped.nmae', /unknown field "nmae"/],
  ['nested rules apply', { inner: { name: 'x' } }, 'inner.name', /at least 5 characters/],
  ['oneof required', { left: undefined }, '', /oneof pick: one of left, right is required/],
  ['oneof both set', { right: 'r' }, '', /oneof pick: only one of left, right may be set/],
];

describe('rule kinds', () => {
  it.each(cases)('%s', (_what, over, path, message) => {
    const issues = check(over);
    expect(issues.find((i) => i.path === path && message.test(i.message)), JSON.stringify(issues)).toBeDefined();
  });

  it('skips rules of messages with (validate.disabled) and fields with message.skip', () => {
    expect(check({ off: { name: 'x' }, skipped: { name: 'x' }, ext: { '@type': 'type.googleapis.com/t.Off', name: 'x' } })).toEqual([]);
  });

  it('applies proto3 optional rules only when the field is set', () => {
    expect(check({ opt: undefined })).toEqual([]);
    expect(check({ opt: 5 })).toEqual([]);
  });

  it('accepts what ignore_empty allows', () => {
    expect(check({ exact: '', bytes_len: '', host: '' })).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary input, always names a path and a reason', () => {
    const types = ['envoy.config.listener.v3.Listener', 'envoy.config.cluster.v3.Cluster', 'envoy.config.route.v3.RouteConfiguration'];
    const fieldish = fc.constantFrom('name', 'address', 'socket_address', 'port_value', 'filter_chains', 'typed_config', '@type', 'connect_timeout', 'virtual_hosts', 'domains', 'routes', 'match', 'prefix', 'bogus');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), tie('obj'), fc.array(tie('value'), { maxLength: 3 })),
      obj: fc.dictionary(fieldish, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(fc.constantFrom(...types), json.obj, (type, obj) => {
        const issues = validateMessage(type, obj);
        for (const issue of issues) {
          expect(typeof issue.path).toBe('string');
          expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
