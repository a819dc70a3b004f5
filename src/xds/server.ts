// The xDS gRPC server: every discovery service (ADS and per type, SotW and Delta) on TCP and/or
// a unix socket, all streams served from one ResourceCache.
import { chmod, lstat, unlink } from 'node:fs/promises';
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ResourceCache } from './cache.js';
import type { XdsHooks } from './hooks.js';
import { createClientRegistry, type ClientRegistry } from './registry.js';
import { startSession, type Session, type XdsCall } from './session.js';
import { XDS_SERVICES, serviceDefinition } from './services.js';

export interface XdsServerOptions {
  readonly cache: ResourceCache;
  readonly logger?: Logger;
  readonly hooks?: XdsHooks;
}

export interface XdsServer {
  /** `host:port` (port 0 picks one); resolves to the bound port. */
  listenTcp(address: string): Promise<number>;
  /** A stale socket file is removed first; the socket is made mode 0660. */
  listenUnix(path: string): Promise<void>;
  readonly registry: ClientRegistry;
  /** Stop accepting, end open streams with status OK, wait up to graceMs, then force. */
  close(graceMs?: number): Promise<void>;
}

const SERVER_OPTIONS = {
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
};

async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to remove it`);
  await unlink(path);
}

function bind(server: Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

export function createXdsServer(opts: XdsServerOptions): XdsServer {
  const server = new Server(SERVER_OPTIONS);
  const registry = createClientRegistry();
  const sessions = new Set<Session>();
  const unixPaths: string[] = [];
  let nextId = 0;
  let closing = false;

  for (const service of XDS_SERVICES) {
    const impl: UntypedServiceImplementation = {};
    for (const m of service.methods) {
      impl[m.name] = (call: XdsCall) => {
        if (closing) return void call.emit('error', { code: 14, details: 'server shutting down' });
        const session = startSession({
          id: ++nextId, call, variant: m.variant, service: m.service, fixedType: m.fixedType,
          cache: opts.cache, registry, hooks: opts.hooks ?? {}, logger: opts.logger,
        });
        sessions.add(session);
        call.on('close', () => sessions.delete(session));
        call.on('cancelled', () => sessions.delete(session));
      };
    }
    server.addService(serviceDefinition(service), impl);
  }

  return {
    registry,
    async listenTcp(address) {
      const port = await bind(server, address);
      opts.logger?.info({ address, port }, 'xDS listening on TCP');
      return port;
    },
    async listenUnix(path) {
      await removeStaleSocket(path);
      await bind(server, `unix:${path}`);
      await chmod(path, 0o660);
      unixPaths.push(path);
      opts.logger?.info({ path }, 'xDS listening on unix socket');
    },
    async close(graceMs = 2000) {
      closing = true;
      const done = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      for (const s of [...sessions]) s.end();
      sessions.clear();
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
      });
      await Promise.race([done, forced]);
      clearTimeout(timer);
      await Promise.all(unixPaths.map((p) => unlink(p).catch(() => undefined)));
    },
  };
}
