// Circuit breakers and outlier detection from their cluster-file keywords (the model types them),
// over cluster_data's own fields (cluster.ts merges this into the expose's settings): the keywords'
// threshold list replaces cluster_data's circuit_breakers thresholds; outlier_detection is merged
// field by field, the keywords winning.
import type { Expose } from '../model/types.js';
import { duration, uint32Value } from './core.js';
import type { JsonObject } from '../proto/json.js';

function present(entries: readonly (readonly [string, JsonObject | number | undefined])[]): JsonObject {
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as JsonObject;
}

/** cluster.v3.CircuitBreakers (one threshold, DEFAULT priority) and cluster.v3.OutlierDetection. */
export function resilience(expose: Expose): JsonObject {
  const cb = expose.circuitBreakers;
  const od = expose.outlierDetection;
  const wrap = (n: number | undefined) => (n === undefined ? undefined : uint32Value(n));
  const threshold = cb === undefined ? undefined : present([
    ['max_connections', wrap(cb.maxConnections)],
    ['max_pending_requests', wrap(cb.maxPendingRequests)],
    ['max_requests', wrap(cb.maxRequests)],
    ['max_retries', wrap(cb.maxRetries)],
  ]);
  const outlier = od === undefined ? undefined : present([
    ['consecutive_5xx', wrap(od.consecutive5xx)],
    ['interval', od.intervalMs === undefined ? undefined : duration(od.intervalMs)],
    ['base_ejection_time', od.baseEjectionTimeMs === undefined ? undefined : duration(od.baseEjectionTimeMs)],
    ['max_ejection_percent', wrap(od.maxEjectionPercent)],
  ]);
  return {
    ...(threshold !== undefined ? { circuit_breakers: { thresholds: [{ priority: 'DEFAULT', ...threshold }] } } : {}),
    ...(outlier !== undefined ? { outlier_detection: outlier } : {}),
  };
}
