// Replays of the requests a real Envoy sends on a SotW ADS stream, as recorded by Envoy's own
// integration tests (test/integration/ads_integration_test.cc: BasicFlow, CdsEdsReplacementWarming,
// ResendNodeOnStreamReset) and its SotW mux (grpc_mux_impl.cc: the node only on the first message,
// version kept and nonce cleared on reconnect, one request per subscribed type on a new stream even
// when it watches nothing, a resubscription carrying the nonce of the last response it processed).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { startHarness, TRANSPORTS, type Harness } from './support/harness.js';
import { cla, cluster, listener, removal, routeConfig, secret, names, ep } from './support/resources.js';
import type { SotwResponse, XdsTestClient } from './support/client.js';


let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe.each(TRANSPORTS)('Envoy SotW ADS over %s', (transport) => {
  const envoy = (nodeId = 'envoy') => h.connect({ nodeId, variant: 'sotw', transport });

  /** Envoy's start: CDS *, EDS by name, CDS ACK, LDS *, EDS ACK, RDS by name, SDS by name, ACKs. */
  async function start(c: XdsTestClient): Promise<Record<string, SotwResponse>> {
    c.request(TYPE.cluster); // node set, no names, no version, no nonce
    const cds = await c.nextSotw(TYPE.cluster);
    c.request(TYPE.endpoint, ['c0'], { versionInfo: '', nonce: '' });
    const eds = await c.nextSotw(TYPE.endpoint);
    c.ack(cds);
    c.request(TYPE.listener, [], { versionInfo: '', nonce: '' });
    c.ack(eds);
    const lds = await c.nextSotw(TYPE.listener);
    c.request(TYPE.route, ['r0'], { versionInfo: '', nonce: '' });
    c.request(TYPE.secret, ['s0'], { versionInfo: '', nonce: '' });
    const rds = await c.nextSotw(TYPE.route);
    const sds = await c.nextSotw(TYPE.secret);
    c.ack(lds);
    c.ack(rds);
    c.ack(sds);
    return { cds, eds, lds, rds, sds };
  }

  const seed = () => h.put(cluster('c0'), cla('c0', ep('10.0.0.1')), listener('l0'), routeConfig('r0', 'c0'), secret('s0', 'v'));

  test('start sequence: each type answered once, ACKs answered with nothing', async () => {
    seed();
    const c = await envoy();
    const got = await start(c);
    expect(Object.values(got).map(names)).toEqual([['c0'], ['c0'], ['l0'], ['r0'], ['s0']]);
    await c.expectQuiet(200);
    const info = h.server.registry.list()[0];
    expect(info?.nodeId).toBe('envoy');
    await h.until(() => h.server.registry.list()[0]?.types[TYPE.secret]?.ackedVersion === got.sds?.versionInfo);
  });

  test('a changed Cluster: CDS then its CLA; the EDS request Envoy sends while processing CDS is stale and ignored', async () => {
    seed();
    const c = await envoy();
    const { eds } = await start(c);
    await c.expectQuiet(100);
    h.put(cluster('c0', 9)); // e.g. lb policy changed: Envoy re-creates the cluster and warms it
    const cds2 = await c.nextResponse();
    const eds2 = await c.nextResponse();
    expect([cds2.typeUrl, eds2.typeUrl]).toEqual([TYPE.cluster, TYPE.endpoint]);
    expect(names(eds2)).toEqual(['c0']);
    // while handling CDS, Envoy's new cluster re-subscribes: same names, the nonce of the EDS
    // response it processed before (eds), the version it holds
    c.request(TYPE.endpoint, ['c0'], { nonce: eds?.nonce ?? '', versionInfo: eds?.versionInfo ?? '' });
    c.ack(cds2);
    c.ack(eds2);
    await c.expectQuiet(250);
  });

  test('the warming CLA also comes when Envoy sends its EDS request after the CDS ACK', async () => {
    seed();
    const c = await envoy();
    await start(c);
    h.put(cluster('c0', 9));
    const cds2 = await c.nextSotw(TYPE.cluster);
    c.ack(cds2); // CDS ACK first, then EDS (the order Envoy uses when EDS is paused during CDS)
    const eds2 = await c.nextSotw(TYPE.endpoint);
    c.ack(eds2);
    expect(names(eds2)).toEqual(['c0']);
    await c.expectQuiet(200);
  });

  test('resubscription while a response is in flight: the stale request is ignored, the ACK with the new list is served', async () => {
    seed();
    h.put(cla('c1', ep('10.0.0.2')));
    const c = await envoy();
    const { eds } = await start(c);
    h.put(cla('c0', ep('10.0.0.3'))); // response in flight
    c.request(TYPE.endpoint, ['c0', 'c1'], { nonce: eds?.nonce ?? '', versionInfo: eds?.versionInfo ?? '' });
    const pushed = await c.nextSotw(TYPE.endpoint);
    expect(names(pushed)).toEqual(['c0']);
    await c.expectQuiet(150); // the stale request got no answer
    c.request(TYPE.endpoint, ['c0', 'c1'], { nonce: pushed.nonce, versionInfo: pushed.versionInfo });
    expect(names(await c.nextSotw(TYPE.endpoint))).toEqual(['c1']);
  });

  test('after a NACK, a new subscription carrying the last good nonce is served (unified mux)', async () => {
    seed();
    h.put(cla('c1', ep('10.0.0.2')));
    const c = await envoy();
    const { eds } = await start(c);
    h.put(cla('c0', ep('10.0.0.3')));
    const bad = await c.nextSotw(TYPE.endpoint);
    c.nack(bad, 'c0: rejected'); // the NACK answers `bad`: nothing of ours is unread any more
    // sotw_subscription_state.cc: a request without an ACK carries the last *good* nonce
    c.request(TYPE.endpoint, ['c0', 'c1'], { nonce: eds?.nonce ?? '', versionInfo: eds?.versionInfo ?? '' });
    const r = await c.nextSotw(TYPE.endpoint);
    expect(names(r)).toEqual(['c1']);
  });

  test('reconnect (envoy #30155): a first request with the old version and an old nonce is initial, not stale', async () => {
    seed();
    const first = await envoy();
    const old = await start(first);
    first.close();
    const c = await envoy();
    const v = (k: string) => old[k]?.versionInfo ?? '';
    const n = (k: string) => old[k]?.nonce ?? '';
    c.request(TYPE.cluster, [], { versionInfo: v('cds'), nonce: n('cds') });
    c.request(TYPE.endpoint, ['c0'], { versionInfo: v('eds'), nonce: n('eds') });
    c.request(TYPE.listener, [], { versionInfo: v('lds'), nonce: n('lds') });
    c.request(TYPE.route, ['r0'], { versionInfo: v('rds'), nonce: n('rds') });
    c.request(TYPE.secret, ['s0'], { versionInfo: v('sds'), nonce: n('sds') });
    // same state: LDS and CDS are not resent; EDS, RDS, SDS are answered once (see the next test)
    const answered: string[] = [];
    for (let i = 0; i < 3; i++) answered.push((await c.nextSotw()).typeUrl);
    expect(answered.sort()).toEqual([TYPE.endpoint, TYPE.route, TYPE.secret].sort());
    await c.expectQuiet(150);
    h.put(cluster('c1'));
    expect(names(await c.nextSotw(TYPE.cluster))).toEqual(['c0', 'c1']);
    // and with a state that moved on while it was away, the old nonce still does not make it stale
    const late = await envoy('late');
    h.put(routeConfig('r0', 'c1'));
    late.request(TYPE.route, ['r0'], { versionInfo: v('rds'), nonce: '12345' });
    expect(names(await late.nextSotw(TYPE.route))).toEqual(['r0']);
  });

  test('reconnect: EDS/RDS/SDS are answered even when the version matches (a cluster may be warming)', async () => {
    seed();
    const first = await envoy();
    const old = await start(first);
    // the Cluster changes; the stream breaks after the CDS response, before Envoy read the CLA:
    // its new cluster is warming and waits for an EDS response for c0 on the next stream
    h.put(cluster('c0', 9));
    first.close();
    const c = await envoy();
    c.request(TYPE.cluster, [], { versionInfo: old.cds?.versionInfo ?? '', nonce: '' });
    c.request(TYPE.endpoint, ['c0'], { versionInfo: old.eds?.versionInfo ?? '', nonce: '' });
    c.request(TYPE.route, ['r0'], { versionInfo: old.rds?.versionInfo ?? '', nonce: '' });
    c.request(TYPE.secret, ['s0'], { versionInfo: old.sds?.versionInfo ?? '', nonce: '' });
    const got = new Set<string>();
    for (let i = 0; i < 4; i++) got.add((await c.nextSotw()).typeUrl);
    expect([...got].sort()).toEqual([TYPE.cluster, TYPE.endpoint, TYPE.route, TYPE.secret].sort());
  });

  test('reconnect: an empty EDS/RDS/SDS list (a type Envoy watches nothing of) is not a wildcard', async () => {
    seed();
    h.put(cla('c1', ep('10.0.0.2')), routeConfig('r1', 'c1'), secret('s1', 'w'));
    const c = await envoy();
    c.request(TYPE.cluster, [], { versionInfo: 'v-old' });
    c.request(TYPE.endpoint, [], { versionInfo: 'v-old' });
    c.request(TYPE.route, [], { versionInfo: 'v-old' });
    c.request(TYPE.secret, [], { versionInfo: 'v-old' });
    expect(names(await c.nextSotw(TYPE.cluster))).toEqual(['c0']);
    await c.expectQuiet(200);
    h.put(cla('c0', ep('10.0.0.9')), routeConfig('r0', 'c1'), secret('s0', 'x'));
    await c.expectQuiet(200);
  });

  test('removals: routes and listeners first, then clusters; a removed CLA is not pushed (SotW cannot delete it)', async () => {
    seed();
    const c = await envoy();
    await start(c);
    h.apply({
      upserts: [routeConfig('r0', 'c1'), cluster('c1'), cla('c1', ep('10.0.0.4'))],
      removals: [removal(TYPE.cluster, 'c0'), removal(TYPE.endpoint, 'c0'), removal(TYPE.listener, 'l0')],
    });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await c.nextSotw();
      seen.push(`${r.typeUrl.split('.').at(-1) ?? ''}[${names(r).join(',')}]`);
      c.ack(r);
    }
    expect(seen).toEqual(['Cluster[c0,c1]', 'RouteConfiguration[r0]', 'Listener[]', 'Cluster[c1]']);
    await c.expectQuiet(150);
  });
});
