// Flags and environment → a validated Config. Pure: no I/O (the caller may pass a probe), no
// process globals, so every rule is table-testable. Precedence: command-line flag, then
// environment variable, then default.
import { DEFAULT_JANITOR_SOCKET, FLAGS, type RawOptions } from './flags.js';
import { isIP } from 'node:net';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { DEFAULT_LIMITS, TEXT_LIMITS, type XdsLimits } from './xds/limits.js';
import type { TlsFiles } from './xds/tls.js';

export type SourceSpec = { readonly kind: 'opensvc' } | { readonly kind: 'file'; readonly path: string };

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  /** Gateway name: exposes whose `gateway` is absent or equal to it are served. */
  readonly name: string;
  /** xDS TCP port (0: any free port, for tests); undefined when disabled (`none`: unix socket only). */
  readonly port: number | undefined;
  /** xDS TCP bind address. */
  readonly listen: string;
  /** Envoy admin port, asked for Envoy's own listeners before allocating a port. */
  readonly envoyPort: number;
  readonly portRange: { readonly min: number; readonly max: number };
  /** OpenSVC lsnr.sock given by flag or XDS_SOCKET; undefined: resolved by the OpenSVC source. */
  readonly socket: string | undefined;
  /** xDS unix socket path; undefined when disabled (`none`). */
  readonly janitorSocket: string | undefined;
  /** True when janitorSocket is the default (a missing /var/run/xds is then a warning, not fatal). */
  readonly janitorSocketIsDefault: boolean;
  readonly maxWorkers: number;
  readonly source: SourceSpec;
  /** Admin HTTP address; undefined when disabled (`none`). */
  readonly admin: HostPort | undefined;
  readonly logLevel: LogLevel;
  /** When set, the bound ports are written there as JSON once the janitor serves. */
  readonly portsFile: string | undefined;
  /** Where the janitor keeps what it remembers across restarts (conflict holders, service ages); undefined: memory only. */
  readonly stateDir: string | undefined;
  /** Never write to the cluster (no write-back of allocated ports). */
  readonly readOnly: boolean;
  /** Seconds between anti-entropy checks of the source (0: only on SIGHUP). */
  readonly antiEntropySeconds: number;
  /** TLS on the xDS TCP listener; with a CA, client certificates are required (mutual TLS). */
  readonly tls: TlsFiles | undefined;
  /** Node ids or node clusters allowed to connect; empty: any node. */
  readonly allowNodes: readonly string[];
  /** Serve secrets on TCP streams that neither mutual TLS nor the unix socket protects. */
  readonly insecureSdsOverTcp: boolean;
  /** Services' cluster_data/filter_config_data may use extensions that run code (Lua, Wasm, Go, dynamic modules). */
  readonly allowCodeExtensions: boolean;
  /** `--allow-cluster-header`: routes may let the client name the cluster. */
  readonly allowClusterHeader: boolean;
  readonly limits: XdsLimits;
}

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly error: string };

type Env = Readonly<Record<string, string | undefined>>;

class ConfigError extends Error {}

function pick(raw: RawOptions, env: Env, key: keyof RawOptions): { value: string; origin: string } | undefined {
  const spec = FLAGS.find((f) => f.key === key);
  const given = raw[key];
  const flag = typeof given === 'string' ? given : undefined;
  const longFlag = spec?.flags.match(/--[a-z-]+/)?.[0] ?? key;
  if (flag !== undefined) return { value: String(flag), origin: longFlag };
  const fromEnv = spec ? env[spec.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, origin: spec?.env ?? key };
  if (spec?.defaultValue !== undefined) return { value: spec.defaultValue, origin: longFlag };
  return undefined;
}

/** The value of an option with a default, parsed; errors name the flag or variable it came from. */
function field<T>(raw: RawOptions, env: Env, key: keyof RawOptions, parse: (text: string, origin: string) => T): T {
  const got = pick(raw, env, key);
  if (!got) throw new ConfigError(`${key}: missing value`);
  return parse(got.value, got.origin);
}

