// `xds status` output: the janitor's /clients (one entry per xDS stream) as rows people read, and
// as a JSON report with the per-type state under the short names operators use (CDS, EDS, ...).
import type { ClientInfo, NackInfo, SyncState } from '../xds/registry.js';
import { ADS_ORDER, TYPE, type TypeUrl } from '../xds/types.js';
import { ago, renderTable } from './table.js';

const SHORT: Record<TypeUrl, string> = { [TYPE.cluster]: 'CDS', [TYPE.endpoint]: 'EDS', [TYPE.secret]: 'SDS', [TYPE.listener]: 'LDS', [TYPE.route]: 'RDS' };
const COLUMNS = ADS_ORDER.map((t) => SHORT[t]);

export interface TypeReport {
  readonly sync: SyncState;
  readonly ackedVersion: string;
  readonly sentVersion: string;
  readonly lastAckAt: string | null;
  readonly nack: NackInfo | null;
}

export interface StreamReport {
  readonly node: string;
  readonly cluster: string;
  readonly userAgent: string;
  readonly stream: number;
  /** `ads` or the per-type service (`lds`, `cds`, ...). */
  readonly service: string;
  readonly variant: string;
  readonly transport: string;
  readonly peer: string;
  readonly connectedSince: string;
  /** The most recent ACK on any type of the stream; null before the first. */
  readonly lastAckAt: string | null;
  readonly secondsSinceLastAck: number | null;
  /** Keyed CDS, EDS, SDS, LDS, RDS: only the types the stream asked for. */
  readonly types: Readonly<Record<string, TypeReport>>;
}

export interface StatusReport {
  readonly admin: string;
  readonly at: string;
  readonly streams: readonly StreamReport[];
}

function stream(c: ClientInfo, now: number): StreamReport {
  const types: Record<string, TypeReport> = {};
  let last: string | null = null;
  for (const t of ADS_ORDER) {
    const s = c.types[t];
    if (!s) continue;
    types[SHORT[t]] = { sync: s.sync, ackedVersion: s.ackedVersion, sentVersion: s.sentVersion, lastAckAt: s.lastAckAt, nack: s.sync === 'NACKED' ? s.lastNack : null };
    if (s.lastAckAt !== null && (last === null || s.lastAckAt > last)) last = s.lastAckAt;
  }
  return {
    node: c.nodeId, cluster: c.nodeCluster, userAgent: c.userAgent, stream: c.streamId, service: c.service, variant: c.variant, transport: c.transport, peer: c.peer,
    connectedSince: c.connectedSince, lastAckAt: last, secondsSinceLastAck: last === null ? null : Math.max(0, Math.round((now - Date.parse(last)) / 1000)), types,
  };
}

export function proxyStatus(admin: string, clients: readonly ClientInfo[], now: number): StatusReport {
  const streams = clients.map((c) => stream(c, now)).sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.stream - b.stream));
  return { admin, at: new Date(now).toISOString(), streams };
}

export function formatStatus(r: StatusReport): string {
  if (r.streams.length === 0) return `no Envoy connected to ${r.admin}\n`;
  const now = Date.parse(r.at);
  const rows = r.streams.map((s) => [
    s.node || '(no node yet)', s.cluster || '-', `${s.service}/${s.variant}/${s.transport}`,
    ...COLUMNS.map((c) => s.types[c]?.sync ?? '-'),
    s.lastAckAt === null ? 'never' : `${ago(now - Date.parse(s.lastAckAt))} ago`,
    ago(now - Date.parse(s.connectedSince)),
  ]);
  const table = renderTable(['NODE', 'CLUSTER', 'STREAM', ...COLUMNS, 'LAST ACK', 'CONNECTED'], rows);
  const nacks = r.streams.flatMap((s) => Object.entries(s.types).flatMap(([t, x]) => (x.nack ? [`  ${s.node} ${t} (stream ${s.stream}) rejected version ${x.nack.version || '(unknown)'}: ${x.nack.error}`] : [])));
  return nacks.length === 0 ? table : `${table}\nNACKed:\n${nacks.join('\n')}\n`;
}
