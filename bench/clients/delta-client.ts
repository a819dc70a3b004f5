// One delta ADS client on its own HTTP/2 connection, subscribed like Envoy: CDS and LDS wildcard,
// EDS for every EDS cluster, RDS for every route configuration the listeners name, SDS for every
// secret the listeners and clusters name. Every response is ACKed. It counts as holding everything
// once it has at least the minimum of clusters and listeners and no subscribed name is unanswered.
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
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

export function openDeltaClient(target: string, id: number, minimum: Minimum, events: ClientEvents): DeltaClient {
  const grpc = new Client(target, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': -1,
  });
  const call: ClientDuplexStream<Buffer, Buffer> = grpc.makeBidiStreamRequest(METHOD, bufferId, bufferId);
  const held = perType(() => new Map<string, Held>());
  const subscribed = perType(() => new Set<string>());
  const waiting = perType(() => new Set<string>());
  const absent = perType(() => new Set<string>());
  const got = { cds: false, lds: false };
  const listenerRefs = new Map<string, References>();
  const clusterRefs = new Map<string, References>();
  let first = true;
  let complete = false;
  let ended: string | undefined;
  let nodeSent = false;

  const send = (type: Short, fields: Record<string, unknown>): void => {
    const node = nodeSent ? {} : { node: { id: `bench-${id}`, cluster: 'bench', user_agent_name: 'xds-bench' } };
    nodeSent = true;
    call.write(Buffer.from(REQUEST.encode(REQUEST.fromObject({ ...node, type_url: TYPES[type], ...fields })).finish()));
  };

  /** Subscribe and unsubscribe so that `type` follows exactly `wanted`. */
  const follow = (type: Short, wanted: ReadonlySet<string>): void => {
    const add = [...wanted].filter((n) => !subscribed[type].has(n));
    const drop = [...subscribed[type]].filter((n) => !wanted.has(n));
    if (add.length === 0 && drop.length === 0) return;
    for (const n of add) {
      subscribed[type].add(n);
      if (!held[type].has(n)) waiting[type].add(n);
    }
    for (const n of drop) {
      subscribed[type].delete(n);
      waiting[type].delete(n);
      held[type].delete(n);
    }
    send(type, { resource_names_subscribe: add, resource_names_unsubscribe: drop });
  };

  const refreshSubscriptions = (): void => {
    const eds = new Set<string>();
    const rds = new Set<string>();
    const sds = new Set<string>();
    for (const refs of [...clusterRefs.values(), ...listenerRefs.values()]) {
      if (refs.eds !== undefined) eds.add(refs.eds);
      for (const r of refs.routes) rds.add(r);
      for (const s of refs.secrets) sds.add(s);
    }
    follow('eds', eds);
    follow('rds', rds);
    follow('sds', sds);
  };

  const checkComplete = (at: number): void => {
    if (complete || !got.cds || !got.lds) return;
    if (held.cds.size < minimum.clusters || held.lds.size < minimum.listeners) return;
    if (SHORTS.some((s) => waiting[s].size > 0)) return;
    complete = true;
    events.onComplete(client, at);
  };

  const onResponse = (buf: Buffer): void => {
    const at = now();
    const r = RESPONSE.decode(buf) as unknown as DecodedResponse;
    const type = shortOf(r.type_url);
    call.write(ack(r.type_url, r.nonce));
    if (first) {
      first = false;
      events.onFirstResponse(client, at);
    }
    if (!type) return;
    if (type === 'cds' || type === 'lds') got[type] = true;
    for (const name of r.removed_resources) {
      held[type].delete(name);
      waiting[type].delete(name);
      if (subscribed[type].has(name)) absent[type].add(name);
      if (type === 'lds') listenerRefs.delete(name);
      if (type === 'cds') clusterRefs.delete(name);
    }
    for (const res of r.resources) {
      const bytes = res.resource?.value ?? new Uint8Array();
      held[type].set(res.name, type === 'eds' ? { version: res.version, bytes } : { version: res.version });
      waiting[type].delete(res.name);
      absent[type].delete(res.name);
      if (type === 'lds') listenerRefs.set(res.name, listenerReferences(res.name, res.version, bytes));
      if (type === 'cds') clusterRefs.set(res.name, clusterReferences(res.name, res.version, bytes));
      events.onResource(client, type, res.name, res.version, bytes, at);
    }
    if (type === 'cds' || type === 'lds') refreshSubscriptions();
    checkComplete(at);
  };

  call.on('data', onResponse);
  call.on('error', (err: Error) => void (ended ??= err.message));
  call.on('end', () => void (ended ??= 'stream ended'));
  send('cds', {});
  send('lds', {});

  const counts = (sets: Record<Short, { size: number }>): Record<string, number> =>
    Object.fromEntries(SHORTS.map((s) => [s, sets[s].size]));
  const client: DeltaClient = {
    id,
    held,
    status: () => ({ id, held: counts(held), waiting: counts(waiting), absent: counts(absent), complete, ...(ended ? { ended } : {}) }),
    close() {
      call.cancel();
      grpc.close();
    },
  };
  return client;
}
