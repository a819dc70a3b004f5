// One delta ADS client on its own HTTP/2 connection, subscribed like Envoy: CDS and LDS wildcard,
// EDS for every EDS cluster, RDS for every route configuration the listeners name, SDS for every
// secret the listeners and clusters name. Every response is ACKed. It counts as holding everything
// once it has at least the minimum of clusters and listeners and no subscribed name is unanswered.
import { Client, credentials, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../../src/proto/root.js';
import type { ClientStatus, Minimum } from './protocol.js';
import { clusterReferences, listenerReferences, type References } from './resources.js';

export const TYPES = {
  cds: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  eds: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  lds: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  rds: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  sds: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;
export type Short = keyof typeof TYPES;
const SHORTS = Object.keys(TYPES) as Short[];
const shortOf = (url: string): Short | undefined => SHORTS.find((s) => TYPES[s] === url);

const REQUEST = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const RESPONSE = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

interface DecodedResponse {
  type_url: string;
  nonce: string;
  resources: { name: string; version: string; resource?: { value: Uint8Array } }[];
  removed_resources: string[];
}

export interface Held {
  readonly version: string;
  /** Kept for ClusterLoadAssignments only (checked and dumped). */
  readonly bytes?: Uint8Array;
}

export interface ClientEvents {
  /** A resource was received (after the client's own bookkeeping). */
  onResource(client: DeltaClient, type: Short, name: string, version: string, bytes: Uint8Array, at: number): void;
  onFirstResponse(client: DeltaClient, at: number): void;
  onComplete(client: DeltaClient, at: number): void;
}

export interface DeltaClient {
  readonly id: number;
  readonly held: Readonly<Record<Short, ReadonlyMap<string, Held>>>;
  status(): ClientStatus;
  close(): void;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** A length-delimited field: tag, varint length, bytes. */
function field(no: number, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const head = [(no << 3) | 2];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n < 0x80) {
      head.push(n);
      break;
    }
    head.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(head), bytes]);
}

/** An ACK framed by hand (DeltaDiscoveryRequest: type_url = 2, response_nonce = 6): one per response per client. */
const ack = (typeUrl: string, nonce: string): Buffer => Buffer.concat([field(2, typeUrl), field(6, nonce)]);
const bufferId = (b: Buffer): Buffer => b;
const perType = <T>(make: () => T): Record<Short, T> => ({ cds: make(), eds: make(), lds: make(), rds: make(), sds: make() });

/** What one stream knows; a new stream (after a drop) starts from nothing, like a restarted Envoy. */
interface StreamState {
  readonly call: ClientDuplexStream<Buffer, Buffer>;
  readonly held: Record<Short, Map<string, Held>>;
  readonly subscribed: Record<Short, Set<string>>;
  readonly waiting: Record<Short, Set<string>>;
  readonly absent: Record<Short, Set<string>>;
  readonly got: { cds: boolean; lds: boolean };
  readonly listenerRefs: Map<string, References>;
  readonly clusterRefs: Map<string, References>;
  nodeSent: boolean;
  ended: boolean;
}

/** Like Envoy's first retry: a dropped stream is opened again after this long. */
const RECONNECT_MS = 500;

