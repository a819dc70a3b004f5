// Listener port allocation: lowest free port, wildcard-aware, deterministic, stable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatePorts, portKey, portRequests, usedListenerPorts, type PortAllocationInput } from '../../src/model/ports.js';
import { clusterState, instance } from './support/state.js';

const range = { min: 1025, max: 1030 };

function allocate(over: Partial<PortAllocationInput>): ReturnType<typeof allocatePorts> {
  return allocatePorts({ requests: [], used: [], envoyPorts: [], range, previous: new Map(), ...over });
}

const req = (service: string, rid: string, address = '0.0.0.0') => ({ service, rid, address });

describe('allocatePorts', () => {
  it('gives the lowest free ports in (service, rid) order', () => {
    const { ports, problems } = allocate({ requests: [req('b/svc/x', 'expose#0'), req('a/svc/x', 'expose#1'), req('a/svc/x', 'expose#0')], used: [{ address: '0.0.0.0', port: 1026 }] });
    expect([...ports]).toEqual([['a/svc/x|expose#0', 1025], ['a/svc/x|expose#1', 1027], ['b/svc/x|expose#0', 1028]]);
    expect(problems).toEqual([]);
  });

  it('a wildcard listener takes the port on every address; specific addresses only collide with themselves', () => {
    const { ports } = allocate({
      requests: [req('a', 'e#0', '10.0.0.1'), req('b', 'e#0', '10.0.0.2'), req('c', 'e#0', '::'), req('d', 'e#0', '2001:db8::1')],
      used: [{ address: '0.0.0.0', port: 1025 }, { address: '10.0.0.1', port: 1026 }, { address: '2001:DB8:0::1', port: 1027 }],
    });
    expect(Object.fromEntries(ports)).toEqual({ 'a|e#0': 1027, 'b|e#0': 1026, 'c|e#0': 1028, 'd|e#0': 1026 });
  });

  it('avoids Envoy\'s own listeners (admin, static ones), IPv6 written with brackets included', () => {
    const { ports } = allocate({ requests: [req('a', 'e#0', '::1')], envoyPorts: [{ address: '127.0.0.1', port: 1025 }, { address: '[::1]', port: 1026 }, { address: '::', port: 1027 }] });
    expect(ports.get('a|e#0')).toBe(1025);
    const wild = allocate({ requests: [req('a', 'e#0')], envoyPorts: [{ address: '127.0.0.1', port: 1025 }, { address: '::1', port: 1026 }] });
    expect(wild.ports.get('a|e#0')).toBe(1027);
  });

  it('keeps a previous allocation even if a lower port became free, and never hands it to another', () => {
    const { ports } = allocate({ requests: [req('a', 'e#0'), req('b', 'e#0')], previous: new Map([[portKey('b', 'e#0'), 1025]]) });
    expect(Object.fromEntries(ports)).toEqual({ 'a|e#0': 1026, 'b|e#0': 1025 });
  });

  it('reports PortUnavailable when the range is exhausted, and serves the others', () => {
    const { ports, problems } = allocate({ requests: [req('a', 'e#0'), req('b', 'e#0')], range: { min: 2000, max: 2001 }, used: [{ address: '0.0.0.0', port: 2000 }] });
    expect(Object.fromEntries(ports)).toEqual({ 'a|e#0': 2001 });
    expect(problems).toEqual([expect.objectContaining({ service: 'b', section: 'e#0', keyword: 'listener_port', reason: 'PortUnavailable', value: 0 })]);
    expect(problems[0]?.message).toMatch(/2000-2001/);
  });

  it('gives the same result whatever the input order (property)', () => {
    const requests = ['a', 'b', 'c', 'd'].flatMap((s) => [req(`${s}/svc/x`, 'expose#0'), req(`${s}/svc/x`, 'expose#1', '10.0.0.1')]);
    const used = [{ address: '0.0.0.0', port: 1025 }, { address: '10.0.0.1', port: 1027 }, { address: '10.0.0.2', port: 1028 }];
    const reference = allocate({ requests, used, range: { min: 1025, max: 1040 } });
    fc.assert(
      fc.property(fc.shuffledSubarray(requests, { minLength: requests.length, maxLength: requests.length }), fc.shuffledSubarray(used, { minLength: 3, maxLength: 3 }), (r, u) => {
        expect(allocate({ requests: r, used: u, range: { min: 1025, max: 1040 } })).toEqual(reference);
      }),
      { numRuns: 100 },
    );
    const ports = [...reference.ports.values()];
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('portRequests and usedListenerPorts', () => {
  const state = clusterState({
    'test/svc/web1': [
      instance('n1', {
        'expose#0': ['expose.envoy', { port: 80, listener_port: 8080 }],
        'expose#1': ['expose.envoy', { port: 443 }],
        'expose#2': ['expose.envoy', { port: 22, listener_port: 0, listener_addr: '[::]' }],
        'expose#3': ['expose.envoy', { port: 23, listener_port: '0', gateway: 'othergw' }],
        'expose#4': ['expose.envoy', { port: 'bad' }],
      }),
    ],
    'test/svc/web2': [instance('n1', { 'expose#0': ['expose.envoy', { port: 53, listener_port: 0, listener_addr: '10.0.0.1', protocol: 'udp' }] })],
    'test/svc/0.web2': [instance('n1', { 'expose#0': ['expose.envoy', { port: 1, listener_port: 0 }] }, { scalerSlave: true })],
  });

  it('finds the exposes of this gateway asking for a port (not scaler slaves)', () => {
    expect(portRequests(state, 'envoy')).toEqual([req('test/svc/web1', 'expose#2', '::'), req('test/svc/web2', 'expose#0', '10.0.0.1')]);
    expect(portRequests(state, 'othergw')).toEqual([req('test/svc/web1', 'expose#2', '::'), req('test/svc/web1', 'expose#3'), req('test/svc/web2', 'expose#0', '10.0.0.1')]);
  });

  it('lists the ports in use: listener_port, or port when listener_port is absent', () => {
    expect(usedListenerPorts(state, 'envoy')).toEqual([{ address: '0.0.0.0', port: 8080 }, { address: '0.0.0.0', port: 443 }]);
  });
});
