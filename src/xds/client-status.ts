// The client status service's answer, built from the registry: one ClientConfig per node, one
// GenericXdsConfig per resource its streams sent or were asked for (names, versions, ACK/NACK
// state and the NACK's message; never the resource itself). Plain objects in the protobufjs
// field names of envoy/service/status/v3/csds.proto.
import type { ResourceCache } from './cache.js';
import type { StreamInfo, StreamRecord } from './registry.js';
import type { ResourceStatus } from './status.js';
import type { TypeUrl } from './types.js';

interface StringMatcher {
  readonly exact?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly contains?: string;
  readonly ignore_case?: boolean;
  readonly safe_regex?: unknown;
}

interface NodeMatcher {
  readonly node_id?: StringMatcher;
  readonly node_metadatas?: readonly unknown[];
}

export interface ClientStatusRequest {
  readonly node_matchers?: readonly NodeMatcher[];
}

export type NodeTest = (nodeId: string) => boolean;

function stringTest(m: StringMatcher): NodeTest | string {
  const fold = (s: string) => (m.ignore_case ? s.toLowerCase() : s);
  const tests: [string | undefined, (id: string, v: string) => boolean][] = [
    [m.exact, (id, v) => id === v],
    [m.prefix, (id, v) => id.startsWith(v)],
    [m.suffix, (id, v) => id.endsWith(v)],
    [m.contains, (id, v) => id.includes(v)],
  ];
  const found = tests.find(([v]) => v !== undefined);
  if (!found || m.safe_regex !== undefined) return 'node_matchers: node_id supports exact, prefix, suffix and contains';
  const [value, test] = found;
  const want = fold(value ?? '');
  return (id) => test(fold(id), want);
}

/** Node matchers → one test (any matcher may match), or a sentence saying what is not supported. */
export function parseNodeMatchers(list: readonly NodeMatcher[]): NodeTest[] | string {
  const tests: NodeTest[] = [];
  for (const m of list) {
    if ((m.node_metadatas?.length ?? 0) > 0) return 'node_matchers: node_metadatas are not supported (node metadata is not kept)';
    if (!m.node_id) return 'node_matchers: a matcher needs node_id';
    const t = stringTest(m.node_id);
    if (typeof t === 'string') return t;
    tests.push(t);
  }
  return tests;
}

const STATUS = {
  acked: { config: 'SYNCED', client: 'ACKED' },
  nacked: { config: 'ERROR', client: 'NACKED' },
  sent: { config: 'STALE', client: 'UNKNOWN' },
  requested: { config: 'NOT_SENT', client: 'REQUESTED' },
} as const;

function timestamp(iso: string): { seconds: number; nanos: number } | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function genericConfig(typeUrl: TypeUrl, r: ResourceStatus, cache: ResourceCache): Record<string, unknown> {
  const current = cache.get(typeUrl, r.name)?.version;
  // ACKed, but the server holds a newer version it has not sent yet: not in sync
  const status = r.state === 'acked' && current !== undefined && current !== r.ackedVersion ? { ...STATUS.acked, config: 'STALE' } : STATUS[r.state];
  return {
    type_url: typeUrl,
    name: r.name,
    version_info: r.ackedVersion !== '' ? r.ackedVersion : r.sentVersion,
    last_updated: timestamp(r.ackedAt),
    config_status: status.config,
    client_status: status.client,
    error_state: r.nack ? { details: r.nack.error, version_info: r.nack.version, last_update_attempt: timestamp(r.nack.at) } : undefined,
  };
}

/** ClientStatusResponse for the nodes the tests select (none: every node). */
export function clientStatus(records: Iterable<StreamRecord>, cache: ResourceCache, tests: readonly NodeTest[]): Record<string, unknown> {
  const nodes = new Map<string, { info: StreamInfo; configs: Record<string, unknown>[] }>();
  for (const record of records) {
    const info = record.info();
    if (tests.length > 0 && !tests.some((t) => t(info.nodeId))) continue;
    const types = record.resources();
    if (types.length === 0) continue;
    let node = nodes.get(info.nodeId);
    if (!node) nodes.set(info.nodeId, (node = { info, configs: [] }));
    for (const { typeUrl, resources } of types) for (const r of resources) node.configs.push(genericConfig(typeUrl, r, cache));
  }
  const config = [...nodes.values()]
    .sort((a, b) => (a.info.nodeId < b.info.nodeId ? -1 : a.info.nodeId > b.info.nodeId ? 1 : 0))
    .map(({ info, configs }) => ({
      node: { id: info.nodeId, cluster: info.nodeCluster, user_agent_name: info.userAgent },
      generic_xds_configs: configs,
    }));
  return { config };
}