export function openDeltaClient(target: string, id: number, minimum: Minimum, events: ClientEvents): DeltaClient {
  const grpc = new Client(target, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': -1,
  });
  let firstAt: number | undefined;
  let complete = false;
  let closed = false;
  let drops = 0;
  let lastError: string | undefined;

  const send = (st: StreamState, type: Short, fields: Record<string, unknown>): void => {
    const node = st.nodeSent ? {} : { node: { id: `bench-${id}`, cluster: 'bench', user_agent_name: 'xds-bench' } };
    st.nodeSent = true;
    st.call.write(Buffer.from(REQUEST.encode(REQUEST.fromObject({ ...node, type_url: TYPES[type], ...fields })).finish()));
  };

  /** Subscribe and unsubscribe so that `type` follows exactly `wanted`. */
  const follow = (st: StreamState, type: Short, wanted: ReadonlySet<string>): void => {
    const add = [...wanted].filter((n) => !st.subscribed[type].has(n));
    const drop = [...st.subscribed[type]].filter((n) => !wanted.has(n));
    if (add.length === 0 && drop.length === 0) return;
    for (const n of add) {
      st.subscribed[type].add(n);
      if (!st.held[type].has(n)) st.waiting[type].add(n);
    }
    for (const n of drop) {
      st.subscribed[type].delete(n);
      st.waiting[type].delete(n);
      st.held[type].delete(n);
    }
    send(st, type, { resource_names_subscribe: add, resource_names_unsubscribe: drop });
  };

  const refreshSubscriptions = (st: StreamState): void => {
    const wanted = { eds: new Set<string>(), rds: new Set<string>(), sds: new Set<string>() };
    for (const refs of [...st.clusterRefs.values(), ...st.listenerRefs.values()]) {
      if (refs.eds !== undefined) wanted.eds.add(refs.eds);
      for (const r of refs.routes) wanted.rds.add(r);
      for (const s of refs.secrets) wanted.sds.add(s);
    }
    follow(st, 'eds', wanted.eds);
    follow(st, 'rds', wanted.rds);
    follow(st, 'sds', wanted.sds);
  };

  const checkComplete = (st: StreamState, at: number): void => {
    if (complete || !st.got.cds || !st.got.lds) return;
    if (st.held.cds.size < minimum.clusters || st.held.lds.size < minimum.listeners) return;
    if (SHORTS.some((s) => st.waiting[s].size > 0)) return;
    complete = true;
    events.onComplete(client, at);
  };

  const onResponse = (st: StreamState, buf: Buffer): void => {
    const at = now();
    const r = RESPONSE.decode(buf) as unknown as DecodedResponse;
    const type = shortOf(r.type_url);
    st.call.write(ack(r.type_url, r.nonce));
    if (firstAt === undefined) {
      firstAt = at;
      events.onFirstResponse(client, at);
    }
    if (!type) return;
    if (type === 'cds' || type === 'lds') st.got[type] = true;
    for (const name of r.removed_resources) {
      st.held[type].delete(name);
      st.waiting[type].delete(name);
      if (st.subscribed[type].has(name)) st.absent[type].add(name);
      if (type === 'lds') st.listenerRefs.delete(name);
      if (type === 'cds') st.clusterRefs.delete(name);
    }
    for (const res of r.resources) {
      const bytes = res.resource?.value ?? new Uint8Array();
      st.held[type].set(res.name, type === 'eds' ? { version: res.version, bytes } : { version: res.version });
      st.waiting[type].delete(res.name);
      st.absent[type].delete(res.name);
      if (type === 'lds') st.listenerRefs.set(res.name, listenerReferences(res.name, res.version, bytes));
      if (type === 'cds') st.clusterRefs.set(res.name, clusterReferences(res.name, res.version, bytes));
      events.onResource(client, type, res.name, res.version, bytes, at);
    }
    if (type === 'cds' || type === 'lds') refreshSubscriptions(st);
    checkComplete(st, at);
  };

  function connect(): StreamState {
    // like Envoy, keep trying to connect: 1,000 connects at once overflow a unix socket's backlog (EAGAIN)
    const call = grpc.makeBidiStreamRequest(METHOD, bufferId, bufferId, new Metadata({ waitForReady: true }));
    const st: StreamState = {
      call, held: perType(() => new Map()), subscribed: perType(() => new Set()), waiting: perType(() => new Set()),
      absent: perType(() => new Set()), got: { cds: false, lds: false }, listenerRefs: new Map(), clusterRefs: new Map(),
      nodeSent: false, ended: false,
    };
    const onEnd = (why: string): void => {
      if (st.ended || closed) return;
      st.ended = true;
      drops++;
      lastError = why;
      setTimeout(() => void (closed || (state = connect())), RECONNECT_MS);
    };
    call.on('data', (buf: Buffer) => onResponse(st, buf));
    call.on('error', (err: Error) => onEnd(err.message));
    call.on('end', () => onEnd('stream ended'));
    send(st, 'cds', {});
    send(st, 'lds', {});
    return st;
  }

  let state = connect();
  const counts = (sets: Record<Short, { size: number }>): Record<string, number> =>
    Object.fromEntries(SHORTS.map((s) => [s, sets[s].size]));
  const client: DeltaClient = {
    id,
    get held() {
      return state.held;
    },
    status: () => ({
      id, held: counts(state.held), waiting: counts(state.waiting), absent: counts(state.absent), complete, drops,
      ...(firstAt !== undefined ? { firstAt } : {}), ...(lastError ? { ended: lastError } : {}),
    }),
    close() {
      closed = true;
      state.call.cancel();
      grpc.close();
    },
  };
  return client;
}
