// Per-client sync state for the metrics: for each Envoy node and resource type, is it synced (it
// ACKed the last response sent), pending (a response not answered yet, or nothing sent yet), or
// nacked (it rejected the last response). Node ids are chosen by the clients, so the series are
// bounded: at most MAX_NODES nodes (in node id order) and node ids cut to NODE_LABEL_MAX characters.
import type { ClientInfo, TypeStatus } from '../xds/registry.js';
import { isTypeUrl, type TypeUrl } from '../xds/types.js';

export const SYNC_STATES = ['synced', 'pending', 'nacked'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const MAX_NODES = 100;
export const NODE_LABEL_MAX = 128;

export interface NodeTypeSync {
  readonly node: string;
  readonly typeUrl: TypeUrl;
  readonly state: SyncState;
}

/**
 * The state of one type on one stream, as the engine judges it (src/xds/state.ts syncState: the
 * same rule `xds status` and the status page show), in the metric's words; a stream with responses
 * still queued is not synced.
 */
export function typeSyncState(status: TypeStatus, queuedWrites: number): SyncState {
  if (status.sync === 'NACKED') return 'nacked';
  if (status.sync === 'SYNCED' && queuedWrites === 0) return 'synced';
  return 'pending';
}

const worse = (a: SyncState, b: SyncState): SyncState => (SYNC_STATES.indexOf(a) >= SYNC_STATES.indexOf(b) ? a : b);

/** The node id as a label value: at most NODE_LABEL_MAX characters (code points, never half a pair). */
export function nodeLabel(nodeId: string): string {
  const chars = Array.from(nodeId);
  return chars.length > NODE_LABEL_MAX ? `${chars.slice(0, NODE_LABEL_MAX - 1).join('')}…` : nodeId;
}

/**
 * The number of distinct node ids connected, and one entry per (node, type), the worst state over the node's streams (a node may hold several:
 * per-type services, or a reconnect overlapping its old stream), sorted by node then type.
 */
export function clientSync(clients: readonly ClientInfo[]): { readonly nodes: number; readonly series: NodeTypeSync[] } {
  const byNode = new Map<string, Map<TypeUrl, SyncState>>();
  const ids = new Set<string>();
  for (const client of clients) {
    if (client.nodeId === '') continue; // no request yet: nothing to be in sync with
    ids.add(client.nodeId);
    const node = nodeLabel(client.nodeId);
    const types = byNode.get(node) ?? new Map<TypeUrl, SyncState>();
    byNode.set(node, types);
    for (const [typeUrl, status] of Object.entries(client.types)) {
      if (!isTypeUrl(typeUrl)) continue;
      types.set(typeUrl, worse(types.get(typeUrl) ?? 'synced', typeSyncState(status, client.queuedWrites)));
    }
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const series = [...byNode.keys()]
    .sort(byName)
    .slice(0, MAX_NODES)
    .flatMap((node) =>
      [...(byNode.get(node) ?? new Map<TypeUrl, SyncState>())]
        .sort(([a], [b]) => byName(a, b))
        .map(([typeUrl, state]) => ({ node, typeUrl, state })),
    );
  return { nodes: ids.size, series };
}