export function parseInteger(text: string, min: number, max: number, origin: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${origin}: "${text}" is not an integer`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new ConfigError(`${origin}: ${n} is out of range (${min}-${max})`);
  return n;
}

export function parsePortRange(text: string, origin: string): { min: number; max: number } {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ConfigError(`${origin}: "${text}" is not a range MIN-MAX (e.g. 1025-65535)`);
  const min = parseInteger(m[1] ?? '', 1, 65535, origin);
  const max = parseInteger(m[2] ?? '', 1, 65535, origin);
  if (min > max) throw new ConfigError(`${origin}: "${text}" has MIN greater than MAX`);
  return { min, max };
}

function checkHost(host: string, origin: string): string {
  if (host === 'localhost' || isIP(host) !== 0) return host;
  throw new ConfigError(`${origin}: "${host}" is not an IP address`);
}

/** `127.0.0.1:9902`, `[::1]:9902`, `0.0.0.0:0`. */
export function parseHostPort(text: string, origin: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) throw new ConfigError(`${origin}: "${text}" is not ADDR:PORT (e.g. 127.0.0.1:9902, [::1]:9902)`);
  return { host: checkHost(m[1] ?? '', origin), port: parseInteger(m[2] ?? '', 0, 65535, origin) };
}

/** The I/O parseConfig may be given (the command line gives the real one; tests, none or a fake). */
export interface ConfigProbe {
  /** Why this file cannot be read as the cluster file (`no such file`, …), undefined when it can. */
  readonly fileProblem: (path: string) => string | undefined;
}

export function parseSource(text: string, origin: string, probe?: ConfigProbe): SourceSpec {
  if (text === 'opensvc') return { kind: 'opensvc' };
  if (!text.startsWith('file:') || text.length === 'file:'.length) throw new ConfigError(`${origin}: "${text}" is not opensvc or file:PATH`);
  const path = text.slice('file:'.length);
  const problem = probe?.fileProblem(path);
  if (problem !== undefined) throw new ConfigError(`${origin}: "${text}": ${problem}`);
  return { kind: 'file', path };
}

/**
 * `unix:///var/run/xds/xds.sock`, `unix:relative.sock` or a plain path → the path; `none` →
 * undefined. Any other scheme (`tcp://`, `http://`) is refused: the TCP side is --port/--listen.
 */
export function parseUnixSocket(text: string, origin: string): string | undefined {
  if (text === 'none') return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'unix') {
    throw new ConfigError(`${origin}: "${text}" is not a unix socket (unix:///path, a path, or none; TCP is --port and --listen)`);
  }
  const path = text.replace(/^unix:(\/\/)?/i, '');
  if (path === '' || path.includes('\0')) throw new ConfigError(`${origin}: "${text}" is not a unix socket path`);
  return path;
}

