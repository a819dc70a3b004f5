// Ports through the pipeline step the janitor runs: an exhausted range is reported on the service
// as PortUnavailable, and allocations do not depend on the order the cluster lists services in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPipelineState, step } from '../../src/pipeline/index.js';
import type { ListenAddress } from '../../src/ports/index.js';
import type { InstanceState } from '../../src/source/types.js';
import { clusterState, instance, type ResourceSpec } from '../model/support/state.js';

function service(sections: ResourceSpec): readonly InstanceState[] {
  const exposes = Object.keys(sections).filter((rid) => rid.startsWith('expose#'));
  return [instance('n1', { 'ip#0': ['ip', { ipaddr: '10.0.0.1', expose: exposes }, 'up'], ...sections })];
}

const tcp = (port: number, listener: number, addr?: string) => ['expose.envoy', { port, listener_port: listener, ...(addr !== undefined && { listener_addr: addr }) }] as const;

function run(services: readonly (readonly [string, ResourceSpec])[], range: { min: number; max: number }, envoyPorts: readonly ListenAddress[] = []) {
  const cluster = clusterState(Object.fromEntries(services.map(([p, s]) => [p, service(s)])));
  const changed = services.map(([p]) => p);
  return step(createPipelineState({ gateway: 'gw', portRange: range }), { cluster, changed, secrets: () => undefined, envoyPorts });
}

describe('ports in the step', () => {
  it('reports PortUnavailable on the service the exhausted range cannot serve, and serves the others', () => {
    const r = run(
      [
        ['ns/svc/x', { 'expose#0': tcp(22, 2000) }],
        ['ns/svc/a', { 'expose#0': tcp(22, 0) }],
        ['ns/svc/b', { 'expose#0': tcp(22, 0) }],
      ],
      { min: 2000, max: 2001 },
    );
    expect(r.allocations).toEqual([{ service: 'ns/svc/a', rid: 'expose#0', address: '0.0.0.0', port: 2001 }]);
    const b = r.statuses.get('ns/svc/b');
    expect(b?.problems).toEqual([expect.objectContaining({ service: 'ns/svc/b', section: 'expose#0', keyword: 'listener_port', reason: 'PortUnavailable', value: 0 })]);
    expect(b?.served).toBe(false);
    expect(r.statuses.get('ns/svc/a')?.listeners).toEqual(['0.0.0.0:2001/tcp']);
  });

  it('a service left without a port gets one as soon as another service frees one, without changing itself', () => {
    const services: [string, ResourceSpec][] = [
      ['ns/svc/x', { 'expose#0': tcp(22, 2000) }],
      ['ns/svc/a', { 'expose#0': tcp(22, 0) }],
      ['ns/svc/b', { 'expose#0': tcp(22, 0) }],
    ];
    const first = run(services, { min: 2000, max: 2001 });
    expect(first.statuses.get('ns/svc/b')?.served).toBe(false);
    // x goes (its port 2000 frees): only x is said to have changed
    const cluster = clusterState(Object.fromEntries(services.filter(([p]) => p !== 'ns/svc/x').map(([p, s]) => [p, service(s)])));
    const second = step(first.state, { cluster, changed: ['ns/svc/x'], secrets: () => undefined, envoyPorts: [] });
    expect(second.allocations).toEqual([{ service: 'ns/svc/b', rid: 'expose#0', address: '0.0.0.0', port: 2000 }]);
    expect(second.statuses.get('ns/svc/b')).toMatchObject({ valid: true, served: true, listeners: ['0.0.0.0:2000/tcp'] });
    expect(second.changeSet.upserts.map((u) => u.name)).toContain('0.0.0.0:2000/tcp');
  });

  it('allocates the same ports whatever order the cluster and the changes come in (property)', () => {
    const services: (readonly [string, ResourceSpec])[] = ['a', 'b', 'c', 'd', 'e'].map((n, i) => [
      `ns/svc/${n}`,
      { 'expose#0': tcp(22, 0), 'expose#1': tcp(23, 0, '10.0.0.1'), 'expose#2': tcp(24, 1030 + i, i % 2 === 0 ? '10.0.0.1' : '[::]') },
    ]);
    const envoy = [{ address: '0.0.0.0', port: 1026 }, { address: '10.0.0.1', port: 1027 }, { address: '[::1]', port: 1025 }];
    const range = { min: 1025, max: 1060 };
    const reference = run(services, range, envoy).allocations;
    expect(reference).toHaveLength(10);
    expect(new Set(reference.filter((a) => a.address === '0.0.0.0').map((a) => a.port)).size).toBe(5);
    fc.assert(
      fc.property(fc.shuffledSubarray(services, { minLength: 5, maxLength: 5 }), fc.shuffledSubarray(envoy, { minLength: 3, maxLength: 3 }), (s, e) => {
        expect(run(s, range, e).allocations).toEqual(reference);
      }),
      { numRuns: 50 },
    );
  });
});
