// The xDS gRPC server: every discovery service (ADS and per type, SotW and Delta) and the client
// status service, on TCP and/or a unix socket, all streams served from one ResourceCache.
// One gRPC server per transport, so a stream always knows how it arrived (the unix socket, or
// TCP with or without a verified client certificate); the sockets are ours (listeners.ts).
// Connection and stream bounds count per transport: clients on TCP can never use up the room
// of the unix socket, the transport the local Envoy is meant to use.
import { Server, ServerCredentials, status as GrpcStatus, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Server as NetServer, Socket } from 'node:net';
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createWriteBudget } from './budget.js';
import type { ResourceCache } from './cache.js';
import { addClientStatusService } from './csds.js';
import type { XdsHooks } from './hooks.js';
import { DEFAULT_LIMITS, type XdsLimits } from './limits.js';
import { createStreamGuard, takeToken } from './guard.js';
import { createConnectionPool, listenTcp, listenUnix } from './listeners.js';
import type { AccessPolicy } from './policy.js';
import { createClientRegistry, type ClientRegistry, type Transport } from './registry.js';
import { startSession, type Session, type XdsCall } from './session.js';
import { XDS_SERVICES, serviceDefinition } from './services.js';
import { createTlsCredentials, type TlsCredentials, type TlsFiles } from './tls.js';

export interface XdsServerOptions {
  readonly cache: ResourceCache;
  readonly logger?: Logger;
  readonly hooks?: XdsHooks;
  /** Who may open a stream and receive what (default: everyone, everything). */
  readonly policy?: AccessPolicy;
  /** Bounds on what clients may cost (limits.ts); the rest default. */
  readonly limits?: Partial<XdsLimits>;
  /** TLS on the TCP listener (mutual TLS with a CA); the unix socket stays plaintext. */
  readonly tls?: TlsFiles;
}

export interface XdsServer {
  /** `host:port` or `[v6]:port` (port 0 picks one); resolves to the bound port. */
  listenTcp(address: string): Promise<number>;
  /**
   * Mode 0660. A stale socket file (nobody answers on it) is replaced; a live one is refused
   * with SocketInUseError; any other file is refused.
   */
  listenUnix(path: string): Promise<void>;
  readonly registry: ClientRegistry;
  readonly limits: XdsLimits;
  /** Stop accepting, end open streams with status OK, wait up to graceMs, then force. */
  close(graceMs?: number): Promise<void>;
}

function grpcOptions(limits: XdsLimits): Record<string, number> {
  return {
    'grpc.max_receive_message_length': limits.maxRequestBytes,
    'grpc.max_send_message_length': -1,
    'grpc.max_concurrent_streams': limits.maxStreamsPerConnection,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // no channelz service is served: its books per connection and per message only cost memory and time
    'grpc.enable_channelz': 0,
  };
}

function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`${address} is not host:port`);
  return { host: m[1] ?? '', port: Number(m[2]) };
}

/** Warnings clients can cause, all streams together: a burst, then a few per second. */
const WARN_BURST = 100;
const WARNS_PER_SECOND = 20;

/**
 * A log budget for client-caused warnings: a client reconnecting in a loop or NACKing on purpose
 * cannot flood the log. Lines past the budget are counted, and the count rides on the next line.
 */
function budgetedWarn(logger: Logger | undefined): (fields: Record<string, unknown>, message: string) => void {
  const budget = createStreamGuard({ ...DEFAULT_LIMITS, requestBurst: WARN_BURST, requestsPerSecond: WARNS_PER_SECOND });
  let suppressed = 0;
  return (fields, message) => {
    if (!logger) return;
    if (!takeToken(budget)) return void suppressed++;
    logger.warn(suppressed > 0 ? { ...fields, suppressedBefore: suppressed } : fields, message);
    suppressed = 0;
  };
}

