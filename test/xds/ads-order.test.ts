// Ordering on one ADS stream: clusters, endpoints, secrets, listeners, routes for additions;
// removals in the reverse order; a changed Cluster is followed by its ClusterLoadAssignment.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { startHarness, TRANSPORTS, type Harness } from './support/harness.js';
import { cla, cluster, listener, removal, routeConfig, secret, ep } from './support/resources.js';
import type { XdsResponse, XdsTestClient } from './support/client.js';

const SHORT: Record<TypeUrl, string> = {
  [TYPE.listener]: 'LDS', [TYPE.route]: 'RDS', [TYPE.cluster]: 'CDS', [TYPE.endpoint]: 'EDS', [TYPE.secret]: 'SDS',
};
const names = (r: XdsResponse) => r.resources.map((x) => x.name).join(',');
/** `CDS[a,b]` for upserts / SotW sets, `CDS-[a]` for Delta removals. */
const show = (r: XdsResponse) =>
  r.kind === 'delta' && r.removed.length > 0 ? `${SHORT[r.typeUrl]}-[${r.removed.join(',')}]` : `${SHORT[r.typeUrl]}[${names(r)}]`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

async function take(c: XdsTestClient, n: number): Promise<XdsResponse[]> {
  const out: XdsResponse[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.nextResponse();
    out.push(r);
    c.ack(r);
  }
  return out;
}

describe.each(TRANSPORTS.flatMap((transport) => (['sotw', 'delta'] as const).map((variant) => ({ transport, variant }))))(
  'ADS $variant over $transport',
  ({ transport, variant }) => {
    const subscribeAll = async (c: XdsTestClient, eds: string[], sds: string[], rds: string[]) => {
      const ask = (t: TypeUrl, n: string[]) => (variant === 'sotw' ? c.request(t, n) : c.subscribe(t, n));
      ask(TYPE.cluster, []);
      ask(TYPE.endpoint, eds);
      ask(TYPE.secret, sds);
      ask(TYPE.listener, []);
      ask(TYPE.route, rds);
      await h.subscribed('envoy', TYPE.route, rds);
    };

    test('additions go out clusters, endpoints, secrets, listeners, routes', async () => {
      const c = await h.connect({ nodeId: 'envoy', variant, transport });
      await subscribeAll(c, ['c1'], ['s1'], ['r1']);
      // SotW answers an empty wildcard CDS/LDS at once; Delta answers missing names as removed
      await take(c, variant === 'sotw' ? 2 : 3);
      h.put(routeConfig('r1', 'c1'), listener('l1'), secret('s1', 'v'), cla('c1', ep('10.0.0.1')), cluster('c1'));
      const order = (await take(c, 5)).map(show);
      expect(order).toEqual(['CDS[c1]', 'EDS[c1]', 'SDS[s1]', 'LDS[l1]', 'RDS[r1]']);
    });

    test('removals of listeners and routes go out before the clusters they used', async () => {
      h.put(cluster('old'), cla('old', ep('10.0.0.1')), listener('l1'), listener('l2'), routeConfig('r1', 'old'));
      const c = await h.connect({ nodeId: 'envoy', variant, transport });
      await subscribeAll(c, ['old', 'new'], [], ['r1']);
      await take(c, variant === 'sotw' ? 4 : 5);
      h.apply({
        upserts: [cluster('new'), cla('new', ep('10.0.0.2')), routeConfig('r1', 'new')],
        removals: [removal(TYPE.listener, 'l2'), removal(TYPE.cluster, 'old'), removal(TYPE.endpoint, 'old')],
      });
      const expected = variant === 'sotw'
        ? ['CDS[new,old]', 'EDS[new]', 'RDS[r1]', 'LDS[l1]', 'CDS[new]']
        : ['CDS[new]', 'EDS[new]', 'RDS[r1]', 'LDS-[l2]', 'EDS-[old]', 'CDS-[old]'];
      expect((await take(c, expected.length)).map(show)).toEqual(expected);
      await c.expectQuiet(100);
    });

    test('a changed Cluster is followed by its ClusterLoadAssignment, even unchanged', async () => {
      h.put(cluster('c1'), cluster('c2'), cla('c1', ep('10.0.0.1')), cla('c2', ep('10.0.0.2')));
      const c = await h.connect({ nodeId: 'envoy', variant, transport });
      const eds = await h.connect({ nodeId: 'envoy-eds', variant, transport, service: 'eds' });
      if (variant === 'sotw') {
        c.request(TYPE.cluster, []);
        c.request(TYPE.endpoint, ['c1', 'c2']);
        eds.request(TYPE.endpoint, ['c1']);
      } else {
        c.subscribe(TYPE.cluster, []);
        c.subscribe(TYPE.endpoint, ['c1', 'c2']);
        eds.subscribe(TYPE.endpoint, ['c1']);
      }
      await take(c, 2);
      const firstCla = (await take(eds, 1))[0];
      h.put(cluster('c1', 3));
      const order = (await take(c, 2)).map(show);
      expect(order).toEqual([variant === 'sotw' ? 'CDS[c1,c2]' : 'CDS[c1]', 'EDS[c1]']);
      const again = (await take(eds, 1))[0];
      expect(again && show(again)).toBe('EDS[c1]');
      expect(again?.resources[0]?.message).toEqual(firstCla?.resources[0]?.message);
    });
  },
);
