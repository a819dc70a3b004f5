// Prometheus metrics of the janitor (prom-client, one registry per janitor so tests can run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Seconds to rebuild one batch of services and apply it to the cache. */
  readonly buildDuration: Histogram;
  /** Seconds from a source event to the first response that carries its result. */
  readonly pushLatency: Histogram;
  readonly resources: Gauge<'type'>;
  readonly clients: Gauge;
  readonly acks: Counter<'type'>;
  readonly nacks: Counter<'type'>;
  /** 1 live, 0 stale (unreachable: the last state is served), -1 not connected yet. */
  readonly sourceState: Gauge<'source'>;
  readonly invalidServices: Gauge;
}

/** `type.googleapis.com/envoy.config.cluster.v3.Cluster` → `Cluster`. */
export function shortType(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'xds_process_' });
  const registers = [registry];
  return {
    registry,
    buildDuration: new Histogram({
      name: 'xds_build_duration_seconds',
      help: 'Time to rebuild one batch of changed services and apply it to the cache',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    pushLatency: new Histogram({
      name: 'xds_event_to_push_seconds',
      help: 'Time from a source event to the first xDS response carrying its result',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    resources: new Gauge({ name: 'xds_resources', help: 'Resources served, per type', labelNames: ['type'], registers }),
    clients: new Gauge({ name: 'xds_connected_streams', help: 'Open xDS streams', registers }),
    acks: new Counter({ name: 'xds_acks_total', help: 'ACKs received, per type', labelNames: ['type'], registers }),
    nacks: new Counter({ name: 'xds_nacks_total', help: 'NACKs received, per type', labelNames: ['type'], registers }),
    sourceState: new Gauge({ name: 'xds_source_up', help: 'Cluster source state: 1 live, 0 stale (last state kept), -1 not connected yet', labelNames: ['source'], registers }),
    invalidServices: new Gauge({ name: 'xds_invalid_services', help: 'Services with problems (served from their last valid state, or not served)', registers }),
  };
}
