// The Client Status Discovery Service (envoy.service.status.v3.ClientStatusDiscoveryService):
// which resources each connected node holds, per type, built from what its streams sent and what
// the client answered (client-status.ts). Served beside xDS on the same listeners, so it gets the
// same transport security (mutual TLS on TCP when configured, the unix socket's permissions).
// It carries names, versions and NACK messages, never resource contents. Answers are computed
// on demand over every stream: a small global rate keeps a tool in a loop from hogging the server.
import { status as GrpcStatus, type Server, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { messageType } from '../proto/root.js';
import type { ResourceCache } from './cache.js';
import { clientStatus, parseNodeMatchers, type ClientStatusRequest } from './client-status.js';
import { createStreamGuard, takeToken } from './guard.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ClientRegistry } from './registry.js';

export interface ClientStatusContext {
  readonly registry: ClientRegistry;
  readonly cache: ResourceCache;
  readonly closing: () => boolean;
}

const SERVICE = 'envoy.service.status.v3.ClientStatusDiscoveryService';
/** CSDS answers per second, all callers together, after a burst. */
const ANSWERS_PER_SECOND = 10;
const ANSWER_BURST = 20;

const requestType = () => messageType('envoy.service.status.v3.ClientStatusRequest');
const responseType = () => messageType('envoy.service.status.v3.ClientStatusResponse');
const decode = (buf: Buffer): ClientStatusRequest => requestType().toObject(requestType().decode(buf), { defaults: false }) as ClientStatusRequest;
const encode = (obj: Record<string, unknown>): Buffer => {
  const t = responseType();
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
};

interface Failure {
  readonly code: GrpcStatus;
  readonly details: string;
}

export function addClientStatusService(server: Server, ctx: ClientStatusContext): void {
  const rate = createStreamGuard({ ...DEFAULT_LIMITS, requestBurst: ANSWER_BURST, requestsPerSecond: ANSWERS_PER_SECOND });

  const answer = (req: ClientStatusRequest): Buffer | Failure => {
    if (ctx.closing()) return { code: GrpcStatus.UNAVAILABLE, details: 'server shutting down' };
    if (!takeToken(rate)) return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: `more than ${ANSWERS_PER_SECOND} client status requests per second: retry later` };
    const matchers = parseNodeMatchers(req.node_matchers ?? []);
    if (typeof matchers === 'string') return { code: GrpcStatus.INVALID_ARGUMENT, details: matchers };
    return encode(clientStatus(ctx.registry.records(), ctx.cache, matchers));
  };
  const identity = (b: Buffer): Buffer => b;
  const method = (name: string, stream: boolean) => ({
    path: `/${SERVICE}/${name}`,
    requestStream: stream,
    responseStream: stream,
    requestSerialize: identity,
    requestDeserialize: decode,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: name,
  });

  server.addService(
    { FetchClientStatus: method('FetchClientStatus', false), StreamClientStatus: method('StreamClientStatus', true) },
    {
      FetchClientStatus(call: ServerUnaryCall<ClientStatusRequest, Buffer>, callback: sendUnaryData<Buffer>) {
        const out = answer(call.request);
        if (Buffer.isBuffer(out)) callback(null, out);
        else callback(out);
      },
      StreamClientStatus(call: ServerDuplexStream<ClientStatusRequest, Buffer>) {
        call.on('data', (req: ClientStatusRequest) => {
          const out = answer(req);
          if (Buffer.isBuffer(out)) call.write(out);
          else call.emit('error', out);
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    },
  );
}
