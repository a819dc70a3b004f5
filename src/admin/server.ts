// The admin HTTP server (node:http): a handful of read-only GET endpoints for operators.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AdminReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type AdminHandler = (url: URL) => AdminReply | Promise<AdminReply>;

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

export function json(body: unknown, status = 200): AdminReply {
  return { status, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(body, null, 2)}\n` };
}

export function htmlPage(body: string, status = 200): AdminReply {
  return { status, contentType: 'text/html; charset=utf-8', body };
}

export function text(body: string, status = 200): AdminReply {
  return { status, contentType: 'text/plain; charset=utf-8', body: body.endsWith('\n') ? body : `${body}\n` };
}

async function answer(routes: ReadonlyMap<string, AdminHandler>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin.invalid');
  const handler = routes.get(url.pathname);
  let reply: AdminReply;
  if (req.method !== 'GET' && req.method !== 'HEAD') reply = text('method not allowed', 405);
  else if (!handler) reply = json({ error: 'not found', endpoints: [...routes.keys()] }, 404);
  else {
    try {
      reply = await handler(url);
    } catch (error) {
      reply = json({ error: error instanceof Error ? error.message : String(error) }, 500);
    }
  }
  // the status page is self-contained: no script, no asset from anywhere, not even from here
  res.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

export async function startAdminServer(host: string, port: number, routes: ReadonlyMap<string, AdminHandler>): Promise<AdminServer> {
  const server = createServer((req, res) => void answer(routes, req, res));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
