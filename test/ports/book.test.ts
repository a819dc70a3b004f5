// The port book on its own: lowest free port, wildcard and specific addresses, Envoy's own
// listeners, allocations that never move, exhaustion, and when an allocation is dropped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatedPort, allocatePorts, createPortBook, pendingRequests, updateServicePorts, type ExposePort, type ListenAddress, type PortBook } from '../../src/ports/index.js';

const RANGE = { min: 1025, max: 1030 };

const use = (service: string, rid: string, port: number | undefined, address = '0.0.0.0'): ExposePort => ({ service, rid, address, port });
const ask = (service: string, rid: string, address = '0.0.0.0'): ExposePort => use(service, rid, 0, address);

/** A book holding these services' exposes, then the allocations asked by `asking`, in that order. */
function allocate(services: readonly (readonly ExposePort[])[], asking: readonly string[], envoy: readonly ListenAddress[] = [], range = RANGE): { book: PortBook; ports: Record<string, number>; unavailable: string[] } {
  const book = createPortBook();
  for (const ports of services) updateServicePorts(book, ports[0]?.service ?? '', ports);
  const result = allocatePorts(book, pendingRequests(book, asking), envoy, range);
  return {
    book,
    ports: Object.fromEntries(result.allocations.map((a) => [`${a.service} ${a.rid}`, a.port])),
    unavailable: result.unavailable.map((r) => `${r.service} ${r.rid}`),
  };
}