function parseLogLevel(text: string, origin: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text);
  if (!level) throw new ConfigError(`${origin}: "${text}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function parseName(text: string, origin: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(text)) throw new ConfigError(`${origin}: "${text}" is not a valid gateway name`);
  return text;
}

function socketOption(raw: RawOptions, env: Env): string | undefined {
  const value = raw.socket ?? raw.sock ?? (env['XDS_SOCKET'] || undefined);
  if (value === '') throw new ConfigError('--socket: empty path');
  return value;
}

/** A boolean flag (commander gives true) or its variable: 1/true/yes/on, 0/false/no/off. */
function parseFlagBoolean(flag: string | boolean | undefined, fromEnv: string | undefined, origin: string): boolean {
  if (flag !== undefined) return flag === true || flag === 'true';
  if (fromEnv === undefined || fromEnv === '') return false;
  const text = fromEnv.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(`${origin}: "${fromEnv}" is not true or false`);
}

/** What the operator lets tenants' definitions do (the janitor, `xds check` and `xds translate` read them alike). */
function tenantAllowances(raw: RawOptions, env: Env): { readonly allowCodeExtensions: boolean; readonly allowClusterHeader: boolean } {
  return {
    allowCodeExtensions: parseFlagBoolean(raw.allowCodeExtensions, env['XDS_ALLOW_CODE_EXTENSIONS'], '--allow-code-extensions / XDS_ALLOW_CODE_EXTENSIONS'),
    allowClusterHeader: parseFlagBoolean(raw.allowClusterHeader, env['XDS_ALLOW_CLUSTER_HEADER'], '--allow-cluster-header / XDS_ALLOW_CLUSTER_HEADER'),
  };
}

const port = (min: number) => (text: string, origin: string) => parseInteger(text, min, 65535, origin);

function tlsFiles(raw: RawOptions, env: Env): TlsFiles | undefined {
  const [cert, key, ca] = (['tlsCert', 'tlsKey', 'tlsCa'] as const).map((k) => pick(raw, env, k)?.value || undefined);
  if (!cert && !key && !ca) return undefined;
  if (!cert || !key) throw new ConfigError('--tls-cert and --tls-key go together (and --tls-ca needs both: the server proves itself first)');
  return { cert, key, ca };
}

function allowNodes(raw: RawOptions, env: Env): string[] {
  const fromEnv = env['XDS_ALLOW_NODE'];
  const list = raw.allowNode ?? (fromEnv ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : []);
  for (const id of list) {
    if (id === '' || id.length > TEXT_LIMITS.identifier) throw new ConfigError(`--allow-node: ${JSON.stringify(id.slice(0, 40))} must be 1-${TEXT_LIMITS.identifier} characters`);
  }
  return [...list];
}

function limits(raw: RawOptions, env: Env): XdsLimits {
  const count = (key: keyof RawOptions) => field(raw, env, key, (text, origin) => parseInteger(text, 1, 2 ** 31 - 1, origin));
  return {
    ...DEFAULT_LIMITS,
    maxConnections: count('maxConnections'),
    maxStreams: count('maxStreams'),
    maxStreamsPerConnection: count('maxStreamsPerConnection'),
    maxRequestBytes: count('maxRequestBytes'),
    maxSubscriptions: count('maxSubscriptions'),
    maxSubscriptionBytes: count('maxSubscriptionBytes'),
  };
}

function build(raw: RawOptions, env: Env, probe: ConfigProbe | undefined): Config {
  const janitorSocket = pick(raw, env, 'janitorSocket')?.value;
  return {
    name: field(raw, env, 'name', parseName),
    port: field(raw, env, 'port', (text, origin) => (text === 'none' ? undefined : port(0)(text, origin))),
    listen: field(raw, env, 'listen', checkHost),
    envoyPort: field(raw, env, 'envoyPort', port(1)),
    portRange: field(raw, env, 'portRange', parsePortRange),
    socket: socketOption(raw, env),
    janitorSocket: field(raw, env, 'janitorSocket', parseUnixSocket),
    janitorSocketIsDefault: janitorSocket === DEFAULT_JANITOR_SOCKET,
    maxWorkers: field(raw, env, 'maxWorkers', (text, origin) => parseInteger(text, 1, 65536, origin)),
    source: field(raw, env, 'source', (text, origin) => parseSource(text, origin, probe)),
    admin: field(raw, env, 'admin', (text, origin) => (text === 'none' ? undefined : parseHostPort(text, origin))),
    logLevel: field(raw, env, 'logLevel', parseLogLevel),
    portsFile: pick(raw, env, 'portsFile')?.value || undefined,
    stateDir: pick(raw, env, 'stateDir')?.value || undefined,
    readOnly: parseFlagBoolean(raw.readOnly, env['XDS_READ_ONLY'], 'XDS_READ_ONLY'),
    antiEntropySeconds: field(raw, env, 'antiEntropyInterval', (text, origin) => parseInteger(text, 0, 86_400, origin)),
    tls: tlsFiles(raw, env),
    allowNodes: allowNodes(raw, env),
    insecureSdsOverTcp: parseFlagBoolean(raw.insecureSdsOverTcp, env['XDS_INSECURE_SDS_OVER_TCP'], 'XDS_INSECURE_SDS_OVER_TCP'),
    ...tenantAllowances(raw, env),
    limits: limits(raw, env),
  };
}

/** What `xds check` and `xds translate` read of the daemon's options: which cluster, as which gateway. */
export interface ClusterOptions {
  readonly name: string;
  readonly portRange: { readonly min: number; readonly max: number };
  readonly source: SourceSpec;
  /** The OpenSVC socket given by flag or XDS_SOCKET (undefined: resolved as the daemon does). */
  readonly socket: string | undefined;
  /** `--allow-code-extensions`, as the janitor would run. */
  readonly allowCodeExtensions: boolean;
  /** `--allow-cluster-header`, as the janitor would run. */
  readonly allowClusterHeader: boolean;
}

/** The daemon's rules for these options (flag, variable, default); a socket flag means the opensvc source. */
export function parseClusterOptions(raw: RawOptions, env: Env): { readonly ok: true; readonly options: ClusterOptions } | { readonly ok: false; readonly error: string } {
  try {
    const socketFlag = raw.socket ?? raw.sock;
    const source = socketFlag !== undefined && raw.source === undefined ? { kind: 'opensvc' as const } : field(raw, env, 'source', parseSource);
    if (source.kind === 'file' && socketFlag !== undefined) throw new ConfigError('give --source file:PATH or --sock PATH, not both');
    const allowed = tenantAllowances(raw, env);
    return { ok: true, options: { name: field(raw, env, 'name', parseName), portRange: field(raw, env, 'portRange', parsePortRange), source, socket: socketOption(raw, env), ...allowed } };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Validate flags and environment. Errors are one line naming the flag (or env var) and the value.
 * With a probe, a cluster file that cannot be read is a usage error too (before any port is bound).
 */
export function parseConfig(raw: RawOptions, env: Env, probe?: ConfigProbe): ConfigResult {
  try {
    return { ok: true, config: build(raw, env, probe) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error: error.message };
    throw error;
  }
}
