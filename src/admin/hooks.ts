// xDS server hooks → metrics and log lines (client connected with its node id, ACK, NACK with the
// error). Called synchronously from the stream code: cheap, never throwing. A stream opens before
// its first request names the node, so "client connected" is logged at the node's first exchange.
import type { Logger } from '../log.js';
import type { XdsHooks } from '../xds/hooks.js';
import type { ClientRegistry } from '../xds/registry.js';
import { shortType, type Metrics } from './metrics.js';

/** `takePendingPush`: the time (performance.now) of the event whose result is being pushed, once. */
export function createXdsHooks(metrics: Metrics, logger: Logger, takePendingPush: () => number | undefined, registry: () => ClientRegistry | undefined): XdsHooks {
  const announced = new Set<string>();

  function seen(nodeId: string): void {
    if (announced.has(nodeId)) return;
    announced.add(nodeId);
    const streams = registry()?.list().filter((c) => c.nodeId === nodeId) ?? [];
    const first = streams[0];
    logger.info({ node: nodeId, cluster: first?.nodeCluster, userAgent: first?.userAgent, streams: streams.map((s) => `${s.service}/${s.variant}/${s.transport}`), peer: first?.peer }, 'client connected');
  }

  return {
    onStreamOpen(info) {
      metrics.setStreams(registry()?.size() ?? 0);
      logger.debug({ service: info.service, variant: info.variant, transport: info.transport, peer: info.peer, stream: info.streamId }, 'stream open');
    },
    onStreamClose(info) {
      metrics.setStreams(registry()?.size() ?? 0);
      const others = registry()?.list().some((c) => c.nodeId === info.nodeId) ?? false;
      if (!others && announced.delete(info.nodeId)) logger.info({ node: info.nodeId }, 'client disconnected');
    },
    onAck(typeUrl, nodeId, version) {
      seen(nodeId);
      metrics.countAck(typeUrl);
      logger.debug({ node: nodeId, type: shortType(typeUrl), version }, 'ACK');
    },
    onNack(typeUrl, nodeId, version, errorMessage) {
      seen(nodeId);
      metrics.countNack(typeUrl);
      // the engine logs the NACK with its error at warn level: count it, and keep a short line
      logger.debug({ node: nodeId, type: shortType(typeUrl), version, err: errorMessage }, 'NACK');
    },
    onResponse(_typeUrl, nodeId) {
      seen(nodeId);
      const eventAt = takePendingPush();
      if (eventAt !== undefined) metrics.observePush((performance.now() - eventAt) / 1000);
    },
  };
}
