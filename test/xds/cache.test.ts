// The resource cache and the response framing, without sockets.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { messageType } from '../../src/proto/root.js';
import { createResourceCache, type CacheEvent } from '../../src/xds/cache.js';
import { TYPE, type EncodedResource } from '../../src/xds/types.js';
import { deltaResponse, sotwBodyOf, withNonce } from '../../src/xds/wire.js';
import { cluster, listener } from './support/resources.js';

const raw = (name: string, bytes: number[]): EncodedResource => ({ typeUrl: TYPE.cluster, name, bytes: Uint8Array.from(bytes) });

describe('resource cache', () => {
  test('a version is a content hash; unchanged bytes are a no-op without notification', () => {
    const cache = createResourceCache();
    const events: CacheEvent[] = [];
    cache.subscribe((e) => events.push(e));
    cache.apply({ upserts: [cluster('a'), cluster('b')], removals: [] });
    const v = cache.get(TYPE.cluster, 'a')?.version;
    expect(v).toMatch(/^[0-9a-f]{16}$/);
    cache.apply({ upserts: [cluster('a')], removals: [] });
    expect(events).toHaveLength(1);
    expect(events[0]?.changes).toEqual([{ typeUrl: TYPE.cluster, upserted: ['a', 'b'], removed: [], previous: new Map() }]);
    const [a1, b1] = [cache.get(TYPE.cluster, 'a'), cache.get(TYPE.cluster, 'b')];
    cache.apply({ upserts: [cluster('a', 2)], removals: [{ typeUrl: TYPE.cluster, name: 'b' }, { typeUrl: TYPE.cluster, name: 'zz' }] });
    // each change names what it replaced or removed (a stream compares it with what its client holds)
    expect(events[1]?.changes).toEqual([{ typeUrl: TYPE.cluster, upserted: ['a'], removed: ['b'], previous: new Map([['b', b1], ['a', a1]]) }]);
    expect(cache.get(TYPE.cluster, 'a')?.version).not.toBe(v);
    expect(cache.get(TYPE.cluster, 'b')).toBeUndefined();
  });

  test('one change set over several types is one event; list is sorted; counts per type', () => {
    const cache = createResourceCache();
    const events: CacheEvent[] = [];
    cache.subscribe((e) => events.push(e));
    cache.apply({ upserts: [listener('l2'), cluster('c'), listener('l1')], removals: [] });
    expect(events).toHaveLength(1);
    expect(events[0]?.changes.map((c) => c.typeUrl)).toEqual([TYPE.cluster, TYPE.listener]);
    expect(cache.list(TYPE.listener).map((r) => r.name)).toEqual(['l1', 'l2']);
    expect(cache.counts()).toEqual({ [TYPE.cluster]: 1, [TYPE.endpoint]: 0, [TYPE.secret]: 0, [TYPE.listener]: 2, [TYPE.route]: 0 });
    const l1 = cache.get(TYPE.listener, 'l1');
    expect(Buffer.from(l1?.bytes ?? []).equals(Buffer.from(listener('l1').bytes))).toBe(true);
  });

  test('markReady is announced once; isReady follows', () => {
    const cache = createResourceCache();
    const events: CacheEvent[] = [];
    const unsubscribe = cache.subscribe((e) => events.push(e));
    expect(cache.isReady()).toBe(false);
    cache.markReady();
    cache.markReady();
    expect(cache.isReady()).toBe(true);
    expect(events).toEqual([{ ready: true, changes: [] }]);
    unsubscribe();
    cache.apply({ upserts: [cluster('x')], removals: [] });
    expect(events).toHaveLength(1);
  });

  test('the system version depends only on the set of (name, version), not on history or order', () => {
    const entry = fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }));
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e[0], maxLength: 12 }), fc.integer(), (entries, seed) => {
        const a = createResourceCache();
        a.apply({ upserts: entries.map(([n, b]) => raw(n, b)), removals: [] });
        const shuffled = [...entries].sort((x, y) => ((x[0].charCodeAt(0) * seed) % 7) - ((y[0].charCodeAt(0) * seed) % 7));
        const b = createResourceCache();
        // a different history: extra resources added, changed and removed again
        b.apply({ upserts: [raw('extra', [1]), ...shuffled.map(([n]) => raw(n, [9, 9, 9]))], removals: [] });
        b.apply({ upserts: shuffled.map(([n, bytes]) => raw(n, bytes)), removals: [{ typeUrl: TYPE.cluster, name: 'extra' }] });
        if (entries.some(([n]) => n === 'extra')) return;
        expect(b.systemVersion(TYPE.cluster)).toBe(a.systemVersion(TYPE.cluster));
      }),
    );
    const x = createResourceCache();
    x.apply({ upserts: [raw('a', [1])], removals: [] });
    const y = createResourceCache();
    y.apply({ upserts: [raw('a', [2])], removals: [] });
    expect(x.systemVersion(TYPE.cluster)).not.toBe(y.systemVersion(TYPE.cluster));
  });
});

describe('response framing', () => {
  test('hand-framed responses decode with the protobufjs types to what was framed', () => {
    const name = fc.string({ maxLength: 20, unit: 'grapheme' });
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 6 }), fc.array(name, { maxLength: 4 }), fc.nat(), (names, removed, n) => {
        const cache = createResourceCache();
        cache.apply({ upserts: names.map((nm) => cluster(nm)), removals: [] });
        const res = cache.list(TYPE.cluster);
        const sotwType = messageType('envoy.service.discovery.v3.DiscoveryResponse');
        const sotw = sotwType.toObject(sotwType.decode(withNonce(sotwBodyOf('v1', res, TYPE.cluster), String(n))), { arrays: true });
        expect(sotw.version_info).toBe('v1');
        expect(sotw.nonce).toBe(String(n));
        expect(sotw.type_url).toBe(TYPE.cluster);
        expect((sotw.resources as { type_url: string; value: Uint8Array }[]).map((a) => [a.type_url, Buffer.from(a.value).toString('hex')]))
          .toEqual(res.map((r) => [TYPE.cluster, Buffer.from(r.bytes).toString('hex')]));
        const deltaType = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
        const delta = deltaType.toObject(deltaType.decode(deltaResponse('s', TYPE.cluster, res, removed, String(n))), { arrays: true, defaults: true });
        expect((delta.resources as { name: string; version: string }[]).map((r) => [r.name, r.version]))
          .toEqual(res.map((r) => [r.name, r.version]));
        expect(delta.removed_resources).toEqual(removed);
        expect(delta.nonce).toBe(String(n));
      }),
      { numRuns: 50 },
    );
  });
});
