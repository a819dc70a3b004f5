// Prometheus metrics of the janitor (prom-client, one registry per janitor so tests can run several).
// Every metric is defined here, named by Prometheus conventions (`xds_` prefix, `_total` on
// counters, base units: seconds, bytes), next to the process and Node.js metrics under their
// standard names. Callers use the small typed functions of `Metrics`: they never spell a metric or
// a label, and label values come from closed sets (type URLs, states) or are bounded (node ids).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClientInfo } from '../xds/registry.js';
import { ADS_ORDER, type TypeUrl } from '../xds/types.js';
import { packageVersion, protosVersion } from '../version.js';
import { MAX_NODES, SYNC_STATES, clientSync } from './client-sync.js';

/** What a source counts itself (src/source/types.ts SourceCounts has these fields). */
export interface SourceTotals {
  readonly resyncs: number;
  readonly antiEntropyRepairs: number;
  readonly refusedEdits: number;
  readonly secretFetchFailures: number;
}

/** States of the cluster source, one `xds_source_state` series each. */
export const SOURCE_STATES = ['connecting', 'live', 'stale', 'held', 'refused'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

export interface Metrics {
  readonly registry: Registry;
  /** One batch of changed services rebuilt and applied to the cache. */
  observeBuild(seconds: number): void;
  /** From a source event to the first xDS response carrying its result. */
  observePush(seconds: number): void;
  setResources(typeUrl: TypeUrl, count: number): void;
  setStreams(count: number): void;
  countAck(typeUrl: TypeUrl): void;
  countNack(typeUrl: TypeUrl): void;
  setSourceState(source: string, state: SourceState): void;
  setInvalidServices(count: number): void;
  /** New conflicts between services (a listener match, SNI name or domain claimed twice). */
  countConflicts(count?: number): void;
  /** A `listener_port` allocation the source refused to persist. */
  countWriteBackFailure(): void;
  /**
   * Where the source's own totals are read at each scrape: refused edits, secret fetch failures,
   * resyncs (a full state fetched again after the first one) and anti-entropy repairs.
   */
  trackSource(source: string, read: () => SourceTotals | undefined): void;
  /** Where the served certificates' expiry times (secret name → Unix seconds) are read at each scrape. */
  trackCertificates(read: () => ReadonlyMap<string, number>): void;
  /** Where the per-client sync state and the node count are read from at each scrape. */
  trackClients(list: () => readonly ClientInfo[]): void;
}

/** `type.googleapis.com/envoy.config.cluster.v3.Cluster` → `Cluster`. */
export function shortType(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A counter whose value is the source's own total, read when scraped. */
function sourceCounter(registers: Registry[], name: string, help: string, total: (t: SourceTotals) => number, tracked: () => { source: string; read: () => SourceTotals | undefined } | undefined, labelled: boolean): Counter<'source'> {
  return new Counter({
    name,
    help,
    labelNames: labelled ? ['source'] : [],
    registers,
    collect() {
      const t = tracked();
      const totals = t?.read();
      if (t === undefined || totals === undefined) return;
      this.reset();
      if (labelled) this.inc({ source: t.source }, total(totals));
      else this.inc(total(totals));
    },
  });
}

/** `scrape` runs when the client gauges are collected, to read the connected clients then. */
function defineMetrics(registers: Registry[], scrape: () => void, tracked: () => { source: string; read: () => SourceTotals | undefined } | undefined, certificates: () => ReadonlyMap<string, number>) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Gauge<L>({ name, help, labelNames, registers });
  return {
    buildInfo: gauge('xds_build_info', 'Always 1: the janitor version, the Node.js version and the source of the Envoy v3 protos', ['version', 'nodejs', 'protos']),
    buildDuration: new Histogram({ name: 'xds_build_duration_seconds', help: 'Time to rebuild one batch of changed services and apply it to the cache', buckets: LATENCY_BUCKETS.slice(0, -1), registers }),
    pushLatency: new Histogram({ name: 'xds_event_to_push_seconds', help: 'Time from a source event to the first xDS response carrying its result', buckets: LATENCY_BUCKETS, registers }),
    resources: gauge('xds_resources', 'Resources served, per type', ['type']),
    streams: gauge('xds_connected_streams', 'Open xDS streams'),
    nodes: new Gauge({ name: 'xds_connected_nodes', help: 'Distinct Envoy node ids with an open xDS stream', registers, collect: scrape }),
    clientSync: new Gauge({
      name: 'xds_client_sync',
      help: `Per Envoy node (at most ${MAX_NODES}) and type, 1 for its sync state (${SYNC_STATES.join(', ')}), 0 for the others`,
      labelNames: ['node', 'type', 'state'] as const,
      registers,
      collect: scrape,
    }),
    acks: counter('xds_acks_total', 'ACKs received, per type', ['type']),
    nacks: counter('xds_nacks_total', 'NACKs received, per type', ['type']),
    sourceState: gauge('xds_source_state', `Cluster source state: 1 for the current one (${SOURCE_STATES.join(', ')}), 0 for the others`, ['source', 'state']),
    invalidServices: gauge('xds_invalid_services', 'Services with problems (served from their last valid state, or not served)'),
    conflicts: counter('xds_conflicts_total', 'Conflicts between services detected (the later service loses the colliding part)'),
    refusedEdits: sourceCounter(registers, 'xds_source_refused_edits_total', 'Edits of the cluster refused by the source (the last good state is kept)', (t) => t.refusedEdits, tracked, true),
    writeBackFailures: counter('xds_port_writeback_failures_total', 'Allocated listener ports the source failed to persist'),
    secretFailures: sourceCounter(registers, 'xds_secret_fetch_failures_total', 'Secret reads from the source that failed', (t) => t.secretFetchFailures, tracked, false),
    resyncs: sourceCounter(registers, 'xds_source_resyncs_total', 'Full states fetched again from the source after the first one (reconnect, id gap, apply error, confirmation)', (t) => t.resyncs, tracked, true),
    repairs: sourceCounter(registers, 'xds_source_repairs_total', 'Differences with the source found and repaired by anti-entropy checks', (t) => t.antiEntropyRepairs, tracked, true),
    certificateExpiry: new Gauge({
      name: 'xds_certificate_expiry_timestamp_seconds',
      help: 'Unix time when the leaf certificate of a served secret expires',
      labelNames: ['secret'] as const,
      registers,
      collect() {
        const expiries = certificates();
        this.reset();
        for (const [secret, seconds] of expiries) this.set({ secret }, seconds);
      },
    }),
  };
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  let clients: () => readonly ClientInfo[] = () => [];
  let source: { source: string; read: () => SourceTotals | undefined } | undefined;
  let certificates: () => ReadonlyMap<string, number> = () => new Map();
  const m = defineMetrics([registry], () => {
    const { nodes, series } = clientSync(clients());
    m.nodes.set(nodes);
    m.clientSync.reset();
    for (const s of series) {
      for (const state of SYNC_STATES) m.clientSync.set({ node: s.node, type: shortType(s.typeUrl), state }, state === s.state ? 1 : 0);
    }
  }, () => source, () => certificates());
  m.buildInfo.set({ version: packageVersion(), nodejs: process.versions.node, protos: protosVersion() }, 1);
  for (const typeUrl of ADS_ORDER) {
    m.acks.inc({ type: shortType(typeUrl) }, 0);
    m.nacks.inc({ type: shortType(typeUrl) }, 0);
  }
  return {
    registry,
    observeBuild: (seconds) => m.buildDuration.observe(seconds),
    observePush: (seconds) => m.pushLatency.observe(seconds),
    setResources: (typeUrl, count) => m.resources.set({ type: shortType(typeUrl) }, count),
    setStreams: (count) => m.streams.set(count),
    countAck: (typeUrl) => m.acks.inc({ type: shortType(typeUrl) }),
    countNack: (typeUrl) => m.nacks.inc({ type: shortType(typeUrl) }),
    setSourceState(source, state) {
      for (const s of SOURCE_STATES) m.sourceState.set({ source, state: s }, s === state ? 1 : 0);
    },
    setInvalidServices: (count) => m.invalidServices.set(count),
    countConflicts: (count = 1) => m.conflicts.inc(count),
    countWriteBackFailure: () => m.writeBackFailures.inc(),
    trackSource(name, read) {
      source = { source: name, read };
    },
    trackCertificates(read) {
      certificates = read;
    },
    trackClients(list) {
      clients = list;
    },
  };
}
