// Per-client sync state behind xds_client_sync: the state of one type on one stream, the worst
// state of a node over its streams, and bounds a crowd of hostile clients cannot break.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NODES, NODE_LABEL_MAX, clientSync, typeSyncState } from '../../src/admin/client-sync.js';
import type { ClientInfo, TypeStatus } from '../../src/xds/registry.js';
import { ADS_ORDER, TYPE } from '../../src/xds/types.js';

/** A type's status as the engine reports it: the latest response sent, ACKed or NACKed. */
function status(sent: string, acked: string, nackedVersion?: string): TypeStatus {
  const sync = nackedVersion === sent ? 'NACKED' : sent === '' || acked === sent ? 'SYNCED' : 'STALE';
  return { wildcard: true, names: [], sentVersion: sent, ackedVersion: acked, responses: sent ? 1 : 0, lastNack: nackedVersion === undefined ? null : { version: nackedVersion, error: 'refused', at: '' }, lastAckAt: null, sync };
}

function client(nodeId: string, types: Record<string, TypeStatus>, queuedWrites = 0): ClientInfo {
  return { streamId: 1, nodeId, nodeCluster: '', userAgent: '', service: 'ads', variant: 'sotw', transport: 'tcp', authenticated: false, peer: '', connectedSince: '', queuedWrites, types };
}

describe('typeSyncState', () => {
  it.each([
    ['nothing sent and nothing owed', status('', ''), 0, 'synced'],
    ['sent, not answered', status('v2', 'v1'), 0, 'pending'],
    ['the last response ACKed', status('v2', 'v2'), 0, 'synced'],
    ['ACKed, but newer responses still queued', status('v2', 'v2'), 1, 'pending'],
    ['the last response NACKed', status('v2', 'v1', 'v2'), 0, 'nacked'],
    ['an older NACK, the newer response ACKed', status('v3', 'v3', 'v2'), 0, 'synced'],
    ['an older NACK, the newer response not answered yet', status('v3', 'v1', 'v2'), 0, 'pending'],
  ] as const)('%s: %s', (_what, s, queued, expected) => {
    expect(typeSyncState(s, queued)).toBe(expected);
  });
});

describe('clientSync', () => {
  it('gives each (node, type) the worst state over the node streams, and skips streams without a request', () => {
    const out = clientSync([
      client('b', { [TYPE.cluster]: status('v1', 'v1'), [TYPE.listener]: status('v1', 'v1') }),
      client('b', { [TYPE.cluster]: status('v2', 'v1', 'v2') }),
      client('a', { [TYPE.endpoint]: status('v1', '') }),
      client('', { [TYPE.cluster]: status('v1', '', 'v1') }),
      client('a', { 'type.googleapis.com/some.Other': status('v1', 'v1') }),
    ]);
    expect(out.nodes).toBe(2);
    expect(out.series).toEqual([
      { node: 'a', typeUrl: TYPE.endpoint, state: 'pending' },
      { node: 'b', typeUrl: TYPE.cluster, state: 'nacked' },
      { node: 'b', typeUrl: TYPE.listener, state: 'synced' },
    ]);
  });

  it('stays bounded whatever node ids and how many clients connect', () => {
    const types = fc.subarray([...ADS_ORDER]);
    const clients = fc.array(
      fc.record({ node: fc.string({ unit: 'binary', maxLength: 400 }), types, acked: fc.boolean(), queued: fc.nat(3) }),
      { maxLength: 400 },
    );
    fc.assert(
      fc.property(clients, (list) => {
        const out = clientSync(list.map((c) => client(c.node, Object.fromEntries(c.types.map((t) => [t, status('v1', c.acked ? 'v1' : '')])), c.queued)));
        const nodes = new Set(out.series.map((s) => s.node));
        expect(nodes.size).toBeLessThanOrEqual(MAX_NODES);
        expect(out.series.length).toBeLessThanOrEqual(MAX_NODES * ADS_ORDER.length);
        for (const node of nodes) expect(Array.from(node).length).toBeLessThanOrEqual(NODE_LABEL_MAX);
        expect(out.nodes).toBe(new Set(list.map((c) => c.node).filter((n) => n !== '')).size);
      }),
      { numRuns: 200 },
    );
  });
});
