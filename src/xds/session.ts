// One xDS stream (SotW or Delta, ADS or one type): requests in, responses out.
//
// The session watches the cache and marks names dirty per type; a flush asks every type for its
// plan and writes upserts in ADS_ORDER, then removals in reverse order. A flush starts only when
// everything written before has reached the socket, so a client that does not read holds at most
// one flush of responses in memory and gets the latest state, not every version in between; and
// only while the server's write budget has room (budget.ts), so streams that all sync at once
// take turns instead of all buffering at once.
// The first request names the node: the access policy admits the stream or refuses it. Every
// request passes the stream guard (limits.ts) before it is decoded further.
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { WriteBudget, Ticket } from './budget.js';
import type { CacheEvent, ResourceCache } from './cache.js';
import { DELTA } from './delta.js';
import { createStreamGuard } from './guard.js';
import type { XdsHooks } from './hooks.js';
import { TEXT_LIMITS, bounded, type XdsLimits } from './limits.js';
import type { AccessPolicy } from './policy.js';
import type { ClientInfo, MutableRegistry, ServiceKind, StreamInfo, Transport, TypeStatus, Variant } from './registry.js';
import type { NodeInfo } from './request.js';
import { SOTW } from './sotw.js';
import { renonce, type DecodedRequest, type Prepared, type Protocol, type StreamAccess } from './state.js';
import { ADS_ORDER, TYPE, isTypeUrl, type TypeUrl } from './types.js';

export type XdsCall = ServerDuplexStream<Buffer, Buffer>;

export interface SessionOptions {
  readonly id: number;
  readonly call: XdsCall;
  readonly variant: Variant;
  readonly service: ServiceKind;
  /** Per-type services: requests may omit type_url. ADS: undefined, type_url required. */
  readonly fixedType: TypeUrl | undefined;
  readonly transport: Transport;
  readonly authenticated: boolean;
  readonly cache: ResourceCache;
  readonly registry: MutableRegistry;
  readonly hooks: XdsHooks;
  readonly policy: AccessPolicy;
  readonly limits: XdsLimits;
  /** Bytes handed to gRPC and not yet written, all streams of the server together. */
  readonly budget: WriteBudget;
  readonly logger: Logger | undefined;
  /** Warnings a client can cause (refusals, withheld resources, NACKs), within the server's log budget. */
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
  /** Called once when the stream ends, whatever ended it. */
  readonly onClose: () => void;
}

export interface Session {
  /** End the stream with status OK (server shutdown). */
  end(): void;
}

export function startSession(o: SessionOptions): Session {
  return o.variant === 'sotw' ? runSession(o, SOTW) : runSession(o, DELTA);
}

