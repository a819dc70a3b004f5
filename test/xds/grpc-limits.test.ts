// gRPC limits a real deployment hits: a RouteConfiguration for ~50k services is ~17 MB (above
// grpc's 4 MB default), and an Envoy with many clusters names them all in one EDS request.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { messageType } from '../../src/proto/root.js';
import { TYPE, type EncodedResource } from '../../src/xds/types.js';
import { startHarness, type Harness } from './support/harness.js';
import { cla } from './support/resources.js';

/** A RouteConfiguration of `mb` megabytes: one virtual host per 1000 long domains. */
function bigRoutes(name: string, mb: number): EncodedResource {
  const domain = (i: number) => `${String(i).padStart(8, '0')}.${'x'.repeat(230)}.example.org`;
  const perHost = 1000;
  const hosts = Math.ceil((mb * 1024 * 1024) / (perHost * 256));
  const t = messageType('envoy.config.route.v3.RouteConfiguration');
  const obj = {
    name,
    virtual_hosts: Array.from({ length: hosts }, (_, h) => ({
      name: `vh${h}`,
      domains: Array.from({ length: perHost }, (_, i) => domain(h * perHost + i)),
      routes: [{ match: { prefix: '/' }, route: { cluster: `c${h}` } }],
    })),
  };
  return { typeUrl: TYPE.route, name, bytes: t.encode(t.fromObject(obj)).finish() };
}

let h: Harness;
let big: EncodedResource;
beforeAll(async () => {
  h = await startHarness();
  big = bigRoutes('0.0.0.0:443/tcp', 17);
  h.put(big);
});
afterAll(async () => h.close());

describe('message sizes', () => {
  test.each(['sotw', 'delta'] as const)('a 17 MB RouteConfiguration reaches a %s client', async (variant) => {
    expect(big.bytes.length).toBeGreaterThan(17_000_000);
    const c = await h.connect({ nodeId: `big-${variant}`, variant });
    if (variant === 'sotw') c.request(TYPE.route, [big.name]);
    else c.subscribe(TYPE.route, [big.name]);
    const r = await c.nextResponse(TYPE.route, { timeoutMs: 20_000 });
    expect(r.bytes).toBeGreaterThan(big.bytes.length);
    expect(r.resources.map((x) => x.name)).toEqual([big.name]);
    expect((r.resources[0]?.message.virtual_hosts as unknown[]).length).toBe(70);
    c.close();
  }, 30_000);

  test('an EDS request naming 100 000 clusters (~4 MB) is accepted', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `ns${i % 100}/svc/service-number-${i}.expose#1`);
    h.put(cla(names[99_999] ?? '', [{ host: '10.0.0.1', port: 80 }]));
    const c = await h.connect({ nodeId: 'many', variant: 'sotw' });
    c.request(TYPE.endpoint, names);
    const r = await c.nextSotw(TYPE.endpoint, { timeoutMs: 10_000 });
    expect(r.resources.map((x) => x.name)).toEqual([names[99_999]]);
    c.close();
  }, 20_000);
});
