// The client status service (CSDS) over real gRPC, asked by a CSDS client built from csds.proto:
// per node and per resource, what the server sent and what the client did with it (ACK, NACK and
// its message), never the resource contents; node matchers select nodes.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { connectCsds, type ClientConfig, type CsdsClient } from './support/csds.js';
import { startHarness, TRANSPORTS, type Harness } from './support/harness.js';
import { cla, cluster, ep, secret } from './support/resources.js';

let h: Harness;
const configs = (all: ClientConfig[], node: string) => all.find((c) => c.node?.id === node)?.generic_xds_configs ?? [];

beforeAll(async () => {
  h = await startHarness();
  h.put(cluster('a'), cluster('b'), cla('a', ep('10.0.0.1')), secret('s', 'key material'));
});
afterAll(async () => h.close());

describe.each(TRANSPORTS)('over %s', (transport) => {
  let csds: CsdsClient;
  beforeAll(() => {
    csds = connectCsds(transport === 'unix' ? `unix:${h.unixPath}` : `127.0.0.1:${h.port}`);
  });
  afterAll(() => csds.close());

  it('after an ACK: every resource ACKED and SYNCED at the version the client holds', async () => {
    const c = await h.connect({ nodeId: `acker-${transport}`, nodeCluster: 'gw', variant: 'delta', transport });
    c.subscribe(TYPE.cluster, []);
    const r = await c.nextDelta(TYPE.cluster);
    c.ack(r);
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === `acker-${transport}` && x.types[TYPE.cluster]?.ackedVersion !== ''));
    const all = await csds.fetch();
    const mine = all.find((x) => x.node?.id === `acker-${transport}`);
    expect(mine?.node).toMatchObject({ id: `acker-${transport}`, cluster: 'gw', user_agent_name: 'xds-test-client' });
    expect(configs(all, `acker-${transport}`).map(({ type_url, name, version_info, config_status, client_status }) => ({ type_url, name, version_info, config_status, client_status }))).toEqual(
      r.resources.map((x) => ({ type_url: TYPE.cluster, name: x.name, version_info: x.version, config_status: 'SYNCED', client_status: 'ACKED' })),
    );
  });

  it('after a NACK: the rejected resource NACKED with the error; a name not sent is REQUESTED', async () => {
    const c = await h.connect({ nodeId: `nacker-${transport}`, variant: 'sotw', transport });
    c.request(TYPE.endpoint, ['a', 'missing']);
    const r = await c.nextSotw(TYPE.endpoint);
    c.nack(r, 'endpoints[0].locality unset');
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === `nacker-${transport}` && x.types[TYPE.endpoint]?.lastNack !== null));
    const mine = configs(await csds.fetch(), `nacker-${transport}`);
    expect(mine).toEqual([
      expect.objectContaining({
        type_url: TYPE.endpoint, name: 'a', config_status: 'ERROR', client_status: 'NACKED', version_info: h.cache.get(TYPE.endpoint, 'a')?.version,
        error_state: expect.objectContaining({ details: 'endpoints[0].locality unset', version_info: r.versionInfo }),
      }),
      expect.objectContaining({ type_url: TYPE.endpoint, name: 'missing', config_status: 'NOT_SENT', client_status: 'REQUESTED' }),
    ]);
  });

  it('never carries resource contents: a secret shows by name and version only', async () => {
    const c = await h.connect({ nodeId: `secret-holder-${transport}`, variant: 'delta', transport });
    c.subscribe(TYPE.secret, ['s']);
    c.ack(await c.nextDelta(TYPE.secret));
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === `secret-holder-${transport}` && x.types[TYPE.secret]?.ackedVersion !== ''));
    const mine = configs(await csds.fetch(), `secret-holder-${transport}`);
    expect(mine).toEqual([expect.objectContaining({ name: 's', client_status: 'ACKED' })]);
    expect(mine[0]?.xds_config).toBeUndefined();
    expect(JSON.stringify(await csds.fetch())).not.toContain('key material');
  });
});

describe('requests', () => {
  it('node matchers select nodes; an unsupported matcher is INVALID_ARGUMENT', async () => {
    const csds = connectCsds(`127.0.0.1:${h.port}`);
    const c = await h.connect({ nodeId: 'picked-node', variant: 'delta' });
    c.subscribe(TYPE.cluster, []);
    c.ack(await c.nextDelta(TYPE.cluster));
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === 'picked-node'));
    expect((await csds.fetch({ node_matchers: [{ node_id: { exact: 'picked-node' } }] })).map((x) => x.node?.id)).toEqual(['picked-node']);
    expect((await csds.fetch({ node_matchers: [{ node_id: { prefix: 'PICKED', ignore_case: true } }] })).map((x) => x.node?.id)).toEqual(['picked-node']);
    expect(await csds.fetch({ node_matchers: [{ node_id: { suffix: 'nobody' } }] })).toEqual([]);
    await expect(csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: '.*' } } }] })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT, details: 'node_matchers: node_id supports exact, prefix, suffix and contains',
    });
    csds.close();
  });

  it('StreamClientStatus answers each request with the state at that moment', async () => {
    const csds = connectCsds(`127.0.0.1:${h.port}`);
    const stream = csds.stream();
    const c = await h.connect({ nodeId: 'streamed-node', variant: 'sotw' });
    c.request(TYPE.cluster);
    const first = await c.nextSotw(TYPE.cluster);
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === 'streamed-node' && x.types[TYPE.cluster]?.responses === 1));
    const only = { node_matchers: [{ node_id: { exact: 'streamed-node' } }] };
    // sent, not answered yet: STALE (the client status is UNKNOWN, proto3's default, not on the wire)
    expect(configs(await stream.ask(only), 'streamed-node').map((g) => [g.config_status, g.client_status])).toEqual([['STALE', undefined], ['STALE', undefined]]);
    c.ack(first);
    await h.until(() => h.server.registry.list().some((x) => x.nodeId === 'streamed-node' && x.types[TYPE.cluster]?.ackedVersion !== ''));
    expect(configs(await stream.ask(only), 'streamed-node').map((g) => [g.config_status, g.client_status])).toEqual([['SYNCED', 'ACKED'], ['SYNCED', 'ACKED']]);
    stream.close();
    csds.close();
  });
});
