// Who a client says it is: the node allow-list (--allow-node, by node id or node cluster) refuses
// outsiders at their first request, and what a client says about itself (node id, cluster, user
// agent, metadata, NACK messages) is bounded in what the janitor stores, shows and logs, and in
// how many lines it can make the janitor write.
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../src/xds/limits.js';
import { TYPE } from '../../src/xds/types.js';
import { getJson, getText, startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { startHarness } from '../xds/support/harness.js';
import { cluster as clusterResource } from '../xds/support/resources.js';

let cluster: TempCluster;
const clients: XdsTestClient[] = [];
beforeAll(() => void (cluster = tempCluster()));
afterAll(() => {
  for (const c of clients) c.close();
  cluster.cleanup();
});

async function connect(j: RunningJanitor, variant: 'sotw' | 'delta', nodeId: string, more: { nodeCluster?: string; userAgent?: string; nodeExtra?: Record<string, unknown> } = {}): Promise<XdsTestClient> {
  const c = await connectAds({ address: j.xds, nodeId, variant, ...more });
  clients.push(c);
  if (variant === 'sotw') c.request(TYPE.cluster);
  else c.subscribe(TYPE.cluster, []);
  return c;
}

const logLines = (j: RunningJanitor, msg: string) => j.log().split('\n').filter((l) => l.includes(`"msg":"${msg}"`));

describe.each(['sotw', 'delta'] as const)('%s: --allow-node', (variant) => {
  let j: RunningJanitor;
  beforeAll(async () => {
    j = await startTestJanitor({ source: `file:${cluster.file}`, allowNode: ['envoy-a', 'gw-cluster'] });
    await j.janitor.ready;
  });
  afterAll(async () => j.close());

  it('serves a node named in the list, and any node of a cluster named in it', async () => {
    const byId = await connect(j, variant, 'envoy-a', { nodeCluster: 'elsewhere' });
    const byCluster = await connect(j, variant, 'envoy-b', { nodeCluster: 'gw-cluster' });
    for (const c of [byId, byCluster]) expect((await c.nextResponse(TYPE.cluster)).resources.length).toBeGreaterThan(0);
  });

  it('refuses any other node at its first request: PERMISSION_DENIED, one warn line', async () => {
    const c = await connect(j, variant, `intruder-${variant}`, { nodeCluster: 'other' });
    expect(await c.ended).toEqual({
      code: status.PERMISSION_DENIED,
      details: `node "intruder-${variant}" (cluster "other") is not allowed to connect to this janitor (--allow-node)`,
    });
    expect(c.received).toEqual([]);
    const lines = logLines(j, 'xDS stream refused').filter((l) => l.includes(`intruder-${variant}`));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'warn', node: `intruder-${variant}`, cluster: 'other', code: 'PERMISSION_DENIED' });
    expect(j.log()).not.toMatch(new RegExp(`"node":"intruder-${variant}".*"msg":"client connected"`));
  });

  it('a huge node id is refused and logged cut to its bound', async () => {
    const id = `${variant}-`.padEnd(100_000, 'x');
    const c = await connect(j, variant, id);
    expect((await c.ended).code).toBe(status.PERMISSION_DENIED);
    const line = logLines(j, 'xDS stream refused').find((l) => l.includes(`"node":"${variant}-xxx`)) ?? '';
    const node = String((JSON.parse(line) as { node: string }).node);
    expect(node.length).toBeLessThan(TEXT_LIMITS.identifier + 30);
    expect(node).toContain('…(+');
    expect(j.log()).not.toContain('x'.repeat(TEXT_LIMITS.identifier + 1));
  });
});

describe('what a client says about itself is bounded', () => {
  it('node id, cluster, user agent and NACK message: cut in /clients and the log; metadata not kept', async () => {
    const j = await startTestJanitor({ source: `file:${cluster.file}` });
    try {
      await j.janitor.ready;
      const long = (c: string) => c.repeat(50_000);
      const c = await connect(j, 'delta', long('i'), { nodeCluster: long('c'), userAgent: long('u'), nodeExtra: { metadata: { blob: long('m') } } });
      c.nack(await c.nextDelta(TYPE.cluster), long('e').repeat(20)); // a 1 MB error message
      await until(() => j.log().includes('"msg":"xDS NACK"'), 5000, 'the NACK');
      const clients = await getText(`${j.admin}/clients`);
      expect(clients.body.length).toBeLessThan(32 * 1024);
      const [info] = JSON.parse(clients.body) as { nodeId: string; nodeCluster: string; userAgent: string; types: Record<string, { lastNack: { error: string } | null }> }[];
      expect(info?.nodeId.length).toBeLessThan(TEXT_LIMITS.identifier + 30);
      expect(info?.nodeCluster.length).toBeLessThan(TEXT_LIMITS.identifier + 30);
      expect(info?.userAgent.length).toBeLessThan(TEXT_LIMITS.identifier + 30);
      expect(info?.types[TYPE.cluster]?.lastNack?.error.length).toBeLessThan(TEXT_LIMITS.errorMessage + 30);
      expect(clients.body).not.toContain('mmmm');
      for (const ch of ['i', 'c', 'u', 'e', 'm']) expect(j.log()).not.toContain(ch.repeat(TEXT_LIMITS.errorMessage + 1));
      expect((await getJson(`${j.admin}/readyz`)).status).toBe(200);
    } finally {
      await j.close();
    }
  });
});

describe('client-caused warnings share a log budget', () => {
  it('2,000 NACKs from one client: every one counted, a bounded number logged, the rest counted on the next line', async () => {
    let text = '';
    const logger = pino({ level: 'warn' }, new Writable({ write: (c, _e, done) => ((text += String(c)), done()) }));
    let nacks = 0;
    const h = await startHarness({ logger, hooks: { onNack: () => void nacks++ } });
    try {
      h.put(clusterResource('a'));
      const c = await h.connect({ nodeId: 'nagger', variant: 'delta' });
      c.subscribe(TYPE.cluster, []);
      await c.nextDelta(TYPE.cluster);
      const started = Date.now();
      for (let i = 0; i < 2000; i++) c.subscribe(TYPE.cluster, [], { nonce: 'no-such-nonce', errorMessage: `complaint ${i}` });
      await h.until(() => nacks === 2000, 20_000);
      const logged = () => text.split('\n').filter((l) => l.includes('"msg":"xDS NACK"'));
      // a burst of 100, then 20 a second
      expect(logged().length).toBeLessThanOrEqual(100 + 20 * Math.ceil((Date.now() - started) / 1000 + 1));
      expect(logged().length).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 200));
      c.subscribe(TYPE.cluster, [], { nonce: 'no-such-nonce', errorMessage: 'one more' });
      await h.until(() => text.includes('one more'), 5000);
      expect(JSON.parse(logged().at(-1) ?? '{}')).toMatchObject({ err: 'one more', suppressedBefore: expect.any(Number) });
    } finally {
      await h.close();
    }
  });
});
