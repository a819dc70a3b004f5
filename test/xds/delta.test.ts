// Delta (incremental) protocol rules, over real gRPC streams on TCP and on a unix socket, on the
// aggregated (ADS) and on the per-type services.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { serviceFor, startHarness, STREAM_MODES, type Harness } from './support/harness.js';
import { cla, cluster, removal, routeConfig, names, ep } from './support/resources.js';


let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe.each(STREAM_MODES)(
  'Delta over $transport, $mode',
  ({ transport, mode }) => {
    const connect = (typeUrl: TypeUrl, nodeId = 'envoy-1') =>
      h.connect({ nodeId, variant: 'delta', transport, service: serviceFor(mode, typeUrl) });

    test('wildcard: everything first, then only what changed, deletions in removed_resources', async () => {
      h.put(cluster('a'), cluster('b'));
      const c = await connect(TYPE.cluster);
      c.subscribe(TYPE.cluster, []);
      const first = await c.nextDelta(TYPE.cluster);
      expect(names(first)).toEqual(['a', 'b']);
      expect(first.resources[0]?.version).toBe(h.cache.get(TYPE.cluster, 'a')?.version);
      c.ack(first);
      h.put(cluster('a'), cluster('b', 9), cluster('c'));
      const second = await c.nextDelta(TYPE.cluster);
      expect(names(second)).toEqual(['b', 'c']);
      expect(second.removed).toEqual([]);
      c.ack(second);
      h.apply({ removals: [removal(TYPE.cluster, 'a')] });
      const third = await c.nextDelta(TYPE.cluster);
      expect(third.resources).toEqual([]);
      expect(third.removed).toEqual(['a']);
    });

    test('named: a missing name is answered in removed_resources and sent when it appears', async () => {
      h.put(cla('a', ep('10.0.0.1')));
      const c = await connect(TYPE.endpoint);
      c.subscribe(TYPE.endpoint, ['a', 'm']);
      const got = await c.nextDelta(TYPE.endpoint);
      expect(names(got)).toEqual(['a']);
      const missing = await c.nextDelta(TYPE.endpoint);
      expect(missing.removed).toEqual(['m']);
      h.put(cla('z', ep('10.0.0.3'))); // not asked
      h.put(cla('m', ep('10.0.0.2')));
      expect(names(await c.nextDelta(TYPE.endpoint))).toEqual(['m']);
    });

    test('a newly subscribed name is sent even if the client already has it', async () => {
      h.put(routeConfig('r1', 'a'));
      const c = await connect(TYPE.route);
      c.subscribe(TYPE.route, ['r1']);
      const first = await c.nextDelta(TYPE.route);
      c.ack(first);
      c.subscribe(TYPE.route, ['r1']);
      const again = await c.nextDelta(TYPE.route);
      expect(names(again)).toEqual(['r1']);
      expect(again.resources[0]?.version).toBe(first.resources[0]?.version);
    });

    test('unsubscribe stops updates; subscription changes apply whatever the nonce', async () => {
      h.put(cla('a', ep('10.0.0.1')), cla('b', ep('10.0.0.2')));
      const c = await connect(TYPE.endpoint);
      c.subscribe(TYPE.endpoint, ['a']);
      const first = await c.nextDelta(TYPE.endpoint);
      h.put(cla('a', ep('10.0.0.5')));
      await c.nextDelta(TYPE.endpoint);
      // answers the older response (stale nonce) and changes the subscription: applied anyway
      c.subscribe(TYPE.endpoint, ['b'], { nonce: first.nonce });
      expect(names(await c.nextDelta(TYPE.endpoint))).toEqual(['b']);
      c.unsubscribe(TYPE.endpoint, ['a'], { nonce: 'not-a-nonce-we-sent' });
      await h.subscribed('envoy-1', TYPE.endpoint, ['b']);
      h.put(cla('a', ep('10.0.0.6')), cla('b', ep('10.0.0.7')));
      const third = await c.nextDelta(TYPE.endpoint);
      expect(names(third)).toEqual(['b']);
    });

    test('initial_resource_versions: a reconnecting client is sent only what it lacks', async () => {
      h.put(cluster('a'), cluster('b'), cluster('c'));
      const c = await connect(TYPE.cluster);
      c.subscribe(TYPE.cluster, []);
      const first = await c.nextDelta(TYPE.cluster);
      c.close();
      const held = Object.fromEntries(first.resources.map((r) => [r.name, r.version ?? '']));
      h.put(cluster('b', 3));
      h.apply({ removals: [removal(TYPE.cluster, 'c')] });
      const again = await connect(TYPE.cluster);
      again.subscribe(TYPE.cluster, [], { initialVersions: held });
      const resp = await again.nextDelta(TYPE.cluster);
      expect(names(resp)).toEqual(['b']);
      const gone = await again.nextDelta(TYPE.cluster);
      expect(gone.removed).toEqual(['c']);
      await again.expectQuiet(150);
    });

    test('NACK: recorded, the rejected resource is not resent, the next version is', async () => {
      h.put(cla('a', ep('10.0.0.1')), cla('b', ep('10.0.0.2')));
      const c = await connect(TYPE.endpoint, 'nacker');
      c.subscribe(TYPE.endpoint, ['a', 'b']);
      const first = await c.nextDelta(TYPE.endpoint);
      c.nack(first, 'a: rejected');
      const info = () => h.server.registry.list().find((x) => x.nodeId === 'nacker');
      await h.until(() => info()?.types[TYPE.endpoint]?.lastNack != null);
      expect(info()).toMatchObject({ nodeCluster: 'test-cluster', variant: 'delta', transport });
      expect(info()?.types[TYPE.endpoint]?.lastNack).toMatchObject({ version: first.systemVersionInfo, error: 'a: rejected' });
      if (mode === 'ads') {
        // the rest keeps being served on the same stream (and nothing was resent before it)
        c.subscribe(TYPE.cluster, ['x']);
        h.put(cluster('x'));
        const cds = await c.nextResponse();
        expect([cds.typeUrl, names(cds)]).toEqual([TYPE.cluster, ['x']]);
      }
      h.put(cla('b', ep('10.0.0.3')));
      const next = await c.nextDelta(); // any type: a resend of 'a' would show here
      expect([next.typeUrl, names(next)]).toEqual([TYPE.endpoint, ['b']]);
      c.ack(next);
      await h.until(() => info()?.types[TYPE.endpoint]?.ackedVersion === next.systemVersionInfo);
    });

    test('wildcard: unsubscribing "*" keeps only the named; an explicit name under a wildcard is resent on unsubscribe', async () => {
      h.put(cluster('a'), cluster('b'));
      const c = await connect(TYPE.cluster);
      c.subscribe(TYPE.cluster, ['*', 'a']);
      expect(names(await c.nextDelta(TYPE.cluster))).toEqual(['a', 'b']);
      c.unsubscribe(TYPE.cluster, ['a']);
      expect(names(await c.nextDelta(TYPE.cluster))).toEqual(['a']); // still covered by "*"
      c.subscribe(TYPE.cluster, ['a']);
      expect(names(await c.nextDelta(TYPE.cluster))).toEqual(['a']);
      c.unsubscribe(TYPE.cluster, ['*']);
      await h.subscribed('envoy-1', TYPE.cluster, ['a']);
      h.put(cluster('b', 4), cluster('c'));
      h.put(cluster('a', 4));
      expect(names(await c.nextDelta(TYPE.cluster))).toEqual(['a']);
    });
  },
);
