// Encoding and decoding of Envoy messages in their JSON-ish form: every input form of the
// well-known types gives the same bytes, key order never matters, decoding gives the canonical
// form back, and our bytes agree with protobufjs' own converter where that one applies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, EncodeError, encodeMessage } from '../../src/proto/codec.js';
import { validateMessage } from '../../src/validate/validate.js';
import { messageType } from '../../src/proto/root.js';

const SOCKET = 'envoy.config.core.v3.SocketAddress';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const LISTENER = 'envoy.config.listener.v3.Listener';
const T = 'type.googleapis.com/';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The same value with the keys of every object in a different order (seeded, reproducible). */
function shuffleKeys(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => shuffleKeys(x, seed + i));
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  const entries = Object.entries(v);
  let s = seed;
  for (let i = entries.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x, s + k.length)]));
}

const socketAddress = fc.record(
  {
    protocol: fc.constantFrom('TCP', 'UDP'),
    address: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
    port_value: fc.integer({ min: 0, max: 65535 }),
    resolver_name: fc.string(),
    ipv4_compat: fc.boolean(),
  },
  { requiredKeys: ['address', 'port_value'] },
);

/**
 * What decoding gives back: proto3 defaults (0, "", false, first enum value) are not on the wire,
 * except for oneof members (port_value is one: port 0 is set, not absent).
 */
function canonicalSocket(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => k === 'port_value' || (v !== 0 && v !== '' && v !== false && v !== 'TCP')));
}

const durationNanos = fc.bigInt({ min: 1n, max: 10n ** 12n });
const durationForms = durationNanos.chain((ns) => {
  const seconds = Number(ns / 1_000_000_000n);
  const nanos = Number(ns % 1_000_000_000n);
  const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0')}`;
  return fc.constantFrom<unknown>(`${seconds}${frac}s`, { seconds, nanos }, { seconds: String(seconds), nanos });
});

const cluster = fc.record(
  {
    name: fc.string({ minLength: 1 }),
    type: fc.constantFrom('STATIC', 'STRICT_DNS', 'EDS'),
    connect_timeout: durationForms,
    lb_policy: fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV'),
    per_connection_buffer_limit_bytes: fc.oneof(fc.nat(), fc.nat().map((value) => ({ value }))),
    ring_hash_lb_config: fc.record({ minimum_ring_size: fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)) }),
    metadata: fc.record({ filter_metadata: fc.dictionary(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }))) }),
    load_assignment: fc.record({
      cluster_name: fc.string({ minLength: 1 }),
      endpoints: fc.array(fc.record({ lb_endpoints: fc.array(fc.record({ endpoint: fc.record({ address: fc.record({ socket_address: socketAddress }) }) }), { maxLength: 3 }) }), { maxLength: 2 }),
    }),
  },
  { requiredKeys: ['name'] },
);