describe('allocatePorts', () => {
  it('gives the lowest free ports in the order asked, skipping ports in use', () => {
    const { book, ports, unavailable } = allocate([[use('x', 'expose#0', 1026)], [ask('a', 'expose#0'), ask('a', 'expose#1')], [ask('b', 'expose#0')]], ['a', 'b']);
    expect(ports).toEqual({ 'a expose#0': 1025, 'a expose#1': 1027, 'b expose#0': 1028 });
    expect(unavailable).toEqual([]);
    expect(allocatedPort(book, 'a', 'expose#1')).toBe(1027);
    expect(pendingRequests(book, ['a', 'b'])).toEqual([]);
  });

  it('a wildcard takes the port on every address; specific addresses collide only with themselves', () => {
    const uses = [[use('u', 'expose#0', 1025), use('u', 'expose#1', 1026, '10.0.0.1'), use('u', 'expose#2', 1027, '2001:DB8:0::1')]];
    const { ports } = allocate([...uses, [ask('a', 'e#0', '10.0.0.1')], [ask('b', 'e#0', '10.0.0.2')], [ask('c', 'e#0', '::')], [ask('d', 'e#0', '2001:db8::1')]], ['a', 'b', 'c', 'd']);
    expect(ports).toEqual({ 'a e#0': 1027, 'b e#0': 1026, 'c e#0': 1028, 'd e#0': 1026 });
  });

  it("avoids Envoy's own listeners, IPv6 written with brackets included", () => {
    const envoy = [{ address: '127.0.0.1', port: 1025 }, { address: '[::1]', port: 1026 }, { address: '::', port: 1027 }];
    expect(allocate([[ask('a', 'e#0', '::1')]], ['a'], envoy).ports).toEqual({ 'a e#0': 1025 });
    expect(allocate([[ask('a', 'e#0', '::1')]], ['a'], [{ address: '[::1]', port: 1025 }, { address: '::', port: 1026 }]).ports).toEqual({ 'a e#0': 1027 });
    expect(allocate([[ask('a', 'e#0')]], ['a'], [{ address: '127.0.0.1', port: 1025 }, { address: '::1', port: 1026 }]).ports).toEqual({ 'a e#0': 1027 });
  });

  it('keeps an allocation when a lower port frees, and never hands it to another', () => {
    const { book } = allocate([[use('x', 'e#0', 1025)], [ask('b', 'e#0')]], ['b']);
    expect(allocatedPort(book, 'b', 'e#0')).toBe(1026);
    updateServicePorts(book, 'x', undefined);
    updateServicePorts(book, 'b', [ask('b', 'e#0')]);
    expect(pendingRequests(book, ['b'])).toEqual([]);
    updateServicePorts(book, 'a', [ask('a', 'e#0')]);
    updateServicePorts(book, 'c', [ask('c', 'e#0')]);
    const next = allocatePorts(book, pendingRequests(book, ['a', 'c']), [], RANGE);
    expect(next.allocations.map((a) => [a.service, a.port])).toEqual([['a', 1025], ['c', 1027]]);
    expect(allocatedPort(book, 'b', 'e#0')).toBe(1026);
  });

  it('returns the requests it cannot serve when the range is exhausted, and serves the others', () => {
    const { ports, unavailable, book } = allocate([[use('x', 'e#0', 2000)], [ask('a', 'e#0')], [ask('b', 'e#0')]], ['a', 'b'], [], { min: 2000, max: 2001 });
    expect(ports).toEqual({ 'a e#0': 2001 });
    expect(unavailable).toEqual(['b e#0']);
    expect(allocatedPort(book, 'b', 'e#0')).toBeUndefined();
    // still pending: asked again when it changes
    expect(pendingRequests(book, ['b'])).toEqual([ask('b', 'e#0')]);
  });

  it('gives the same allocations whatever order the services were recorded in (property)', () => {
    const services = ['a', 'b', 'c', 'd'].map((s) => [ask(`${s}/svc/x`, 'expose#0'), ask(`${s}/svc/x`, 'expose#1', '10.0.0.1'), use(`${s}/svc/x`, 'expose#2', 1030 + s.charCodeAt(0) - 97, s === 'c' ? '10.0.0.1' : '10.0.0.2')]);
    const envoy = [{ address: '0.0.0.0', port: 1025 }, { address: '10.0.0.1', port: 1027 }, { address: '[::1]', port: 1028 }];
    const asking = services.map((s) => s[0]?.service ?? '');
    const range = { min: 1025, max: 1040 };
    const reference = allocate(services, asking, envoy, range).ports;
    expect(new Set(Object.values(reference)).size).toBe(Object.keys(reference).length);
    fc.assert(
      fc.property(fc.shuffledSubarray(services, { minLength: 4, maxLength: 4 }), fc.shuffledSubarray(envoy, { minLength: 3, maxLength: 3 }), (s, e) => {
        expect(allocate(s, asking, e, range).ports).toEqual(reference);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the book keeps an allocation while its expose asks for one on the same address', () => {
  function allocated(): PortBook {
    const { book } = allocate([[ask('a', 'e#0'), ask('a', 'e#1', '::')]], ['a']);
    expect([allocatedPort(book, 'a', 'e#0'), allocatedPort(book, 'a', 'e#1')]).toEqual([1025, 1026]);
    return book;
  }
  const next = (book: PortBook, service: string): number | undefined => allocatePorts(book, pendingRequests(book, [service]), [], RANGE).allocations[0]?.port;

  it('kept when the address is only spelled differently', () => {
    const book = allocated();
    updateServicePorts(book, 'a', [ask('a', 'e#0'), ask('a', 'e#1', '[0:0::0]')]);
    expect(pendingRequests(book, ['a'])).toEqual([]);
    expect(allocatedPort(book, 'a', 'e#1')).toBe(1026);
  });

  it('dropped when the source reports the port as configured: the port stays taken, as a use', () => {
    const book = allocated();
    updateServicePorts(book, 'a', [use('a', 'e#0', 1025), ask('a', 'e#1', '::')]);
    expect(allocatedPort(book, 'a', 'e#0')).toBeUndefined();
    expect(book.allocations.size).toBe(1);
    updateServicePorts(book, 'z', [ask('z', 'e#0')]);
    expect(next(book, 'z')).toBe(1027);
    // the use goes with the service: the port is free again
    updateServicePorts(book, 'a', undefined);
    updateServicePorts(book, 'y', [ask('y', 'e#0')]);
    expect(next(book, 'y')).toBe(1025);
  });

  it('dropped when the address changes: asked again on the new address', () => {
    const book = allocated();
    updateServicePorts(book, 'a', [ask('a', 'e#0', '10.0.0.9'), ask('a', 'e#1', '::')]);
    expect(allocatedPort(book, 'a', 'e#0')).toBeUndefined();
    expect(pendingRequests(book, ['a'])).toEqual([ask('a', 'e#0', '10.0.0.9')]);
    expect(next(book, 'a')).toBe(1025);
  });

  it('dropped when the expose asks for another port, or goes, or the service goes', () => {
    const book = allocated();
    updateServicePorts(book, 'a', [use('a', 'e#0', 3000)]);
    expect(book.allocations.size).toBe(0);
    updateServicePorts(book, 'b', [ask('b', 'e#0'), ask('b', 'e#1')]);
    expect(allocatePorts(book, pendingRequests(book, ['b']), [], RANGE).allocations.map((x) => x.port)).toEqual([1025, 1026]);
    updateServicePorts(book, 'b', [ask('b', 'e#0')]);
    expect(allocatedPort(book, 'b', 'e#1')).toBeUndefined();
    expect(allocatedPort(book, 'b', 'e#0')).toBe(1025);
    updateServicePorts(book, 'b', undefined);
    expect(book.allocations.size).toBe(0);
    expect(book.byService.has('b')).toBe(false);
    updateServicePorts(book, 'c', [ask('c', 'e#0')]);
    expect(next(book, 'c')).toBe(1025);
  });
});
