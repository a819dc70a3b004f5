// xDS server hooks → metrics and log lines (client connected with its node id, ACK, NACK with the
// error). Called synchronously from the stream code: O(1) each, never throwing. "client
// connected" is logged when a node's first stream is admitted, "client disconnected" when its last
// stream closes: a count of open streams per node, never a pass over every stream.
import type { Logger } from '../log.js';
import type { XdsHooks } from '../xds/hooks.js';
import type { ClientRegistry } from '../xds/registry.js';
import { shortType, type Metrics } from './metrics.js';

/** `takePendingPush`: the time (performance.now) of the event whose result is being pushed, once. */
export function createXdsHooks(metrics: Metrics, logger: Logger, takePendingPush: () => number | undefined, registry: () => ClientRegistry | undefined): XdsHooks {
  /** Open streams per admitted node id, and the node of each admitted stream. */
  const streamsOf = new Map<string, number>();
  const nodeOf = new Map<number, string>();

  return {
    onStreamOpen(info) {
      metrics.setStreams(registry()?.size() ?? 0);
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
      metrics.setStreams(registry()?.size() ?? 0);
      const node = nodeOf.get(info.streamId);
      if (node === undefined) return;
      nodeOf.delete(info.streamId);
      const left = (streamsOf.get(node) ?? 1) - 1;
      if (left > 0) return void streamsOf.set(node, left);
      streamsOf.delete(node);
      logger.info({ node }, 'client disconnected');
    },
    onAck(typeUrl, nodeId, version) {
      metrics.countAck(typeUrl);
      logger.debug({ node: nodeId, type: shortType(typeUrl), version }, 'ACK');
    },
    onNack(typeUrl, nodeId, version, errorMessage) {
      metrics.countNack(typeUrl);
      // the engine logs the NACK with its error at warn level: count it, and keep a short line
      logger.debug({ node: nodeId, type: shortType(typeUrl), version, err: errorMessage }, 'NACK');
    },
    onResponse() {
      const eventAt = takePendingPush();
      if (eventAt !== undefined) metrics.observePush((performance.now() - eventAt) / 1000);
    },
  };
}
