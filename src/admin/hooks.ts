// xDS server hooks → metrics and log lines (client connected with its node id, ACK, NACK with the
// error). Called synchronously from the stream code: cheap, never throwing.
import type { Lifecycle } from '../build/lifecycle.js';
import type { Logger } from '../log.js';
import type { XdsHooks } from '../xds/hooks.js';
import { shortType, type Metrics } from './metrics.js';

export function createXdsHooks(metrics: Metrics, logger: Logger, lifecycle: Lifecycle, streams: () => number): XdsHooks {
  return {
    onStreamOpen(info) {
      metrics.clients.set(streams());
      logger.info({ node: info.nodeId, cluster: info.nodeCluster, service: info.service, variant: info.variant, transport: info.transport, peer: info.peer, stream: info.streamId }, 'client connected');
    },
    onStreamClose(info) {
      metrics.clients.set(streams());
      logger.info({ node: info.nodeId, service: info.service, variant: info.variant, stream: info.streamId }, 'client disconnected');
    },
    onAck(typeUrl, nodeId, version) {
      metrics.acks.inc({ type: shortType(typeUrl) });
      logger.debug({ node: nodeId, type: shortType(typeUrl), version }, 'ACK');
    },
    onNack(typeUrl, nodeId, version, errorMessage) {
      metrics.nacks.inc({ type: shortType(typeUrl) });
      logger.warn({ node: nodeId, type: shortType(typeUrl), version, error: errorMessage }, 'NACK');
    },
    onResponse(_typeUrl, _nodeId, _count, _sentAtMs) {
      const eventAt = lifecycle.takePendingPush();
      if (eventAt !== undefined) metrics.pushLatency.observe((performance.now() - eventAt) / 1000);
    },
  };
}
