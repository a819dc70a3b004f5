// The command line's options, one table: each flag, the environment variable that sets it, its
// default and its help line. src/config.ts turns their values into a Config; src/cli.ts and the
// commands (src/commands/) hand the table to commander.
import { LOG_LEVELS } from './log.js';
import { DEFAULT_LIMITS } from './xds/limits.js';

/** One option: its flags, the env var that can set it, its default, its help line. */
export interface FlagSpec {
  readonly key: keyof RawOptions;
  readonly flags: string;
  /** `list`: repeatable (the env var takes a comma-separated list); `boolean`: takes no value. */
  readonly kind?: 'list' | 'boolean';
  readonly env: string;
  readonly defaultValue?: string;
  readonly description: string;
}

/** Raw string values as the command line gives them (commander camel-cases the long flag). */
export interface RawOptions {
  readonly name?: string;
  readonly port?: string;
  readonly envoyPort?: string;
  readonly portRange?: string;
  readonly socket?: string;
  readonly sock?: string;
  readonly janitorSocket?: string;
  readonly maxWorkers?: string;
  readonly source?: string;
  readonly listen?: string;
  readonly admin?: string;
  readonly logLevel?: string;
  readonly portsFile?: string;
  readonly stateDir?: string;
  readonly readOnly?: string | boolean;
  readonly antiEntropyInterval?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly allowNode?: readonly string[];
  readonly insecureSdsOverTcp?: boolean;
  readonly allowCodeExtensions?: boolean;
  readonly allowClusterHeader?: boolean;
  readonly maxConnections?: string;
  readonly maxStreams?: string;
  readonly maxStreamsPerConnection?: string;
  readonly maxRequestBytes?: string;
  readonly maxSubscriptions?: string;
  readonly maxSubscriptionBytes?: string;
}

export const DEFAULT_JANITOR_SOCKET = 'unix:///var/run/xds/xds.sock';

