// The baseline's delta ADS server: resources held as framed bytes per type; wildcard for CDS and
// LDS, explicit names otherwise; newly subscribed names are sent at once (after the first snapshot);
// an upsert is fanned out to every stream that wants it, one response body shared by all of them.
// No ACK bookkeeping, no backpressure, no SotW: a minimal server for comparison only.
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../../src/proto/root.js';
import type { Entry } from './resources.js';
import { frame } from './wire.js';

const REQUEST = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const WILDCARD_TYPES = new Set(['type.googleapis.com/envoy.config.cluster.v3.Cluster', 'type.googleapis.com/envoy.config.listener.v3.Listener']);

interface DeltaRequest {
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
}

interface Subscription {
  wildcard: boolean;
  readonly names: Set<string>;
}

type Call = ServerDuplexStream<Buffer, Buffer>;
interface Stream {
  readonly call: Call;
  readonly types: Map<string, Subscription>;
}

export interface BaselineXds {
  readonly server: Server;
  /** Serve from now on (everything asked so far is sent). */
  ready(): void;
  /** Store these resources and send them to every stream that wants them. */
  upsert(entries: readonly Entry[]): void;
}

const id = (b: Buffer): Buffer => b;

export function createBaselineXds(): BaselineXds {
  const store = new Map<string, Map<string, Entry>>();
  const streams = new Set<Stream>();
  let isReady = false;
  let nonce = 0;

  const body = (typeUrl: string, entries: readonly Entry[]): Buffer =>
    Buffer.concat([...entries.map((e) => frame(2, e.framed)), frame(4, typeUrl), frame(5, String(++nonce))]);

  const wants = (sub: Subscription | undefined, name: string): boolean => !!sub && (sub.wildcard || sub.names.has(name));

  function send(stream: Stream, typeUrl: string, names: Iterable<string> | 'all', always: boolean): void {
    const known = store.get(typeUrl) ?? new Map<string, Entry>();
    const entries = names === 'all' ? [...known.values()] : [...names].flatMap((n) => known.get(n) ?? []);
    if (entries.length > 0 || always) stream.call.write(body(typeUrl, entries));
  }

  function onRequest(stream: Stream, req: DeltaRequest): void {
    let sub = stream.types.get(req.type_url);
    const firstRequest = !sub;
    if (!sub) {
      sub = { wildcard: WILDCARD_TYPES.has(req.type_url) && req.resource_names_subscribe.length === 0, names: new Set() };
      stream.types.set(req.type_url, sub);
    }
    for (const n of req.resource_names_unsubscribe) sub.names.delete(n);
    const added = req.resource_names_subscribe.filter((n) => n !== '*');
    if (req.resource_names_subscribe.includes('*')) sub.wildcard = true;
    for (const n of added) sub.names.add(n);
    if (!isReady) return;
    if (firstRequest && sub.wildcard) send(stream, req.type_url, 'all', true);
    else if (added.length > 0) send(stream, req.type_url, added, false);
  }

  const server = new Server();
  server.addService(
    {
      DeltaAggregatedResources: {
        path: '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources',
        requestStream: true, responseStream: true,
        requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id,
      },
    },
    {
      DeltaAggregatedResources: (call: Call) => {
        const stream: Stream = { call, types: new Map() };
        streams.add(stream);
        call.on('data', (buf: Buffer) => onRequest(stream, REQUEST.decode(buf) as unknown as DeltaRequest));
        call.on('error', () => streams.delete(stream));
        call.on('cancelled', () => streams.delete(stream));
        call.on('end', () => {
          streams.delete(stream);
          call.end();
        });
      },
    },
  );

  return {
    server,
    ready() {
      isReady = true;
      for (const stream of streams) {
        for (const [typeUrl, sub] of stream.types) send(stream, typeUrl, sub.wildcard ? 'all' : sub.names, sub.wildcard);
      }
    },
    upsert(entries) {
      const byType = new Map<string, Entry[]>();
      for (const e of entries) {
        const known = store.get(e.typeUrl) ?? new Map<string, Entry>();
        store.set(e.typeUrl, known);
        if (known.get(e.name)?.version === e.version) continue;
        known.set(e.name, e);
        byType.set(e.typeUrl, [...(byType.get(e.typeUrl) ?? []), e]);
      }
      if (!isReady) return;
      for (const [typeUrl, changed] of byType) {
        const shared = new Map<string, Buffer>();
        for (const stream of streams) {
          const sub = stream.types.get(typeUrl);
          const mine = changed.filter((e) => wants(sub, e.name));
          if (mine.length === 0) continue;
          const key = mine.map((e) => e.name).join('\0');
          let bytes = shared.get(key);
          if (!bytes) shared.set(key, (bytes = body(typeUrl, mine)));
          stream.call.write(bytes);
        }
      }
    },
  };
}

export function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}
