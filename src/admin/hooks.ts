// xDS server hooks → metrics and log lines (client connected with its node id, ACK, NACK with the
// error). Called synchronously from the stream code: O(1) each, never throwing. "client
// connected" is logged when a node's first stream is admitted, "client disconnected" when its last
// stream closes: a count of open streams per node, never a pass over every stream.
import type { Lifecycle } from '../build/lifecycle.js';
import type { Logger } from '../log.js';
import type { XdsHooks } from '../xds/hooks.js';
import type { ClientRegistry } from '../xds/registry.js';
import { shortType, type Metrics } from './metrics.js';

export function createXdsHooks(metrics: Metrics, logger: Logger, lifecycle: Lifecycle, registry: () => ClientRegistry | undefined): XdsHooks {
  /** Open streams per admitted node id, and the node of each admitted stream. */
  const streamsOf = new Map<string, number>();
  const nodeOf = new Map<number, string>();

  return {
    onStreamOpen(info) {
      metrics.clients.set(registry()?.size() ?? 0);
      logger.debug({ service: info.service, variant: info.variant, transport: info.transport, peer: info.peer, stream: info.streamId }, 'stream open');
    },
    onNodeIdentified(info) {
      const open = streamsOf.get(info.nodeId) ?? 0;
      streamsOf.set(info.nodeId, open + 1);
      nodeOf.set(info.streamId, info.nodeId);
      if (open > 0) return;
      logger.info({
        node: info.nodeId, cluster: info.nodeCluster, userAgent: info.userAgent,
        stream: `${info.service}/${info.variant}/${info.transport}`, peer: info.peer, authenticated: info.authenticated,
      }, 'client connected');
    },
    onStreamClose(info) {
      metrics.clients.set(registry()?.size() ?? 0);
      const node = nodeOf.get(info.streamId);
      if (node === undefined) return;
      nodeOf.delete(info.streamId);
      const left = (streamsOf.get(node) ?? 1) - 1;
      if (left > 0) return void streamsOf.set(node, left);
      streamsOf.delete(node);
      logger.info({ node }, 'client disconnected');
    },
    onAck(typeUrl, nodeId, version) {
      metrics.acks.inc({ type: shortType(typeUrl) });
      logger.debug({ node: nodeId, type: shortType(typeUrl), version }, 'ACK');
    },
    onNack(typeUrl, nodeId, version, errorMessage) {
      metrics.nacks.inc({ type: shortType(typeUrl) });
      // the engine logs the NACK with its error at warn level: count it, and keep a short line
      logger.debug({ node: nodeId, type: shortType(typeUrl), version, error: errorMessage }, 'NACK');
    },
    onResponse() {
      const eventAt = lifecycle.takePendingPush();
      if (eventAt !== undefined) metrics.pushLatency.observe((performance.now() - eventAt) / 1000);
    },
  };
}
