// A raw gRPC xDS test client (SotW and Delta, ADS and per-type, over TCP or a unix socket).
// It decodes every response with the protobufjs Envoy types and checks, on EVERY response:
// nonce set and strictly increasing on the stream, version_info set (SotW), each resource's type
// URL equal to the response's, no duplicate names, no name both sent and removed (Delta).
//
//   const c = await connectXds({ address: `127.0.0.1:${port}`, nodeId: 'n1', variant: 'sotw' });
//   c.request(TYPE.cluster);                       // SotW: wildcard; Delta: c.subscribe(TYPE.cluster, [])
//   const r = await c.nextResponse(TYPE.cluster);  // r.resources[0].message is a plain object
//   c.ack(r); c.close();
import { Client, credentials, type ChannelCredentials, type ChannelOptions, type ClientDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../../../src/proto/root.js';
import { TYPE, type TypeUrl } from '../../../src/xds/types.js';
import { checkResponse, type DeltaResponse, type SotwResponse, type XdsResponse } from './decode.js';

export type { DecodedResource, DeltaResponse, SotwResponse, XdsResponse } from './decode.js';

export type ServiceKind = 'ads' | 'lds' | 'rds' | 'cds' | 'eds' | 'sds';

export interface ConnectOptions {
  /** `host:port` for TCP, or use unixPath. */
  readonly address?: string;
  readonly unixPath?: string;
  readonly nodeId: string;
  readonly nodeCluster?: string;
  readonly variant: 'sotw' | 'delta';
  /** Default 'ads'. */
  readonly service?: ServiceKind;
  /** Default insecure (plaintext). */
  readonly credentials?: ChannelCredentials;
  /** Extra channel options, e.g. { 'grpc.use_local_subchannel_pool': 1 } for a connection of its own. */
  readonly channelOptions?: ChannelOptions;
  /** More fields of the first request's Node (metadata, locality, ...). */
  readonly nodeExtra?: Record<string, unknown>;
  /** The user agent the node declares (default xds-test-client). */
  readonly userAgent?: string;
}

const SERVICE: Record<ServiceKind, { full: string; noun: string; typeUrl: TypeUrl | undefined }> = {
  ads: { full: 'envoy.service.discovery.v3.AggregatedDiscoveryService', noun: 'AggregatedResources', typeUrl: undefined },
  lds: { full: 'envoy.service.listener.v3.ListenerDiscoveryService', noun: 'Listeners', typeUrl: TYPE.listener },
  rds: { full: 'envoy.service.route.v3.RouteDiscoveryService', noun: 'Routes', typeUrl: TYPE.route },
  cds: { full: 'envoy.service.cluster.v3.ClusterDiscoveryService', noun: 'Clusters', typeUrl: TYPE.cluster },
  eds: { full: 'envoy.service.endpoint.v3.EndpointDiscoveryService', noun: 'Endpoints', typeUrl: TYPE.endpoint },
  sds: { full: 'envoy.service.secret.v3.SecretDiscoveryService', noun: 'Secrets', typeUrl: TYPE.secret },
};

export interface RequestOptions {
  /** SotW: version_info to send; default the last version ACKed for the type. */
  readonly versionInfo?: string;
  /** Default the last nonce received for the type ('' before any). */
  readonly nonce?: string;
  readonly errorMessage?: string;
  /** Omit type_url (per-type streams may). */
  readonly omitTypeUrl?: boolean;
  /** Delta first request: name → version the client holds. */
  readonly initialVersions?: Record<string, string>;
}

export interface XdsTestClient {
  /** SotW request: names replace the previous list ([] = wildcard until a name was sent). */
  request(typeUrl: TypeUrl, names?: readonly string[], opts?: RequestOptions): void;
  /** Delta request: subscribe / unsubscribe names. */
  subscribe(typeUrl: TypeUrl, names: readonly string[], opts?: RequestOptions): void;
  unsubscribe(typeUrl: TypeUrl, names: readonly string[], opts?: RequestOptions): void;
  /** The next response of this type (or of any type), in arrival order. */
  nextResponse(typeUrl?: TypeUrl, opts?: { timeoutMs?: number }): Promise<XdsResponse>;
  nextSotw(typeUrl?: TypeUrl, opts?: { timeoutMs?: number }): Promise<SotwResponse>;
  nextDelta(typeUrl?: TypeUrl, opts?: { timeoutMs?: number }): Promise<DeltaResponse>;
  /** Resolves when no response (of this type) arrives within ms; rejects otherwise. */
  expectQuiet(ms: number, typeUrl?: TypeUrl): Promise<void>;
  ack(resp: XdsResponse): void;
  nack(resp: XdsResponse, message: string): void;
  /** Every response received so far, in order. */
  readonly received: readonly XdsResponse[];
  /** Stop reading from the stream (flow control then stops the server) / resume. */
  pause(): void;
  resume(): void;
  /** Resolves with the gRPC status when the server ends the stream. */
  readonly ended: Promise<{ code: number; details: string }>;
  close(): void;
}

interface Waiter {
  typeUrl: TypeUrl | undefined;
  resolve: (r: XdsResponse) => void;
  reject: (e: Error) => void;
}

export async function connectXds(opts: ConnectOptions): Promise<XdsTestClient> {
  const service = SERVICE[opts.service ?? 'ads'];
  const target = opts.unixPath ? `unix:${opts.unixPath}` : (opts.address ?? '');
  const client = new Client(target, opts.credentials ?? credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, ...opts.channelOptions });
  const path = `/${service.full}/${opts.variant === 'sotw' ? 'Stream' : 'Delta'}${service.noun}`;
  const id = (b: Buffer): Buffer => b;
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(path, id, id);
  const received: XdsResponse[] = [];
  const unread: XdsResponse[] = [];
  const waiters: Waiter[] = [];
  const acked = new Map<string, string>();
  const lastNonce = new Map<string, string>();
  const invariants = { lastNonce: -1 };
  let failure: Error | undefined;
  let sentNode = false;

  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on('status', (s: { code: number; details: string }) => resolve({ code: s.code, details: s.details }));
  });
  call.on('error', () => undefined);
  call.on('data', (buf: Buffer) => {
    let resp: XdsResponse;
    try {
      resp = checkResponse(opts.variant, buf, invariants);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      for (const w of waiters.splice(0)) w.reject(failure);
      return;
    }
    received.push(resp);
    lastNonce.set(resp.typeUrl, resp.nonce);
    const i = waiters.findIndex((w) => w.typeUrl === undefined || w.typeUrl === resp.typeUrl);
    const w = i >= 0 ? waiters.splice(i, 1)[0] : undefined;
    if (w) w.resolve(resp);
    else unread.push(resp);
  });

  const node = (): Record<string, unknown> | undefined => {
    if (sentNode) return undefined;
    sentNode = true;
    return { id: opts.nodeId, cluster: opts.nodeCluster ?? 'test-cluster', user_agent_name: opts.userAgent ?? 'xds-test-client', ...opts.nodeExtra };
  };
  const errorDetail = (o?: RequestOptions) => (o?.errorMessage !== undefined ? { code: 3, message: o.errorMessage } : undefined);

  const sendSotw = (typeUrl: TypeUrl, names: readonly string[], o?: RequestOptions): void => {
    const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
    const msg = t.fromObject({
      version_info: o?.versionInfo ?? acked.get(typeUrl) ?? '',
      node: node(),
      resource_names: [...names],
      type_url: o?.omitTypeUrl ? '' : typeUrl,
      response_nonce: o?.nonce ?? lastNonce.get(typeUrl) ?? '',
      error_detail: errorDetail(o),
    });
    call.write(Buffer.from(t.encode(msg).finish()));
  };
  const sotwNames = new Map<string, readonly string[]>();

  const sendDelta = (typeUrl: TypeUrl, sub: readonly string[], unsub: readonly string[], o?: RequestOptions): void => {
    const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
    const msg = t.fromObject({
      node: node(),
      type_url: o?.omitTypeUrl ? '' : typeUrl,
      resource_names_subscribe: [...sub],
      resource_names_unsubscribe: [...unsub],
      initial_resource_versions: o?.initialVersions ?? {},
      response_nonce: o?.nonce ?? '',
      error_detail: errorDetail(o),
    });
    call.write(Buffer.from(t.encode(msg).finish()));
  };

  const next = (typeUrl: TypeUrl | undefined, timeoutMs = 3000): Promise<XdsResponse> => {
    if (failure) return Promise.reject(failure);
    const i = unread.findIndex((r) => typeUrl === undefined || r.typeUrl === typeUrl);
    if (i >= 0) return Promise.resolve(unread.splice(i, 1)[0] as XdsResponse);
    return new Promise((resolve, reject) => {
      const w: Waiter = { typeUrl, resolve, reject };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1);
        reject(new Error(`no ${typeUrl ?? 'xDS'} response within ${timeoutMs} ms`));
      }, timeoutMs);
      w.resolve = (r) => (clearTimeout(timer), resolve(r));
      w.reject = (e) => (clearTimeout(timer), reject(e));
      waiters.push(w);
    });
  };

  return {
    received,
    ended,
    request(typeUrl, names = [], o) {
      sotwNames.set(typeUrl, names);
      sendSotw(typeUrl, names, o);
    },
    subscribe: (typeUrl, names, o) => sendDelta(typeUrl, names, [], o),
    unsubscribe: (typeUrl, names, o) => sendDelta(typeUrl, [], names, o),
    nextResponse: (typeUrl, o) => next(typeUrl, o?.timeoutMs),
    nextSotw: async (typeUrl, o) => {
      const r = await next(typeUrl, o?.timeoutMs);
      if (r.kind !== 'sotw') throw new Error('expected a SotW response');
      return r;
    },
    nextDelta: async (typeUrl, o) => {
      const r = await next(typeUrl, o?.timeoutMs);
      if (r.kind !== 'delta') throw new Error('expected a Delta response');
      return r;
    },
    async expectQuiet(ms, typeUrl) {
      const r = await next(typeUrl, ms).then((x) => x, () => undefined);
      if (r) throw new Error(`unexpected ${r.typeUrl} response (nonce ${r.nonce}, ${r.resources.length} resources)`);
    },
    ack(resp) {
      if (resp.kind === 'sotw') {
        acked.set(resp.typeUrl, resp.versionInfo);
        sendSotw(resp.typeUrl, sotwNames.get(resp.typeUrl) ?? [], { nonce: resp.nonce, versionInfo: resp.versionInfo });
      } else sendDelta(resp.typeUrl, [], [], { nonce: resp.nonce });
    },
    nack(resp, message) {
      if (resp.kind === 'sotw') {
        sendSotw(resp.typeUrl, sotwNames.get(resp.typeUrl) ?? [], { nonce: resp.nonce, errorMessage: message });
      } else sendDelta(resp.typeUrl, [], [], { nonce: resp.nonce, errorMessage: message });
    },
    pause: () => call.pause(),
    resume: () => call.resume(),
    close() {
      call.cancel();
      client.close();
    },
  };
}

/** Same as connectXds with the ADS service. */
export const connectAds = (opts: Omit<ConnectOptions, 'service'>): Promise<XdsTestClient> =>
  connectXds({ ...opts, service: 'ads' });
