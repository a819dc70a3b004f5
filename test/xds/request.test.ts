// Requests are decoded by hand (SotW) or through protobufjs (Delta): both must read exactly what a
// protobufjs-encoded request carries, whatever the names.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { messageType } from '../../src/proto/root.js';
import { decodeDeltaRequest, decodeSotwRequest, deltaNameLoad } from '../../src/xds/request.js';

const text = fc.string({ maxLength: 30, unit: 'grapheme' });

test('SotW requests decode to what protobufjs encoded; equal name lists give equal keys', () => {
  const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  fc.assert(
    fc.property(text, fc.array(text, { maxLength: 40 }), text, text, fc.option(text), fc.option(text), (version, names, typeUrl, nonce, nodeId, error) => {
      const encode = (n: string[]) => Buffer.from(t.encode(t.fromObject({
        version_info: version, resource_names: n, type_url: typeUrl, response_nonce: nonce,
        node: nodeId === null ? undefined : { id: nodeId, cluster: 'c', user_agent_name: 'ua' },
        error_detail: error === null ? undefined : { code: 3, message: error },
      })).finish());
      const r = decodeSotwRequest(encode(names));
      expect(r.versionInfo).toBe(version);
      expect(r.resourceNames()).toEqual(names);
      expect(r.typeUrl).toBe(typeUrl);
      expect(r.responseNonce).toBe(nonce);
      expect(r.node).toEqual(nodeId === null ? undefined : { id: nodeId, cluster: 'c', userAgent: 'ua' });
      expect(r.errorDetail).toEqual(error === null ? undefined : { code: 3, message: error });
      expect(decodeSotwRequest(encode([...names])).namesKey.equals(r.namesKey)).toBe(true);
      if (names.length > 0) expect(decodeSotwRequest(encode([...names, 'x'])).namesKey.equals(r.namesKey)).toBe(false);
    }),
    { numRuns: 100 },
  );
});

test('Delta requests decode subscribe, unsubscribe, initial versions, nonce and error', () => {
  const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  fc.assert(
    fc.property(fc.array(text), fc.array(text), fc.dictionary(text, text), text, (sub, unsub, initial, nonce) => {
      const buf = t.encode(t.fromObject({
        type_url: 'tu', resource_names_subscribe: sub, resource_names_unsubscribe: unsub,
        initial_resource_versions: initial, response_nonce: nonce, node: { id: 'n' },
      })).finish();
      const r = decodeDeltaRequest(buf);
      expect(r.subscribe).toEqual(sub);
      expect(r.unsubscribe).toEqual(unsub);
      expect(Object.fromEntries(r.initialVersions)).toEqual({ ...initial });
      expect(r.responseNonce).toBe(nonce);
      expect(r.node?.id).toBe('n');
      expect(r.errorDetail).toBeUndefined();
    }),
    { numRuns: 100 },
  );
});

test('names are counted on the wire, and counting stops just past the budget', () => {
  const sotw = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const delta = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  fc.assert(
    fc.property(fc.array(text, { maxLength: 30 }), fc.array(text, { maxLength: 10 }), fc.integer({ min: 0, max: 40 }), (names, unsub, maxCount) => {
      const bytes = (list: string[]) => list.reduce((n, x) => n + Buffer.byteLength(x), 0);
      const budget = { maxCount, maxBytes: Infinity };
      const s = decodeSotwRequest(Buffer.from(sotw.encode(sotw.fromObject({ resource_names: names, type_url: 't' })).finish()), budget);
      const all = [...names, ...unsub];
      const d = deltaNameLoad(delta.encode(delta.fromObject({ resource_names_subscribe: names, resource_names_unsubscribe: unsub })).finish(), budget);
      for (const [load, list] of [[s.names, names], [d, all]] as const) {
        if (list.length <= maxCount) expect(load).toEqual({ count: list.length, bytes: bytes([...list]), complete: true });
        else expect(load).toMatchObject({ count: maxCount + 1, complete: false });
      }
    }),
    { numRuns: 100 },
  );
});

test('client text is bounded as it is decoded: node fields, type URL, NACK message', () => {
  const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const long = 'z'.repeat(100_000);
  const r = decodeSotwRequest(Buffer.from(t.encode(t.fromObject({
    version_info: long, type_url: long, response_nonce: long,
    node: { id: long, cluster: long, user_agent_name: long }, error_detail: { code: 3, message: long },
  })).finish()));
  for (const v of [r.versionInfo, r.typeUrl, r.responseNonce, r.node?.id, r.node?.cluster, r.node?.userAgent]) {
    expect(v).toBe(`${'z'.repeat(256)}…(+${100_000 - 256} chars)`);
  }
  expect(r.errorDetail?.message).toBe(`${'z'.repeat(4096)}…(+${100_000 - 4096} chars)`);
});
