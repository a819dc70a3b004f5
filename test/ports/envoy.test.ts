// Envoy's own listeners, asked from a real HTTP admin endpoint (IPv6 included), and what an
// allocation makes of them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allocatePorts, createPortBook, envoyListenerPorts, pendingRequests, updateServicePorts } from '../../src/ports/index.js';
import { closedPort } from '../e2e/support.js';

const STATUSES = {
  listener_statuses: [
    { name: 'admin', local_address: { socket_address: { address: '127.0.0.1', port_value: 1025 } } },
    { name: 'v6', local_address: { socket_address: { address: '::', port_value: 1026 } }, additional_local_addresses: [{ socket_address: { address: '10.0.0.1', port_value: 1027 } }] },
    { name: 'pipe', local_address: { pipe: { path: '/tmp/envoy.sock' } } },
    { name: 'unbound', local_address: { socket_address: { address: '0.0.0.0', port_value: 0 } } },
    { name: 'no-address', local_address: { socket_address: { port_value: 1029 } } },
  ],
};

describe('envoyListenerPorts', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function admin(answer: (path: string) => { status: number; body?: unknown } | undefined): Promise<number> {
    const paths: string[] = [];
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      const a = answer(req.url ?? '');
      if (a === undefined) return; // never answers
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body ?? {}));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    return (server.address() as AddressInfo).port;
  }

  it('reads every socket address Envoy listens on, IPv6 and additional addresses included', async () => {
    const port = await admin((path) => (path === '/listeners?format=json' ? { status: 200, body: STATUSES } : { status: 404 }));
    const envoy = await envoyListenerPorts(port);
    expect(envoy).toEqual([
      { address: '127.0.0.1', port: 1025 },
      { address: '::', port: 1026 },
      { address: '10.0.0.1', port: 1027 },
      { address: '0.0.0.0', port: 1029 },
    ]);
    // an allocation steers clear of them: [::]:1026 is a wildcard, 10.0.0.1:1027 only that address
    const book = createPortBook();
    updateServicePorts(book, 'a', [{ service: 'a', rid: 'e#0', address: '10.0.0.1', port: 0 }]);
    updateServicePorts(book, 'b', [{ service: 'b', rid: 'e#0', address: '10.0.0.2', port: 0 }]);
    const result = allocatePorts(book, pendingRequests(book, ['a', 'b']), envoy, { min: 1025, max: 1030 });
    expect(result.allocations.map((x) => [x.service, x.port])).toEqual([['a', 1025], ['b', 1025]]);
    const wild = createPortBook();
    updateServicePorts(wild, 'c', [{ service: 'c', rid: 'e#0', address: '0.0.0.0', port: 0 }]);
    expect(allocatePorts(wild, pendingRequests(wild, ['c']), envoy, { min: 1025, max: 1030 }).allocations[0]?.port).toBe(1028);
  });

  it('is empty when Envoy does not answer, answers an error, or answers too late', async () => {
    expect(await envoyListenerPorts(await closedPort())).toEqual([]);
    const failing = await admin(() => ({ status: 503, body: STATUSES }));
    expect(await envoyListenerPorts(failing)).toEqual([]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const silent = await admin(() => undefined);
    expect(await envoyListenerPorts(silent, 50)).toEqual([]);
  });
});
