// The listening sockets of the xDS server, owned here rather than by gRPC: every connection is
// counted against its transport's bound (one for TCP, one for the unix socket) before gRPC sees it, and a unix socket path
// is taken over only when nothing answers on it. gRPC gets each admitted connection through a
// connection injector.
import { lstat, chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ConnectionPool {
  /** Count the connection in, or close it at once when the pool is full. */
  admit(socket: Socket): boolean;
  readonly size: number;
  /** Close every counted connection now (forced shutdown). */
  destroyAll(): void;
}

export function createConnectionPool(max: number, logger: Logger | undefined): ConnectionPool {
  const sockets = new Set<Socket>();
  let refusing = false;
  return {
    admit(socket) {
      if (sockets.size >= max) {
        // once per episode: a flood of refused connections must not flood the log too
        if (!refusing) logger?.warn({ limit: max }, 'xDS connection limit reached: new connections are closed until one ends');
        refusing = true;
        socket.destroy();
        return false;
      }
      refusing = false;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return true;
    },
    get size() {
      return sockets.size;
    },
    destroyAll() {
      for (const s of sockets) s.destroy();
    },
  };
}

/** The socket path is used by a live server (the process that owns it still answers). */
export class SocketInUseError extends Error {}

/** What is at a unix socket path: nothing, a socket nobody answers on, or a live server. */
export async function probeUnixSocket(path: string): Promise<'absent' | 'stale' | 'live'> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 'absent';
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to remove it`);
  return new Promise((resolve, reject) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve('live');
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('stale');
      else if (error.code === 'ENOENT') resolve('absent');
      else reject(new Error(`cannot tell whether ${path} is in use: ${error.code ?? error.message}`));
    });
  });
}

function listen(server: Server, bind: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    bind(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Listen on TCP; resolves with the bound port. */
export async function listenTcp(host: string, port: number, onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ noDelay: true }, onConnection);
  await listen(server, (done) => server.listen({ host, port }, done));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/**
 * Listen on a unix socket, mode 0660 from the start. A socket file nobody answers on is stale and
 * replaced; one a live process answers on is refused (SocketInUseError): never unlink a server.
 */
export async function listenUnix(path: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const found = await probeUnixSocket(path);
  if (found === 'live') throw new SocketInUseError(`${path} is in use: another process serves on it (is a janitor already running?)`);
  if (found === 'stale') await unlink(path);
  const server = createServer(onConnection);
  await withUmask(0o117, () => listen(server, (done) => server.listen(path, done)));
  await chmod(path, 0o660);
  return server;
}

/**
 * Run `start` under a umask, restored as soon as `start` returns: a unix socket is bound
 * synchronously inside listen(), so it is never reachable with wider permissions, and nothing
 * else the process creates meanwhile is affected. (Worker threads cannot set a umask: chmod only.)
 */
function withUmask<T>(mask: number, start: () => Promise<T>): Promise<T> {
  let previous: number | undefined;
  try {
    previous = process.umask(mask);
  } catch {
    previous = undefined;
  }
  try {
    return start();
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}
