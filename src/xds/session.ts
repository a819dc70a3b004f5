// One xDS stream (SotW or Delta, ADS or one type): requests in, responses out.
//
// The session watches the cache and marks names dirty per type; a flush asks every type for its
// plan and writes upserts in ADS_ORDER, then removals in reverse order. A flush starts only when
// everything written before has reached the socket, so a client that does not read holds at most
// one flush of responses in memory and gets the latest state, not every version in between.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { CacheEvent, ResourceCache } from './cache.js';
import type { ClientInfo, MutableRegistry, ServiceKind, TypeStatus, Variant } from './registry.js';
import type { Prepared, TypeState } from './state.js';
import type { XdsHooks } from './hooks.js';
import { ADS_ORDER, TYPE, isTypeUrl, type TypeUrl } from './types.js';
import { decodeDeltaRequest, decodeSotwRequest, type NodeInfo } from './request.js';
import { createSotwState, type SotwState } from './sotw.js';
import { createDeltaState, type DeltaState } from './delta.js';

export type XdsCall = ServerDuplexStream<Buffer, Buffer>;

export interface SessionOptions {
  readonly id: number;
  readonly call: XdsCall;
  readonly variant: Variant;
  readonly service: ServiceKind;
  /** Per-type services: requests may omit type_url. ADS: undefined, type_url required. */
  readonly fixedType: TypeUrl | undefined;
  readonly cache: ResourceCache;
  readonly registry: MutableRegistry;
  readonly hooks: XdsHooks;
  readonly logger: Logger | undefined;
}

export interface Session {
  /** End the stream with status OK (server shutdown). */
  end(): void;
}

type AnyState = SotwState | DeltaState;

export function startSession(o: SessionOptions): Session {
  const { call, cache } = o;
  const states = new Map<TypeUrl, AnyState>();
  const peer = call.getPeer();
  const connectedSince = new Date().toISOString();
  let node: NodeInfo | undefined;
  let nonce = 0;
  let inFlight = 0;
  let scheduled = false;
  let closed = false;
  const nodeId = (): string => node?.id ?? '';

  const describe = (): ClientInfo => {
    const types: Record<string, TypeStatus> = {};
    for (const [t, s] of states) types[t] = s.status();
    return {
      streamId: o.id, nodeId: nodeId(), nodeCluster: node?.cluster ?? '', userAgent: node?.userAgent ?? '',
      service: o.service, variant: o.variant, transport: peer === 'unknown' ? 'unix' : 'tcp', peer: peer === 'unknown' ? 'unix' : peer,
      connectedSince, queuedWrites: inFlight, types,
    };
  };

  const write = (state: TypeState, p: Prepared): void => {
    const n = String(++nonce);
    const buf = p.encode(n);
    state.sent(n, p.version);
    inFlight++;
    call.write(buf, () => {
      inFlight--;
      if (inFlight === 0) schedule();
    });
    o.hooks.onResponse?.(state.typeUrl, nodeId(), p.count, Date.now());
  };

  const flush = (): void => {
    scheduled = false;
    if (closed || inFlight > 0 || !cache.isReady()) return;
    const plans = ADS_ORDER.flatMap((t) => {
      const s = states.get(t);
      const plan = s?.plan();
      return s && plan ? [{ s, plan }] : [];
    });
    for (const { s, plan } of plans) if (plan.upserts) write(s, plan.upserts);
    for (const { s, plan } of plans.reverse()) if (plan.removals) write(s, plan.removals);
  };

  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(flush);
  }

  const onCache = (event: CacheEvent): void => {
    for (const change of event.changes) {
      states.get(change.typeUrl)?.onCacheChange(change);
      // Envoy keeps a changed Cluster warming until it gets its ClusterLoadAssignment again (only
      // one that exists: a missing one was already announced, Delta must not remove it twice)
      const eds = change.typeUrl === TYPE.cluster ? states.get(TYPE.endpoint) : undefined;
      if (eds) eds.force(change.upserted.filter((n) => cache.get(TYPE.endpoint, n) !== undefined));
    }
    if (event.changes.length === 0 && event.ready) for (const s of states.values()) s.markAll();
    schedule();
  };

  const fail = (code: GrpcStatus, details: string): void => {
    o.logger?.warn({ streamId: o.id, node: nodeId(), details }, 'xDS stream rejected');
    call.emit('error', { code, details });
    cleanup();
  };

  const stateFor = (typeUrl: string): AnyState | undefined => {
    const t = typeUrl === '' ? o.fixedType : typeUrl;
    if (t === undefined) return void fail(GrpcStatus.INVALID_ARGUMENT, 'type URL is required for ADS');
    if (o.fixedType && t !== o.fixedType) return void fail(GrpcStatus.INVALID_ARGUMENT, `type URL ${t} on a ${o.service} stream`);
    if (!isTypeUrl(t)) {
      o.logger?.debug({ streamId: o.id, typeUrl: t }, 'request for a type this server does not serve');
      return undefined;
    }
    let s = states.get(t);
    if (!s) {
      const ctx = { cache, typeUrl: t, hooks: typeHooks };
      s = o.variant === 'sotw' ? createSotwState(ctx) : createDeltaState(ctx);
      states.set(t, s);
    }
    return s;
  };

  const typeHooks = {
    ack: (t: TypeUrl, v: string) => o.hooks.onAck?.(t, nodeId(), v),
    nack: (t: TypeUrl, v: string, error: string) => {
      o.logger?.warn({ streamId: o.id, node: nodeId(), typeUrl: t, version: v, err: error }, 'xDS NACK');
      o.hooks.onNack?.(t, nodeId(), v, error);
    },
  };

  const onData = (buf: Buffer): void => {
    if (closed) return;
    try {
      if (o.variant === 'sotw') {
        const req = decodeSotwRequest(buf);
        node ??= req.node;
        const s = stateFor(req.typeUrl);
        if (s) (s as SotwState).onRequest(req);
      } else {
        const req = decodeDeltaRequest(buf);
        node ??= req.node;
        const s = stateFor(req.typeUrl);
        if (s) (s as DeltaState).onRequest(req);
      }
    } catch (err) {
      return fail(GrpcStatus.INVALID_ARGUMENT, `bad request: ${err instanceof Error ? err.message : String(err)}`);
    }
    schedule();
  };

  const unsubscribe = cache.subscribe(onCache);
  o.registry.add(o.id, describe);
  o.hooks.onStreamOpen?.(describe());
  o.logger?.debug({ streamId: o.id, service: o.service, variant: o.variant, peer }, 'xDS stream open');

  function cleanup(): void {
    if (closed) return;
    const info = describe();
    closed = true;
    unsubscribe();
    o.registry.remove(o.id);
    o.hooks.onStreamClose?.(info);
    o.logger?.debug({ streamId: o.id, node: info.nodeId }, 'xDS stream closed');
  }

  call.on('data', onData);
  call.on('end', () => {
    cleanup();
    call.end();
  });
  call.on('cancelled', cleanup);
  call.on('error', cleanup);
  call.on('close', cleanup);

  return {
    end() {
      if (closed) return;
      cleanup();
      call.end();
    },
  };
}