describe('encode/decode roundtrip', () => {
  it('SocketAddress decodes to the canonical form of what was encoded', () => {
    fc.assert(
      fc.property(socketAddress, (addr) => {
        expect(decodeMessage(SOCKET, encodeMessage(SOCKET, addr))).toEqual(canonicalSocket(addr));
      }),
      { examples: [[{ address: '::', port_value: 0 }], [{ address: '', port_value: 0, protocol: 'TCP', resolver_name: '', ipv4_compat: false }]] },
    );
  });

  it('SocketAddress bytes equal protobufjs fromObject + encode', () => {
    const type = messageType(SOCKET);
    fc.assert(
      fc.property(socketAddress, (addr) => {
        expect(hex(encodeMessage(SOCKET, addr))).toBe(hex(type.encode(type.fromObject(canonicalSocket(addr))).finish()));
      }),
    );
  });

  it('Cluster subsets: decode then encode again gives the same bytes', () => {
    fc.assert(
      fc.property(cluster, (c) => {
        const bytes = encodeMessage(CLUSTER, c);
        const decoded = decodeMessage(CLUSTER, bytes);
        expect(hex(encodeMessage(CLUSTER, decoded))).toBe(hex(bytes));
        expect(validateMessage(CLUSTER, decoded)).toEqual(validateMessage(CLUSTER, c));
      }),
      { numRuns: 200 },
    );
  });

  it('the same object with its keys in any order gives the same bytes', () => {
    fc.assert(
      fc.property(cluster, fc.integer({ min: 1, max: 2 ** 30 }), (c, seed) => {
        expect(hex(encodeMessage(CLUSTER, shuffleKeys(c, seed)))).toBe(hex(encodeMessage(CLUSTER, c)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('determinism through Anys and maps', () => {
  it('a cluster with typed options and metadata gives one byte string for every key order', () => {
    const c = {
      name: 'test/svc/web1.expose#1',
      connect_timeout: '5s',
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': `${T}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
          common_http_protocol_options: { idle_timeout: '60s', max_headers_count: 100 },
          explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 100 } },
        },
        'x.other': { '@type': `${T}google.protobuf.Struct`, value: { b: 1, a: { d: [1, 2], c: 'x' } } },
      },
      metadata: { filter_metadata: { z: { b: 2, a: 1 }, a: { y: null, x: true } } },
      transport_socket: { name: 'tls', typed_config: { '@type': `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`, sni: 'a', common_tls_context: { alpn_protocols: ['h2'] } } },
    };
    expect(validateMessage(CLUSTER, c)).toEqual([]);
    const bytes = hex(encodeMessage(CLUSTER, c));
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => hex(encodeMessage(CLUSTER, shuffleKeys(c, seed))) === bytes));
    expect(decodeMessage(CLUSTER, encodeMessage(CLUSTER, c))).toEqual(c);
  });
});

describe('JSON-ish forms', () => {
  it('every Duration form gives the same bytes and decodes to the string form', () => {
    fc.assert(
      fc.property(durationNanos, (ns) => {
        const seconds = Number(ns / 1_000_000_000n);
        const nanos = Number(ns % 1_000_000_000n);
        const a = encodeMessage(CLUSTER, { name: 'c', connect_timeout: { seconds, nanos } });
        const decoded = decodeMessage(CLUSTER, a);
        expect(decoded['connect_timeout']).toMatch(/^\d+(\.\d{3}|\.\d{6}|\.\d{9})?s$/);
        expect(hex(encodeMessage(CLUSTER, decoded))).toBe(hex(a));
      }),
    );
    expect(decodeMessage(CLUSTER, encodeMessage(CLUSTER, { name: 'c', connect_timeout: '0.25s' }))).toEqual({ name: 'c', connect_timeout: '0.250s' });
  });

  it('wrappers bare or as {value}, and an explicit zero stays distinct from absent', () => {
    const bare = encodeMessage(CLUSTER, { name: 'c', per_connection_buffer_limit_bytes: 32768 });
    const boxed = encodeMessage(CLUSTER, { name: 'c', per_connection_buffer_limit_bytes: { value: 32768 } });
    expect(hex(bare)).toBe(hex(boxed));
    const zero = decodeMessage(CLUSTER, encodeMessage(CLUSTER, { name: 'c', per_connection_buffer_limit_bytes: 0 }));
    expect(zero).toEqual({ name: 'c', per_connection_buffer_limit_bytes: 0 });
    expect(decodeMessage(CLUSTER, encodeMessage(CLUSTER, { name: 'c' }))).toEqual({ name: 'c' });
  });

  it('uint64 beyond 2^53 survives as a decimal string', () => {
    const c = { name: 'c', ring_hash_lb_config: { minimum_ring_size: '18446744073709551615', maximum_ring_size: 1024 } };
    expect(decodeMessage(CLUSTER, encodeMessage(CLUSTER, c))).toEqual(c);
  });

  it('Anys: "@type" form and encoded form give the same bytes; decoding expands them', () => {
    const tcp = { '@type': `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, stat_prefix: 'pg', cluster: 'db', idle_timeout: '30s' };
    const listener = (typed_config: unknown): unknown => ({ name: 'l', filter_chains: [{ filters: [{ name: 'tcp', typed_config }] }] });
    const json = encodeMessage(LISTENER, listener(tcp));
    const { '@type': url, ...fields } = tcp;
    const inner = encodeMessage('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', fields);
    expect(hex(encodeMessage(LISTENER, listener({ type_url: url, value: inner })))).toBe(hex(json));
    expect(decodeMessage(LISTENER, json)).toEqual(listener(tcp));
  });

  it('an Any holding a well-known type keeps it under "value"', () => {
    const md = { filter_metadata: { f: { n: 1 } }, typed_filter_metadata: { d: { '@type': `${T}google.protobuf.Duration`, value: '1.500s' }, s: { '@type': `${T}google.protobuf.Struct`, value: { a: [1, 'x', null, true, { b: {} }] } } } };
    const c = { name: 'c', metadata: md };
    expect(decodeMessage(CLUSTER, encodeMessage(CLUSTER, c))).toEqual(c);
  });

  it('enums by name or number, bytes as Uint8Array or base64', () => {
    const a = encodeMessage(SOCKET, { protocol: 'UDP', address: 'a', port_value: 1 });
    const b = encodeMessage(SOCKET, { protocol: 1, address: 'a', port_value: 1 });
    expect(hex(a)).toBe(hex(b));
    const secret = 'envoy.extensions.transport_sockets.tls.v3.Secret';
    const raw = encodeMessage(secret, { name: 's', validation_context: { trusted_ca: { inline_bytes: Buffer.from('PEM') } } });
    const b64 = encodeMessage(secret, { name: 's', validation_context: { trusted_ca: { inline_bytes: Buffer.from('PEM').toString('base64') } } });
    expect(hex(raw)).toBe(hex(b64));
    expect(decodeMessage(secret, raw)).toEqual({ name: 's', validation_context: { trusted_ca: { inline_bytes: 'UEVN' } } });
  });
});

describe('bad shapes', () => {
  it.each([
    [{ name: 'c', lb_polcy: 'RANDOM' }, /^lb_polcy: unknown field "lb_polcy"/],
    [{ name: 'c', lb_policy: 'FASTEST' }, /^lb_policy: unknown LbPolicy value "FASTEST"/],
    [{ name: 'c', connect_timeout: '5 seconds' }, /^connect_timeout: invalid duration/],
    [{ name: 'c', load_assignment: { cluster_name: 'c', endpoints: {} } }, /^load_assignment.endpoints: expected an array/],
    [{ name: 'c', transport_socket: { name: 't', typed_config: { '@type': `${T}no.such.Type` } } }, /^transport_socket.typed_config: unknown type/],
    [{ name: 1 }, /^name: expected a string/],
  ])('throw an EncodeError naming the path (%#)', (obj, message) => {
    expect(() => encodeMessage(CLUSTER, obj)).toThrow(EncodeError);
    expect(() => encodeMessage(CLUSTER, obj)).toThrow(message);
  });

  it('arbitrary input either encodes or throws an EncodeError, and valid input always encodes', () => {
    const key = fc.constantFrom('name', 'connect_timeout', 'lb_policy', 'metadata', 'filter_metadata', 'load_assignment', 'endpoints', 'lb_endpoints', 'endpoint', 'address', 'socket_address', 'port_value', 'typed_config', '@type', 'value', 'per_connection_buffer_limit_bytes', 'x');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.constant(`${T}envoy.config.core.v3.Address`), tie('obj'), fc.array(tie('value'), { maxLength: 3 })),
      obj: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.obj, (obj) => {
        const valid = validateMessage(CLUSTER, obj).length === 0;
        try {
          encodeMessage(CLUSTER, obj);
        } catch (err) {
          expect(err).toBeInstanceOf(EncodeError);
          expect(valid).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a cyclic object is an error, not a stack overflow', () => {
    const filter: Record<string, unknown> = {};
    filter['and_filter'] = { filters: [filter] };
    const struct: Record<string, unknown> = { a: 1 };
    struct['self'] = struct;
    const FILTER = 'envoy.config.accesslog.v3.AccessLogFilter';
    expect(() => encodeMessage(FILTER, filter)).toThrow(/nested too deeply/);
    expect(() => encodeMessage('envoy.config.core.v3.Metadata', { filter_metadata: { m: struct } })).toThrow(/nested too deeply/);
    expect(validateMessage(FILTER, filter).map((i) => i.message)).toContain('nested too deeply');
    expect(validateMessage('envoy.config.core.v3.Metadata', { filter_metadata: { m: struct } }).map((i) => i.message)).toContain('nested too deeply');
  });

  it('an unknown message type is an EncodeError', () => {
    expect(() => encodeMessage('no.Such', {})).toThrow(/unknown message type no.Such/);
  });
});
