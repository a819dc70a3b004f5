// The source's own totals (resyncs, held snapshots, anti-entropy checks and repairs, refused file
// edits, secret fetch failures, oversized messages) as one Prometheus counter, read from the
// source when scraped: `xds_source_events_total{source, event}`.
import { Counter, type Registry } from 'prom-client';
import type { SourceCounts } from '../source/types.js';

const EVENTS: Readonly<Record<keyof SourceCounts, string>> = {
  resyncs: 'resync',
  heldSnapshots: 'held',
  antiEntropyChecks: 'anti_entropy_check',
  antiEntropyRepairs: 'anti_entropy_repair',
  refusedEdits: 'refused_edit',
  secretFetchFailures: 'secret_fetch_failure',
  oversizedMessages: 'oversized_message',
};

export function registerSourceCounts(registry: Registry, source: string, read: () => SourceCounts | undefined): void {
  new Counter({
    name: 'xds_source_events_total',
    help: 'Source events: resync (full re-read), held (a snapshot or edit held back), anti_entropy_check, anti_entropy_repair (a difference found and repaired), refused_edit (cluster file), secret_fetch_failure, oversized_message',
    labelNames: ['source', 'event'],
    registers: [registry],
    collect() {
      const counts = read();
      if (!counts) return;
      this.reset();
      for (const [key, event] of Object.entries(EVENTS) as [keyof SourceCounts, string][]) this.inc({ source, event }, counts[key]);
    },
  });
}