function runSession<S, R extends DecodedRequest>(o: SessionOptions, protocol: Protocol<S, R>): Session {
  const { call, cache, policy, budget } = o;
  const states = new Map<TypeUrl, S>();
  const guard = createStreamGuard(o.limits);
  let withheldTypes: Set<TypeUrl> | undefined;
  const peer = o.transport === 'unix' ? 'unix' : call.getPeer();
  let info: StreamInfo = {
    streamId: o.id, nodeId: '', nodeCluster: '', userAgent: '', service: o.service, variant: o.variant,
    transport: o.transport, authenticated: o.authenticated, peer, connectedSince: new Date().toISOString(),
  };
  let node: NodeInfo | undefined;
  /** The nonce of the last response written: the next must be greater. */
  let lastNonce = 0;
  let inFlight = 0;
  const ticket: Ticket = { bytes: 0, since: 0 };
  let scheduled = false;
  let closed = false;
  let throttle: NodeJS.Timeout | undefined;

  const describe = (): ClientInfo => {
    const types: Record<string, TypeStatus> = {};
    for (const [t, s] of states) types[t] = protocol.status(s);
    return { ...info, queuedWrites: inFlight, types };
  };
  const resources = () => [...states].map(([typeUrl, s]) => ({ typeUrl, resources: protocol.resources(s) }));

  const written = (size: number) => (): void => {
    if (closed) return;
    inFlight--;
    budget.release(ticket, size);
    if (inFlight === 0) schedule();
  };

  const write = (typeUrl: TypeUrl, s: S, prepared: Prepared): void => {
    const p = prepared.nonce > lastNonce ? prepared : renonce(prepared);
    lastNonce = p.nonce;
    protocol.sent(s, p.nonceText, p.version);
    inFlight++;
    budget.charge(ticket, p.bytes.length);
    call.write(p.bytes, written(p.bytes.length));
    o.hooks.onResponse?.(typeUrl, info.nodeId, p.count, Date.now());
  };

  function flush(): void {
    scheduled = false;
    if (closed || inFlight > 0 || !cache.isReady() || !budget.admit(flush)) return;
    const plans = [];
    for (const t of ADS_ORDER) {
      const s = states.get(t);
      const plan = s === undefined ? undefined : protocol.plan(s);
      if (s !== undefined && plan) plans.push({ t, s, plan });
    }
    for (const { t, s, plan } of plans) if (plan.upserts) write(t, s, plan.upserts);
    for (const { t, s, plan } of plans.reverse()) if (plan.removals) write(t, s, plan.removals);
  }

  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(flush);
  }

  const onCache = (event: CacheEvent): void => {
    for (const change of event.changes) {
      const s = states.get(change.typeUrl);
      if (s !== undefined) protocol.onCacheChange(s, change);
    }
    // Envoy keeps a changed Cluster warming until it gets its ClusterLoadAssignment again (only
    // one that exists: a missing one was already announced, Delta must not remove it twice)
    const eds = states.get(TYPE.endpoint);
    const clusters = event.changes.find((c) => c.typeUrl === TYPE.cluster);
    if (eds !== undefined && clusters) protocol.force(eds, clusters.upserted.filter((n) => cache.get(TYPE.endpoint, n) !== undefined));
    if (event.changes.length === 0 && event.ready) for (const s of states.values()) protocol.markAll(s);
    schedule();
  };

  const fail = (code: GrpcStatus, details: string): void => {
    o.warn({ stream: o.id, node: info.nodeId, cluster: info.nodeCluster, peer, code: GrpcStatus[code], details }, 'xDS stream refused');
    call.emit('error', { code, details });
    cleanup();
  };

  const access: StreamAccess = {
    allowed(typeUrl, name, via) {
      const reason = policy.withhold?.(info, typeUrl, name, via);
      if (reason === undefined) return true;
      if (!withheldTypes?.has(typeUrl)) {
        (withheldTypes ??= new Set()).add(typeUrl);
        o.warn({ stream: o.id, node: info.nodeId, peer, typeUrl, name: bounded(name, TEXT_LIMITS.identifier), reason }, 'xDS resource withheld');
      }
      return false;
    },
    ack: (t, v) => o.hooks.onAck?.(t, info.nodeId, v),
    nack(t, v, error) {
      o.warn({ stream: o.id, node: info.nodeId, typeUrl: t, version: v, err: error }, 'xDS NACK');
      o.hooks.onNack?.(t, info.nodeId, v, error);
    },
  };

  const stateFor = (typeUrl: string): S | undefined => {
    const t = typeUrl === '' ? o.fixedType : typeUrl;
    if (t === undefined) return void fail(GrpcStatus.INVALID_ARGUMENT, 'type URL is required for ADS');
    if (o.fixedType && t !== o.fixedType) return void fail(GrpcStatus.INVALID_ARGUMENT, `type URL ${t} on a ${o.service} stream`);
    if (!isTypeUrl(t)) {
      o.logger?.debug({ stream: o.id, typeUrl: t }, 'request for a type this server does not serve');
      return undefined;
    }
    let s = states.get(t);
    if (s === undefined) states.set(t, (s = protocol.create({ cache, typeUrl: t, stream: access })));
    return s;
  };

  /** The first request names the node: admit the stream, or refuse it. */
  const identify = (first: NodeInfo | undefined): boolean => {
    if (node) return true;
    node = first ?? { id: '', cluster: '', userAgent: '' };
    info = { ...info, nodeId: node.id, nodeCluster: node.cluster, userAgent: node.userAgent };
    const refusal = policy.admit?.(info);
    if (refusal !== undefined) return void fail(GrpcStatus.PERMISSION_DENIED, refusal), false;
    o.hooks.onNodeIdentified?.(info);
    return true;
  };

  /** Past the burst, read this stream no faster than the allowed rate. */
  const pace = (bytes: number): void => {
    const wait = guard.charge(bytes);
    if (wait === 0 || throttle) return;
    call.pause();
    throttle = setTimeout(() => {
      throttle = undefined;
      if (!closed) call.resume();
    }, wait);
  };

  const handle = (buf: Buffer): void => {
    const req = protocol.decode(buf, guard);
    if (typeof req === 'string') return fail(GrpcStatus.RESOURCE_EXHAUSTED, req);
    if (!identify(req.node)) return;
    const s = stateFor(req.typeUrl);
    if (s !== undefined) protocol.onRequest(s, req);
    if (closed) return;
    let count = 0;
    let bytes = 0;
    for (const st of states.values()) {
      const load = protocol.load(st);
      count += load.count;
      bytes += load.bytes;
    }
    const over = guard.checkTotals(count, bytes);
    if (over !== undefined) return fail(GrpcStatus.RESOURCE_EXHAUSTED, over);
    schedule();
  };

  const onData = (buf: Buffer): void => {
    if (closed) return;
    pace(buf.length);
    try {
      handle(buf);
    } catch (err) {
      fail(GrpcStatus.INVALID_ARGUMENT, `bad request: ${bounded(err instanceof Error ? err.message : String(err), TEXT_LIMITS.identifier)}`);
    }
  };

  const unsubscribe = cache.subscribe(onCache);
  o.registry.add(o.id, { info: () => info, describe, resources });
  o.hooks.onStreamOpen?.(info);
  o.logger?.debug({ stream: o.id, service: o.service, variant: o.variant, transport: o.transport, peer }, 'xDS stream open');

  function cleanup(): void {
    if (closed) return;
    closed = true;
    clearTimeout(throttle);
    // what this stream still counted (writes that will never complete) goes back to the others
    budget.leave(ticket, flush);
    unsubscribe();
    o.registry.remove(o.id);
    o.hooks.onStreamClose?.(info);
    o.onClose();
    o.logger?.debug({ stream: o.id, node: info.nodeId }, 'xDS stream closed');
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