const closed = (server: NetServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function createXdsServer(opts: XdsServerOptions): XdsServer {
  const limits: XdsLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const registry = createClientRegistry();
  const sessions = new Map<number, Session>();
  const pools = { tcp: createConnectionPool(limits.maxConnections, opts.logger), unix: createConnectionPool(limits.maxConnections, opts.logger) };
  const streams = { tcp: 0, unix: 0 };
  const atStreamLimit = { tcp: false, unix: false };
  const grpcServers: Server[] = [];
  const netServers: NetServer[] = [];
  const unixPaths: string[] = [];
  let tls: TlsCredentials | undefined;
  const warn = budgetedWarn(opts.logger);
  const budget = createWriteBudget(limits.maxQueuedBytes);
  let nextId = 0;
  let closing = false;

  const refuse = (call: XdsCall, code: GrpcStatus, details: string): void => void call.emit('error', { code, details });

  const sessionClosed = (id: number, transport: Transport): void => {
    sessions.delete(id);
    streams[transport]--;
  };

  const open = (transport: Transport, method: (typeof XDS_SERVICES)[number]['methods'][number]) => (call: XdsCall) => {
    if (closing) return refuse(call, GrpcStatus.UNAVAILABLE, 'server shutting down');
    if (streams[transport] >= limits.maxStreams) {
      if (!atStreamLimit[transport]) opts.logger?.warn({ limit: limits.maxStreams, transport }, 'xDS stream limit reached: new streams are refused until one ends');
      atStreamLimit[transport] = true;
      return refuse(call, GrpcStatus.RESOURCE_EXHAUSTED, `the server already has ${limits.maxStreams} xDS streams open on ${transport}, its limit`);
    }
    atStreamLimit[transport] = false;
    streams[transport]++;
    const id = ++nextId;
    const authenticated = transport === 'tcp' && call.getAuthContext().sslPeerCertificate !== undefined;
    sessions.set(id, startSession({
      id, call, variant: method.variant, service: method.service, fixedType: method.fixedType, transport, authenticated,
      cache: opts.cache, registry, hooks: opts.hooks ?? {}, policy: opts.policy ?? {}, limits, budget, logger: opts.logger, warn,
      onClose: sessionClosed,
    }));
  };

  /** A gRPC server for one transport; returns what to do with each accepted connection. */
  const serve = (transport: Transport, credentials: ServerCredentials): ((socket: Socket) => void) => {
    const server = new Server(grpcOptions(limits));
    for (const service of XDS_SERVICES) {
      const impl: UntypedServiceImplementation = {};
      for (const m of service.methods) impl[m.name] = open(transport, m);
      server.addService(serviceDefinition(service), impl);
    }
    addClientStatusService(server, { registry, cache: opts.cache, closing: () => closing });
    grpcServers.push(server);
    const injector = server.createConnectionInjector(credentials);
    return (socket) => {
      if (pools[transport].admit(socket)) injector.injectConnection(socket);
    };
  };

  return {
    registry,
    limits,
    async listenTcp(address) {
      const { host, port } = parseAddress(address);
      tls ??= opts.tls ? await createTlsCredentials(opts.tls, opts.logger) : undefined;
      const bound = await listenTcp(host, port, serve('tcp', tls?.credentials ?? ServerCredentials.createInsecure()));
      netServers.push(bound.server);
      opts.logger?.info({ address, port: bound.port, tls: tls ? (tls.mutual ? 'mutual' : 'server') : 'none' }, 'xDS listening on TCP');
      return bound.port;
    },
    async listenUnix(path) {
      netServers.push(await listenUnix(path, serve('unix', ServerCredentials.createInsecure())));
      unixPaths.push(path);
      opts.logger?.info({ path }, 'xDS listening on unix socket');
    },
    async close(graceMs = 2000) {
      closing = true;
      const listening = netServers.map(closed);
      const done = Promise.all(grpcServers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))));
      for (const s of [...sessions.values()]) s.end();
      const graceful = await Promise.race([done.then(() => true), sleep(graceMs).then(() => false)]);
      if (!graceful) for (const s of grpcServers) s.forceShutdown();
      // the sockets gRPC closed (or not): anything left is destroyed, so the listeners close
      if (!(await Promise.race([Promise.all(listening).then(() => true), sleep(graceful ? 500 : 0).then(() => false)]))) {
        pools.tcp.destroyAll();
        pools.unix.destroyAll();
      }
      await Promise.all(listening);
      await Promise.all(unixPaths.map((p) => unlink(p).catch(() => undefined)));
      await tls?.close();
    },
  };
}
