// Replays of the requests a real Envoy sends on a Delta ADS stream (delta_subscription_state.cc,
// new_grpc_mux_impl.cc, test/integration/delta_cds_integration_test.cc): legacy or explicit
// wildcard for CDS/LDS, initial_resource_versions on reconnect (wildcard names only there, not in
// resource_names_subscribe), ACK and NACK by nonce, unsubscribing; and what the server owes it:
// a removed resource is announced once, a re-added one is sent again even with the same bytes.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { startHarness, TRANSPORTS, type Harness } from './support/harness.js';
import { cla, cluster, listener, removal, names, ep } from './support/resources.js';


let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe.each(TRANSPORTS)('Envoy Delta ADS over %s', (transport) => {
  const envoy = (nodeId = 'envoy') => h.connect({ nodeId, variant: 'delta', transport });

  test.each([[[]], [['*']]])('initial CDS/LDS wildcard as %j, EDS by name, ACKs by nonce get nothing', async (wildcard) => {
    h.put(cluster('c0'), cla('c0', ep('10.0.0.1')), listener('l0'));
    const c = await envoy();
    c.subscribe(TYPE.cluster, wildcard);
    const cds = await c.nextDelta(TYPE.cluster);
    expect(names(cds)).toEqual(['c0']);
    c.subscribe(TYPE.endpoint, ['c0']);
    c.ack(cds);
    c.subscribe(TYPE.listener, wildcard);
    const eds = await c.nextDelta(TYPE.endpoint);
    const lds = await c.nextDelta(TYPE.listener);
    c.ack(eds);
    c.ack(lds);
    expect([names(eds), names(lds)]).toEqual([['c0'], ['l0']]);
    await c.expectQuiet(200);
  });

  test('an empty first EDS request is not a wildcard (only LDS and CDS have one)', async () => {
    h.put(cla('c0', ep('10.0.0.1')), cla('c1', ep('10.0.0.2')));
    const c = await envoy();
    c.subscribe(TYPE.endpoint, []);
    await c.expectQuiet(200);
    h.put(cla('c0', ep('10.0.0.3')));
    await c.expectQuiet(200);
  });

  test('reconnect: legacy wildcard with initial_resource_versions; explicit names with theirs', async () => {
    h.put(cluster('c0'), cluster('c1'), cla('c0', ep('10.0.0.1')), cla('c1', ep('10.0.0.2')));
    const first = await envoy();
    first.subscribe(TYPE.cluster, []);
    first.subscribe(TYPE.endpoint, ['c0', 'c1']);
    const cds = await first.nextDelta(TYPE.cluster);
    const eds = await first.nextDelta(TYPE.endpoint);
    first.close();
    const versions = (r: typeof cds) => Object.fromEntries(r.resources.map((x) => [x.name, x.version ?? '']));
    h.put(cla('c1', ep('10.0.0.9')));
    const c = await envoy();
    c.subscribe(TYPE.cluster, [], { initialVersions: versions(cds), nonce: cds.nonce });
    c.subscribe(TYPE.endpoint, ['c0', 'c1'], { initialVersions: versions(eds), nonce: eds.nonce });
    const changed = await c.nextDelta();
    expect([changed.typeUrl, names(changed)]).toEqual([TYPE.endpoint, ['c1']]);
    await c.expectQuiet(200);
  });

  test('NACK with error_detail is recorded against the response it answers, nothing is resent', async () => {
    h.put(cluster('c0'));
    const c = await envoy('nacker');
    c.subscribe(TYPE.cluster, []);
    const cds = await c.nextDelta(TYPE.cluster);
    c.nack(cds, 'c0: bad lb policy');
    const info = () => h.server.registry.list()[0]?.types[TYPE.cluster];
    await h.until(() => info()?.lastNack != null);
    expect(info()?.lastNack).toMatchObject({ version: cds.systemVersionInfo, error: 'c0: bad lb policy' });
    expect(info()?.ackedVersion).toBe('');
    await c.expectQuiet(200);
  });

  test('a resource removed then re-added with the same bytes is sent again', async () => {
    h.put(cluster('c0'), cluster('c1'));
    const c = await envoy();
    c.subscribe(TYPE.cluster, []);
    const first = await c.nextDelta(TYPE.cluster);
    c.ack(first);
    h.apply({ removals: [removal(TYPE.cluster, 'c1')] });
    const gone = await c.nextDelta(TYPE.cluster);
    expect(gone.removed).toEqual(['c1']);
    c.ack(gone);
    h.put(cluster('c1'));
    const back = await c.nextDelta(TYPE.cluster);
    expect(names(back)).toEqual(['c1']);
    expect(back.resources[0]?.version).toBe(first.resources[1]?.version);
  });

  test('a deleted resource is in removed_resources exactly once, even when its Cluster changes later', async () => {
    h.put(cluster('c0'), cla('c0', ep('10.0.0.1')));
    const c = await envoy();
    c.subscribe(TYPE.cluster, []);
    c.subscribe(TYPE.endpoint, ['c0']);
    c.ack(await c.nextDelta(TYPE.cluster));
    c.ack(await c.nextDelta(TYPE.endpoint));
    h.apply({ removals: [removal(TYPE.endpoint, 'c0')] });
    const gone = await c.nextDelta(TYPE.endpoint);
    expect(gone.removed).toEqual(['c0']);
    c.ack(gone);
    h.put(cluster('c0', 4)); // the Cluster changes: there is no CLA to resend, and no second removal
    const cds = await c.nextDelta();
    expect([cds.typeUrl, names(cds)]).toEqual([TYPE.cluster, ['c0']]);
    c.ack(cds);
    await c.expectQuiet(200);
    h.put(cla('c0', ep('10.0.0.2')));
    expect(names(await c.nextDelta(TYPE.endpoint))).toEqual(['c0']);
  });

  test('a name that does not exist is answered in removed_resources once, then sent when it appears', async () => {
    const c = await envoy();
    c.subscribe(TYPE.endpoint, ['ghost']);
    const missing = await c.nextDelta(TYPE.endpoint);
    expect(missing.removed).toEqual(['ghost']);
    c.ack(missing);
    h.put(cluster('other'));
    await c.expectQuiet(150);
    h.put(cla('ghost', ep('10.0.0.5')));
    expect(names(await c.nextDelta(TYPE.endpoint))).toEqual(['ghost']);
  });

  test('unsubscribing stops updates and needs no response', async () => {
    h.put(cla('c0', ep('10.0.0.1')), cla('c1', ep('10.0.0.2')));
    const c = await envoy();
    c.subscribe(TYPE.endpoint, ['c0', 'c1']);
    const eds = await c.nextDelta(TYPE.endpoint);
    c.ack(eds);
    c.unsubscribe(TYPE.endpoint, ['c0']);
    await h.subscribed('envoy', TYPE.endpoint, ['c1']);
    await c.expectQuiet(100);
    h.put(cla('c0', ep('10.0.0.3')));
    await c.expectQuiet(150);
  });
});
