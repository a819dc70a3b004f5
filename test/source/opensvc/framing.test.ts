import fc from 'fast-check';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNulSplitter, encodeMessage } from '../../../src/source/opensvc/framing.js';
import { openEvents, request, type EventStream } from '../../../src/source/opensvc/transport.js';
import { delay, tempSocket, until } from './helpers.js';

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  return chunks;
}

describe('NUL splitter', () => {
  it('gives back every message whatever the chunking, multi-byte UTF-8 included', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('é', '€', '😀', '日', 'a', '"', '\\'), fc.string({ unit: 'grapheme', maxLength: 1 })) }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 30 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from(m, 'utf8'), Buffer.from([0])])));
        const out: string[] = [];
        const splitter = createNulSplitter((m) => out.push(m));
        for (const chunk of split(bytes, cuts)) splitter.push(chunk);
        expect(out).toEqual(messages);
        expect(splitter.pendingBytes()).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('drops a message that grows past the bound, says so once, and delivers nothing more', () => {
    const out: string[] = [];
    const oversized: number[] = [];
    const splitter = createNulSplitter((m) => out.push(m), { maxBytes: 10, onOversize: (size) => oversized.push(size) });
    splitter.push(Buffer.from('{"a":1}\0{"b":'));
    splitter.push(Buffer.from('"12345'));
    expect(out).toEqual(['{"a":1}']);
    expect(oversized).toEqual([11]);
    expect(splitter.pendingBytes()).toBe(0);
    splitter.push(Buffer.from('"}\0{"c":3}\0'));
    expect(out).toEqual(['{"a":1}']);
    expect(oversized).toHaveLength(1);
  });

  it('takes a message of exactly the bound, in one piece or many', () => {
    for (const chunks of [['0123456789\0'], ['01234', '56789', '\0']]) {
      const out: string[] = [];
      const splitter = createNulSplitter((m) => out.push(m), { maxBytes: 10, onOversize: () => out.push('OVERSIZE') });
      for (const c of chunks) splitter.push(Buffer.from(c));
      expect(out).toEqual(['0123456789']);
    }
  });

  it('keeps an unfinished message pending', () => {
    const out: string[] = [];
    const splitter = createNulSplitter((m) => out.push(m));
    splitter.push(Buffer.from('{"a":1}\0{"b"'));
    expect(out).toEqual(['{"a":1}']);
    expect(splitter.pendingBytes()).toBe(4);
  });
});

// A raw server that answers every connection by writing the given chunks, each in its own write,
// with a pause in between so the client really reads them separately.
async function chunkServer(socketPath: string, chunks: () => Buffer[], endAfter: boolean): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.once('data', async () => {
      for (const chunk of chunks()) {
        socket.write(chunk);
        await delay(2);
      }
      if (endAfter) socket.end();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}

const messages = [{ kind: 'patch', id: 1, data: [[['monitor', 'x'], 'héllo €😀']] }, { kind: 'patch', id: 2, data: [] }, { kind: 'event', data: { id: 'x' } }];
const wire = Buffer.concat(messages.map((m) => encodeMessage(m)));

describe('framing over a real unix socket', () => {
  let server: net.Server | undefined;
  let stream: EventStream | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    stream?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    cleanup?.();
  });

  const cases: [string, () => Buffer[]][] = [
    ['one byte at a time', () => [...wire].map((b) => Buffer.from([b]))],
    ['many messages in one read', () => [wire]],
    ['a message across reads (mid UTF-8 character)', () => {
      const cut = wire.indexOf(Buffer.from('€')) + 1;
      return [wire.subarray(0, cut), wire.subarray(cut, cut + 7), wire.subarray(cut + 7)];
    }],
  ];

  for (const [name, chunks] of cases) {
    it(`events stream: ${name}`, async () => {
      const sock = tempSocket();
      cleanup = sock.cleanup;
      server = await chunkServer(sock.path, chunks, false);
      const got: unknown[] = [];
      stream = await openEvents(sock.path, { onMessage: (t) => got.push(JSON.parse(t)), onEnd: () => undefined });
      await until(() => got.length === 3);
      expect(got).toEqual(messages);
    });

    it(`request reply: ${name}`, async () => {
      const sock = tempSocket();
      cleanup = sock.cleanup;
      server = await chunkServer(sock.path, chunks, true);
      expect(await request(sock.path, { action: 'daemon_status' }, { timeoutMs: 2000 })).toEqual(messages[0]);
    });
  }

  it('sends the request as UTF-8 JSON and one NUL', async () => {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    let received = Buffer.alloc(0);
    server = net.createServer((socket) =>
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        if (received.includes(0)) socket.end(encodeMessage({ status: 0 }));
      }),
    );
    await new Promise<void>((resolve) => server?.listen(sock.path, resolve));
    await request(sock.path, { action: 'get_secret_key', options: { path: 'ns/sec/é' } } as { action: string }, { timeoutMs: 2000 });
    expect(received.toString('utf8')).toBe('{"action":"get_secret_key","options":{"path":"ns/sec/é"}}\0');
  });

  it('rejects a request when the daemon is absent, closes early or stays silent', async () => {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    await expect(request(sock.path, { action: 'daemon_status' }, { timeoutMs: 500 })).rejects.toThrow(/ENOENT|ECONNREFUSED/);
    server = await chunkServer(sock.path, () => [Buffer.from('{"partial":')], true);
    await expect(request(sock.path, { action: 'daemon_status' }, { timeoutMs: 500 })).rejects.toThrow(/closed before/);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = await chunkServer(sock.path, () => [], false);
    await expect(request(sock.path, { action: 'daemon_status' }, { timeoutMs: 150 })).rejects.toThrow(/no reply within 150 ms/);
  });
});