export const FLAGS: readonly FlagSpec[] = [
  { key: 'name', flags: '-n, --name <name>', env: 'XDS_NAME', defaultValue: 'envoy', description: 'gateway name: serve exposes whose gateway keyword is empty or equal to it' },
  { key: 'port', flags: '-p, --port <port>', env: 'XDS_PORT', defaultValue: '50051', description: 'xDS gRPC TCP port (0: any free port; none: no TCP listener, unix socket only)' },
  { key: 'listen', flags: '--listen <addr>', env: 'XDS_LISTEN', defaultValue: '127.0.0.1', description: 'xDS gRPC TCP bind address (loopback unless told otherwise: SDS carries private keys)' },
  { key: 'envoyPort', flags: '-P, --envoy-port <port>', env: 'XDS_ENVOY_PORT', defaultValue: '9901', description: 'Envoy admin port on 127.0.0.1, asked for its own listeners before allocating ports' },
  { key: 'portRange', flags: '-r, --port-range <min-max>', env: 'XDS_PORT_RANGE', defaultValue: '1025-65535', description: 'range for listener_port = 0 allocations' },
  { key: 'socket', flags: '-S, --socket <path>', env: 'XDS_SOCKET', description: 'OpenSVC lsnr.sock (else OPENSVC_LSNR_SOCK, /var/run/lsnr/lsnr.sock, /var/lib/opensvc/lsnr/lsnr.sock)' },
  { key: 'sock', flags: '--sock <path>', env: 'XDS_SOCKET', description: 'same as --socket (the spelling the OpenSVC templates use)' },
  { key: 'janitorSocket', flags: '--janitor-socket <url>', env: 'XDS_JANITOR_SOCKET', defaultValue: DEFAULT_JANITOR_SOCKET, description: 'xDS gRPC unix socket (unix:///path or a path; none: disabled)' },
  { key: 'maxWorkers', flags: '-w, --max-workers <n>', env: 'XDS_MAX_WORKERS', defaultValue: '256', description: 'services rebuilt in parallel' },
  { key: 'source', flags: '--source <source>', env: 'XDS_SOURCE', defaultValue: 'opensvc', description: 'cluster state: opensvc (the daemon socket) or file:PATH (a YAML/JSON cluster file)' },
  { key: 'admin', flags: '--admin <addr:port>', env: 'XDS_ADMIN', defaultValue: '127.0.0.1:9902', description: 'admin HTTP address: /healthz /readyz /metrics /config_dump /clients /services (none: disabled)' },
  { key: 'logLevel', flags: '--log-level <level>', env: 'XDS_LOG_LEVEL', defaultValue: 'info', description: `log level: ${LOG_LEVELS.join(', ')}` },
  { key: 'portsFile', flags: '--ports-file <path>', env: 'XDS_PORTS_FILE', description: 'write the bound ports as JSON to this file once serving (for scripts and tests)' },
  { key: 'stateDir', flags: '--state-dir <dir>', env: 'XDS_STATE_DIR', description: 'keep what decides conflicts across restarts (who holds a contested port, name or route; when each service was first seen) in <dir>/xds-state.json' },
  { key: 'readOnly', flags: '--read-only', env: 'XDS_READ_ONLY', description: 'never write to the cluster: allocated listener ports stay in memory (a second, staging or dry-run janitor)' },
  { key: 'antiEntropyInterval', flags: '--anti-entropy-interval <seconds>', env: 'XDS_ANTI_ENTROPY_INTERVAL', defaultValue: '300', description: 'seconds between comparisons of the followed cluster with a fresh read, differences repaired (0: only on SIGHUP)' },
  { key: 'tlsCert', flags: '--tls-cert <file>', env: 'XDS_TLS_CERT', description: 'PEM certificate of the xDS TCP listener (TLS; reloaded when the file changes)' },
  { key: 'tlsKey', flags: '--tls-key <file>', env: 'XDS_TLS_KEY', description: 'PEM private key of --tls-cert' },
  { key: 'tlsCa', flags: '--tls-ca <file>', env: 'XDS_TLS_CA', description: 'PEM CA: xDS TCP clients must present a certificate it signed (mutual TLS)' },
  { key: 'allowNode', flags: '--allow-node <id>', env: 'XDS_ALLOW_NODE', kind: 'list', description: 'only this node id or node cluster may connect (repeatable; env: comma-separated)' },
  { key: 'insecureSdsOverTcp', flags: '--insecure-sds-over-tcp', env: 'XDS_INSECURE_SDS_OVER_TCP', kind: 'boolean', description: 'serve private keys on TCP streams without mutual TLS (any local user can read them)' },
  { key: 'allowCodeExtensions', flags: '--allow-code-extensions', env: 'XDS_ALLOW_CODE_EXTENSIONS', kind: 'boolean', description: "let services' cluster_data/filter_config_data run code in Envoy (Lua, Wasm, Go, dynamic modules): only when every tenant is trusted" },
  { key: 'allowClusterHeader', flags: '--allow-cluster-header', env: 'XDS_ALLOW_CLUSTER_HEADER', kind: 'boolean', description: "let services' routes use route_cluster_header (the client names any cluster, another namespace's too): only when every tenant is trusted" },
  { key: 'maxConnections', flags: '--max-connections <n>', env: 'XDS_MAX_CONNECTIONS', defaultValue: String(DEFAULT_LIMITS.maxConnections), description: 'open xDS connections, per transport (TCP, unix socket)' },
  { key: 'maxStreams', flags: '--max-streams <n>', env: 'XDS_MAX_STREAMS', defaultValue: String(DEFAULT_LIMITS.maxStreams), description: 'open xDS streams, per transport (TCP, unix socket)' },
  { key: 'maxStreamsPerConnection', flags: '--max-streams-per-connection <n>', env: 'XDS_MAX_STREAMS_PER_CONNECTION', defaultValue: String(DEFAULT_LIMITS.maxStreamsPerConnection), description: 'concurrent streams on one connection' },
  { key: 'maxRequestBytes', flags: '--max-request-bytes <n>', env: 'XDS_MAX_REQUEST_BYTES', defaultValue: String(DEFAULT_LIMITS.maxRequestBytes), description: 'largest xDS request message' },
  { key: 'maxSubscriptions', flags: '--max-subscriptions <n>', env: 'XDS_MAX_SUBSCRIPTIONS', defaultValue: String(DEFAULT_LIMITS.maxSubscriptions), description: 'resource names one stream may subscribe to' },
  { key: 'maxSubscriptionBytes', flags: '--max-subscription-bytes <n>', env: 'XDS_MAX_SUBSCRIPTION_BYTES', defaultValue: String(DEFAULT_LIMITS.maxSubscriptionBytes), description: 'total bytes of the names one stream subscribes to' },
];
