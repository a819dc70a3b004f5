// What the janitor exports, from its own registry: every series name a query may use (histograms
// as their _bucket, _sum and _count series) with the label names it carries. The monitoring tests
// check the dashboard and the alert rules against it; the metrics test checks it against /metrics.
import { Histogram } from 'prom-client';
import { createMetrics } from '../../src/admin/metrics.js';

export type Catalogue = ReadonlyMap<string, ReadonlySet<string>>;

export function exportedSeries(): Catalogue {
  const out = new Map<string, ReadonlySet<string>>();
  for (const metric of createMetrics().registry.getMetricsAsArray()) {
    const declared: unknown = (metric as { labelNames?: unknown }).labelNames;
    const labels = Array.isArray(declared) ? declared.filter((l): l is string => typeof l === 'string') : [];
    if (metric instanceof Histogram) {
      out.set(`${metric.name}_bucket`, new Set([...labels, 'le']));
      out.set(`${metric.name}_sum`, new Set(labels));
      out.set(`${metric.name}_count`, new Set(labels));
    } else {
      out.set(metric.name, new Set(labels));
    }
  }
  return out;
}

/** Families registered (the names /metrics has a HELP line for). */
export function registeredFamilies(): string[] {
  return createMetrics()
    .registry.getMetricsAsArray()
    .map((m) => m.name)
    .sort();
}
