// Flags and environment → Config: defaults of the Python janitor, precedence, and one-line errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { FLAGS, type RawOptions } from '../../src/flags.js';
import { DEFAULT_LIMITS } from '../../src/xds/limits.js';

function ok(raw: RawOptions, env: Record<string, string> = {}) {
  const r = parseConfig(raw, env);
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

function error(raw: RawOptions, env: Record<string, string> = {}): string {
  const r = parseConfig(raw, env);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('parseConfig', () => {
  it('has the Python janitor defaults, loopback binds and the opensvc source', () => {
    expect(ok({})).toEqual({
      name: 'envoy',
      port: 50051,
      listen: '127.0.0.1',
      envoyPort: 9901,
      portRange: { min: 1025, max: 65535 },
      socket: undefined,
      janitorSocket: '/var/run/xds/xds.sock',
      janitorSocketIsDefault: true,
      maxWorkers: 256,
      source: { kind: 'opensvc' },
      admin: { host: '127.0.0.1', port: 9902 },
      logLevel: 'info',
      portsFile: undefined,
      stateDir: undefined,
      readOnly: false,
      antiEntropySeconds: 300,
      tls: undefined,
      allowNodes: [],
      insecureSdsOverTcp: false,
      allowCodeExtensions: false,
      allowClusterHeader: false,
      limits: DEFAULT_LIMITS,
    });
  });

  it('takes the anti-entropy interval in seconds, 0 turning the periodic check off', () => {
    expect(ok({ antiEntropyInterval: '0' }).antiEntropySeconds).toBe(0);
    expect(ok({}, { XDS_ANTI_ENTROPY_INTERVAL: '60' }).antiEntropySeconds).toBe(60);
    expect(error({ antiEntropyInterval: '5m' })).toBe('--anti-entropy-interval: "5m" is not an integer');
    expect(error({}, { XDS_ANTI_ENTROPY_INTERVAL: '100000' })).toBe('XDS_ANTI_ENTROPY_INTERVAL: 100000 is out of range (0-86400)');
  });

  it('takes --sock as --socket, and the flag over XDS_SOCKET', () => {
    expect(ok({ sock: '/var/run/lsnr/lsnr.sock' }).socket).toBe('/var/run/lsnr/lsnr.sock');
    expect(ok({ socket: '/a.sock' }, { XDS_SOCKET: '/b.sock' }).socket).toBe('/a.sock');
    expect(ok({}, { XDS_SOCKET: '/b.sock' }).socket).toBe('/b.sock');
  });

  it('reads every flag from its environment variable, the flag winning', () => {
    const env = {
      XDS_NAME: 'gw1',
      XDS_PORT: '6000',
      XDS_LISTEN: '::1',
      XDS_ENVOY_PORT: '19901',
      XDS_PORT_RANGE: '2000-3000',
      XDS_JANITOR_SOCKET: 'unix:///tmp/x.sock',
      XDS_MAX_WORKERS: '8',
      XDS_SOURCE: 'file:/etc/cluster.yaml',
      XDS_ADMIN: '[::1]:9000',
      XDS_LOG_LEVEL: 'debug',
      XDS_PORTS_FILE: '/tmp/ports.json',
      XDS_STATE_DIR: '/var/lib/xds',
      XDS_READ_ONLY: 'yes',
      XDS_ANTI_ENTROPY_INTERVAL: '30',
      XDS_TLS_CERT: '/etc/xds/tls.crt',
      XDS_TLS_KEY: '/etc/xds/tls.key',
      XDS_TLS_CA: '/etc/xds/ca.crt',
      XDS_ALLOW_NODE: 'envoy-a, gw-cluster',
      XDS_INSECURE_SDS_OVER_TCP: 'true',
      XDS_MAX_CONNECTIONS: '10',
      XDS_MAX_STREAMS: '20',
      XDS_MAX_STREAMS_PER_CONNECTION: '5',
      XDS_MAX_REQUEST_BYTES: '65536',
      XDS_MAX_SUBSCRIPTIONS: '100',
      XDS_MAX_SUBSCRIPTION_BYTES: '4096',
      XDS_ALLOW_CODE_EXTENSIONS: 'yes',
      XDS_ALLOW_CLUSTER_HEADER: 'true',
    };
    expect(ok({}, env)).toMatchObject({
      name: 'gw1',
      port: 6000,
      listen: '::1',
      envoyPort: 19901,
      portRange: { min: 2000, max: 3000 },
      janitorSocket: '/tmp/x.sock',
      janitorSocketIsDefault: false,
      maxWorkers: 8,
      source: { kind: 'file', path: '/etc/cluster.yaml' },
      admin: { host: '::1', port: 9000 },
      logLevel: 'debug',
      portsFile: '/tmp/ports.json',
      stateDir: '/var/lib/xds',
      readOnly: true,
      antiEntropySeconds: 30,
      tls: { cert: '/etc/xds/tls.crt', key: '/etc/xds/tls.key', ca: '/etc/xds/ca.crt' },
      allowNodes: ['envoy-a', 'gw-cluster'],
      insecureSdsOverTcp: true,
      allowCodeExtensions: true,
      allowClusterHeader: true,
      limits: { ...DEFAULT_LIMITS, maxConnections: 10, maxStreams: 20, maxStreamsPerConnection: 5, maxRequestBytes: 65536, maxSubscriptions: 100, maxSubscriptionBytes: 4096 },
    });
    expect(ok({ name: 'cli', port: '7000' }, env)).toMatchObject({ name: 'cli', port: 7000 });
    // every documented env var is really read
    for (const flag of FLAGS) expect(Object.keys(env).includes(flag.env) || flag.env === 'XDS_SOCKET').toBe(true);
  });

  it('disables the unix socket, the admin server and the xDS TCP port with none', () => {
    expect(ok({ janitorSocket: 'none', admin: 'none' })).toMatchObject({ janitorSocket: undefined, admin: undefined });
    expect(ok({ port: 'none' }).port).toBeUndefined();
  });

  it.each([
    [{ port: 'abc' }, '--port: "abc" is not an integer'],
    [{ port: '70000' }, '--port: 70000 is out of range (0-65535)'],
    [{ envoyPort: '0' }, '--envoy-port: 0 is out of range (1-65535)'],
    [{ portRange: '3000-2000' }, '--port-range: "3000-2000" has MIN greater than MAX'],
    [{ portRange: '1025' }, '--port-range: "1025" is not a range MIN-MAX (e.g. 1025-65535)'],
    [{ maxWorkers: '0' }, '--max-workers: 0 is out of range (1-65536)'],
    [{ source: 'etcd' }, '--source: "etcd" is not opensvc or file:PATH'],
    [{ listen: 'example.com' }, '--listen: "example.com" is not an IP address'],
    [{ admin: '127.0.0.1' }, '--admin: "127.0.0.1" is not ADDR:PORT (e.g. 127.0.0.1:9902, [::1]:9902)'],
    [{ logLevel: 'loud' }, '--log-level: "loud" is not one of fatal, error, warn, info, debug, trace, silent'],
    [{ name: 'a b' }, '--name: "a b" is not a valid gateway name'],
    [{ janitorSocket: 'tcp://127.0.0.1:50051' }, '--janitor-socket: "tcp://127.0.0.1:50051" is not a unix socket (unix:///path, a path, or none; TCP is --port and --listen)'],
    [{ janitorSocket: 'http://localhost/xds' }, '--janitor-socket: "http://localhost/xds" is not a unix socket (unix:///path, a path, or none; TCP is --port and --listen)'],
    [{ janitorSocket: 'unix://' }, '--janitor-socket: "unix://" is not a unix socket path'],
    [{ tlsCert: '/c.pem' }, '--tls-cert and --tls-key go together (and --tls-ca needs both: the server proves itself first)'],
    [{ tlsCa: '/ca.pem' }, '--tls-cert and --tls-key go together (and --tls-ca needs both: the server proves itself first)'],
    [{ allowNode: [''] }, '--allow-node: "" must be 1-256 characters'],
    [{ maxStreams: '0' }, '--max-streams: 0 is out of range (1-2147483647)'],
    [{ maxRequestBytes: 'lots' }, '--max-request-bytes: "lots" is not an integer'],
  ])('refuses %j with one line naming the flag', (raw, message) => {
    expect(error(raw)).toBe(message);
  });

  it.each([
    ['unix:///var/run/xds/xds.sock', '/var/run/xds/xds.sock'],
    ['UNIX:///tmp/a.sock', '/tmp/a.sock'],
    ['unix:run/xds.sock', 'run/xds.sock'],
    ['/tmp/plain.sock', '/tmp/plain.sock'],
    ['./with:colon.sock', './with:colon.sock'],
  ])('takes --janitor-socket %s as the unix socket %s', (text, path) => {
    expect(ok({ janitorSocket: text }).janitorSocket).toBe(path);
  });

  it('refuses every other URL scheme for --janitor-socket, on one line, never throwing', () => {
    const scheme = fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/).filter((s) => s !== 'unix');
    fc.assert(
      fc.property(scheme, fc.string({ maxLength: 30 }), (name, rest) => {
        const r = parseConfig({ janitorSocket: `${name}:${rest}` }, {});
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(/^--janitor-socket: .* is not a unix socket/);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const r = parseConfig({ janitorSocket: text }, {});
        if (!r.ok) expect(r.error.startsWith('--janitor-socket: ')).toBe(true);
      }),
    );
  });

  it('with a probe, refuses a cluster file it cannot read, naming the flag or variable and the file', () => {
    const probe = { fileProblem: (path: string) => (path === '/here.yaml' ? undefined : 'no such file') };
    expect(parseConfig({ source: 'file:/here.yaml' }, {}, probe)).toMatchObject({ ok: true, config: { source: { kind: 'file', path: '/here.yaml' } } });
    expect(parseConfig({ source: 'file:/gone.yaml' }, {}, probe)).toEqual({ ok: false, error: '--source: "file:/gone.yaml": no such file' });
    expect(parseConfig({}, { XDS_SOURCE: 'file:/gone.yaml' }, probe)).toEqual({ ok: false, error: 'XDS_SOURCE: "file:/gone.yaml": no such file' });
    // without a probe (pure), the file is not looked at
    expect(parseConfig({ source: 'file:/gone.yaml' }, {}).ok).toBe(true);
  });

  it('names the environment variable when the bad value came from it', () => {
    expect(error({}, { XDS_PORT: 'x' })).toBe('XDS_PORT: "x" is not an integer');
    expect(error({}, { XDS_INSECURE_SDS_OVER_TCP: 'maybe' })).toBe('XDS_INSECURE_SDS_OVER_TCP: "maybe" is not true or false');
  });

  it('takes --allow-node repeated, and the flags over their variables', () => {
    expect(ok({ allowNode: ['a', 'b'] }, { XDS_ALLOW_NODE: 'c' }).allowNodes).toEqual(['a', 'b']);
    expect(ok({ insecureSdsOverTcp: false }, { XDS_INSECURE_SDS_OVER_TCP: '1' }).insecureSdsOverTcp).toBe(false);
    expect(ok({ tlsCert: '/c', tlsKey: '/k' }).tls).toEqual({ cert: '/c', key: '/k', ca: undefined });
  });

  it('takes any text for a limit or an allowed node: a value, or one line naming the flag, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.string({ maxLength: 20 }), (node, limit) => {
        for (const r of [parseConfig({ allowNode: [node] }, {}), parseConfig({ maxSubscriptions: limit }, {}), parseConfig({}, { XDS_ALLOW_NODE: node })]) {
          if (!r.ok) expect(r.error).toMatch(/^(--allow-node|--max-subscriptions): [^\n]+$/);
        }
        const byFlag = parseConfig({ allowNode: [node] }, {});
        expect(byFlag.ok).toBe(node.length >= 1 && node.length <= 256);
      }),
    );
  });

  it('accepts every valid port range and refuses the rest, never throwing', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 70000 }), fc.integer({ min: -5, max: 70000 }), (a, b) => {
        const r = parseConfig({ portRange: `${a}-${b}` }, {});
        const valid = a >= 1 && b >= 1 && a <= 65535 && b <= 65535 && a <= b;
        expect(r.ok).toBe(valid);
        if (r.ok) expect(r.config.portRange).toEqual({ min: a, max: b });
        else expect(r.error).not.toContain('\n');
      }),
    );
  });
});
