// State-of-the-world protocol rules, over real gRPC streams on TCP and on a unix socket, on the
// aggregated (ADS) and on the per-type services.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { serviceFor, startHarness, STREAM_MODES, type Harness } from './support/harness.js';
import { cla, cluster, listener, removal, routeConfig, secret, names } from './support/resources.js';


let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe.each(STREAM_MODES)(
  'SotW over $transport, $mode',
  ({ transport, mode }) => {
    const connect = (typeUrl: TypeUrl, nodeId = 'envoy-1') =>
      h.connect({ nodeId, variant: 'sotw', transport, service: serviceFor(mode, typeUrl) });

    test('CDS and LDS wildcard responses carry the full set on every change', async () => {
      h.put(cluster('a'), cluster('b'), listener('l1'));
      const c = await connect(TYPE.cluster);
      c.request(TYPE.cluster);
      const first = await c.nextSotw(TYPE.cluster);
      expect(names(first)).toEqual(['a', 'b']);
      c.ack(first);
      h.put(cluster('b', 5));
      const second = await c.nextSotw(TYPE.cluster);
      expect(names(second)).toEqual(['a', 'b']);
      expect(second.resources[1]?.message.connect_timeout).toEqual({ seconds: '5' });
      expect(second.versionInfo).not.toBe(first.versionInfo);
      c.ack(second);
      h.apply({ removals: [removal(TYPE.cluster, 'a')] });
      const third = await c.nextSotw(TYPE.cluster);
      expect(names(third)).toEqual(['b']);
      const l = await connect(TYPE.listener);
      l.request(TYPE.listener);
      expect(names(await l.nextSotw(TYPE.listener))).toEqual(['l1']);
    });

    test('an ACK gets no response; the same state has the same version on every stream', async () => {
      h.put(cluster('a'));
      const c1 = await connect(TYPE.cluster, 'e1');
      const c2 = await connect(TYPE.cluster, 'e2');
      c1.request(TYPE.cluster);
      c2.request(TYPE.cluster);
      const [r1, r2] = await Promise.all([c1.nextSotw(TYPE.cluster), c2.nextSotw(TYPE.cluster)]);
      expect(r1.versionInfo).toBe(r2.versionInfo);
      expect(r1.versionInfo).toBe(h.cache.systemVersion(TYPE.cluster));
      c1.ack(r1);
      await c1.expectQuiet(300);
    });

    test('RDS, EDS and SDS send only the names asked; a name asked before it exists comes when it appears', async () => {
      h.put(routeConfig('r1', 'a'), routeConfig('r2', 'a'), cla('a', [{ host: '10.0.0.1', port: 80 }]), secret('s1', 'x'));
      for (const [typeUrl, asked, missing] of [[TYPE.route, 'r1', 'r3'], [TYPE.endpoint, 'a', 'b'], [TYPE.secret, 's1', 's2']] as const) {
        const c = await connect(typeUrl);
        c.request(typeUrl, [asked, missing]);
        const first = await c.nextSotw(typeUrl);
        expect(names(first)).toEqual([asked]);
        c.ack(first);
        if (typeUrl === TYPE.route) {
          h.put(routeConfig('r2', 'b')); // not asked: nothing
          await c.expectQuiet(200, typeUrl);
          h.put(routeConfig('r3', 'a'));
        }
        if (typeUrl === TYPE.endpoint) h.put(cla('b', [{ host: '10.0.0.2', port: 80 }]));
        if (typeUrl === TYPE.secret) h.put(secret('s2', 'y'));
        const second = await c.nextSotw(typeUrl);
        expect(names(second)).toEqual([missing]);
        c.ack(second);
      }
    });

    test('NACK: recorded with its error, the rejected version is not resent, the next version is', async () => {
      h.put(cla('a', [{ host: '10.0.0.1', port: 80 }]), cla('b', [{ host: '10.0.0.2', port: 80 }]));
      const c = await connect(TYPE.endpoint, 'nacker');
      c.request(TYPE.endpoint, ['a', 'b']);
      c.ack(await c.nextSotw(TYPE.endpoint));
      h.put(cla('a', [{ host: '10.0.0.9', port: 80 }]));
      const bad = await c.nextSotw(TYPE.endpoint);
      c.nack(bad, 'endpoints[0]: bad address');
      const eds = () => h.server.registry.list().find((x) => x.nodeId === 'nacker')?.types[TYPE.endpoint];
      await h.until(() => eds()?.lastNack != null);
      expect(eds()?.lastNack).toMatchObject({ version: bad.versionInfo, error: 'endpoints[0]: bad address' });
      expect(eds()?.ackedVersion).not.toBe(bad.versionInfo);
      // barrier: the next response on the stream is the next change, not a resend of 'a'
      h.put(cla('b', [{ host: '10.0.0.3', port: 80 }]));
      const barrier = await c.nextResponse();
      expect([barrier.typeUrl, names(barrier)]).toEqual([TYPE.endpoint, ['b']]);
      c.ack(barrier);
      if (mode === 'ads') {
        // the rest keeps being served on the same stream
        c.request(TYPE.cluster);
        h.put(cluster('x'));
        const cds = await c.nextResponse();
        expect([cds.typeUrl, names(cds)]).toEqual([TYPE.cluster, ['x']]);
      }
      h.put(cla('a', [{ host: '10.0.0.2', port: 80 }]));
      const next = await c.nextSotw(TYPE.endpoint);
      expect(names(next)).toEqual(['a']);
      c.ack(next);
      await h.until(() => eds()?.ackedVersion === next.versionInfo);
    });

    test('a request with a stale nonce is ignored; the next current one is served', async () => {
      h.put(routeConfig('r1', 'a'), routeConfig('r2', 'a'));
      const c = await connect(TYPE.route);
      c.request(TYPE.route, ['r1']);
      const first = await c.nextSotw(TYPE.route);
      h.put(routeConfig('r1', 'b'));
      const second = await c.nextSotw(TYPE.route);
      c.request(TYPE.route, ['r1', 'r2'], { nonce: first.nonce, versionInfo: first.versionInfo });
      await c.expectQuiet(300);
      c.request(TYPE.route, ['r1', 'r2'], { nonce: second.nonce, versionInfo: second.versionInfo });
      expect(names(await c.nextSotw(TYPE.route))).toEqual(['r2']);
    });

    test('wildcard rules: empty list, then names, then an empty list means nothing; "*" is wildcard', async () => {
      h.put(cluster('a'), cluster('b'));
      const c = await connect(TYPE.cluster);
      c.request(TYPE.cluster, []);
      const all = await c.nextSotw(TYPE.cluster);
      expect(names(all)).toEqual(['a', 'b']);
      c.request(TYPE.cluster, ['a'], { nonce: all.nonce, versionInfo: all.versionInfo });
      await h.subscribed('envoy-1', TYPE.cluster, ['a']);
      await c.expectQuiet(200); // it holds a already
      h.put(cluster('c'));
      await c.expectQuiet(200); // c is not asked for
      h.put(cluster('a', 7));
      const onlyA = await c.nextSotw(TYPE.cluster);
      expect(names(onlyA)).toEqual(['a']);
      c.request(TYPE.cluster, [], { nonce: onlyA.nonce, versionInfo: onlyA.versionInfo });
      await h.subscribed('envoy-1', TYPE.cluster, []);
      h.put(cluster('a', 8), cluster('d'));
      await c.expectQuiet(300); // empty after names: subscribed to nothing
      c.request(TYPE.cluster, ['*'], { nonce: onlyA.nonce, versionInfo: onlyA.versionInfo });
      expect(names(await c.nextSotw(TYPE.cluster))).toEqual(['a', 'b', 'c', 'd']);
    });

    test('unsubscribing stops updates; subscribing again sends the resource again', async () => {
      h.put(cla('a', [{ host: '10.0.0.1', port: 80 }]), cla('b', [{ host: '10.0.0.2', port: 80 }]));
      const c = await connect(TYPE.endpoint);
      c.request(TYPE.endpoint, ['a', 'b']);
      const r = await c.nextSotw(TYPE.endpoint);
      c.request(TYPE.endpoint, ['b'], { nonce: r.nonce, versionInfo: r.versionInfo });
      await h.subscribed('envoy-1', TYPE.endpoint, ['b']);
      h.put(cla('a', [{ host: '10.0.0.3', port: 80 }]));
      await c.expectQuiet(300);
      c.request(TYPE.endpoint, ['a', 'b'], { nonce: r.nonce, versionInfo: r.versionInfo });
      const again = await c.nextSotw(TYPE.endpoint);
      expect(names(again)).toEqual(['a']);
    });

    test('a reconnecting client that holds the current version gets no resend; a stale one gets the set', async () => {
      h.put(cluster('a'), cluster('b'));
      const c = await connect(TYPE.cluster);
      c.request(TYPE.cluster);
      const r = await c.nextSotw(TYPE.cluster);
      c.close();
      const again = await connect(TYPE.cluster);
      again.request(TYPE.cluster, [], { versionInfo: r.versionInfo });
      await again.expectQuiet(300);
      const stale = await connect(TYPE.cluster);
      stale.request(TYPE.cluster, [], { versionInfo: 'something-else' });
      expect(names(await stale.nextSotw(TYPE.cluster))).toEqual(['a', 'b']);
    });

    if (mode === 'per-type') {
      test('a per-type stream accepts requests without type_url and refuses another type', async () => {
        h.put(cluster('a'));
        const c = await connect(TYPE.cluster);
        c.request(TYPE.cluster, [], { omitTypeUrl: true });
        expect(names(await c.nextSotw(TYPE.cluster))).toEqual(['a']);
        const wrong = await connect(TYPE.cluster);
        wrong.request(TYPE.listener);
        expect((await wrong.ended).code).toBe(3);
      });
    } else {
      test('an ADS request without type_url ends the stream with INVALID_ARGUMENT', async () => {
        const c = await connect(TYPE.cluster);
        c.request(TYPE.cluster, [], { omitTypeUrl: true });
        const status = await c.ended;
        expect(status.code).toBe(3);
        expect(status.details).toMatch(/type URL is required/);
      });
    }
  },
);
