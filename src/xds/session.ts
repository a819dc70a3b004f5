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
import { chargeRequest, checkTotals, createStreamGuard, type StreamGuard } from './guard.js';
import type { XdsHooks } from './hooks.js';
import { TEXT_LIMITS, bounded, type XdsLimits } from './limits.js';
import type { AccessPolicy } from './policy.js';
import type { ClientInfo, MutableRegistry, ServiceKind, StreamInfo, Transport, TypeResources, TypeStatus, Variant } from './registry.js';
import type { NodeInfo } from './request.js';
import { SOTW } from './sotw.js';
import type { Via } from './policy.js';
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
  /** Called once when the stream ends, whatever ended it (one function for all streams of the server). */
  readonly onClose: (id: number, transport: Transport) => void;
}

export interface Session {
  /** End the stream with status OK (server shutdown). */
  end(): void;
}

export function startSession(o: SessionOptions): Session {
  return o.variant === 'sotw' ? runSession(o, SOTW) : runSession(o, DELTA);
}

/** One stream's state: plain data, handled by the functions below (a held stream costs its data). */
interface Stream<S, R extends DecodedRequest> {
  readonly o: SessionOptions;
  readonly protocol: Protocol<S, R>;
  readonly states: Map<TypeUrl, S>;
  readonly guard: StreamGuard;
  /** What this stream counts against the server's write budget. */
  readonly ticket: Ticket;
  readonly peer: string;
  info: StreamInfo;
  node: NodeInfo | undefined;
  /** What the type states ask of the stream: made once, when the stream asks for its first type. */
  access: StreamAccess | undefined;
  /** Types for which a withheld resource was logged already (once per stream and type). */
  withheldTypes: Set<TypeUrl> | undefined;
  /** The nonce of the last response written: the next must be greater. */
  lastNonce: number;
  /** Responses handed to gRPC and not yet written to the socket. */
  inFlight: number;
  scheduled: boolean;
  /** Types that may have something to send (one bit each, ADS_ORDER): only those are planned. */
  touched: number;
  closed: boolean;
  throttle: NodeJS.Timeout | undefined;
  /** flush() of this stream: the microtask and the write budget's wake-up. */
  readonly flush: () => void;
  unsubscribe: () => void;
}

function describe<S, R extends DecodedRequest>(st: Stream<S, R>): ClientInfo {
  const types: Record<string, TypeStatus> = {};
  for (const [t, s] of st.states) types[t] = st.protocol.status(s);
  return { ...st.info, queuedWrites: st.inFlight, types };
}

const resourcesOf = <S, R extends DecodedRequest>(st: Stream<S, R>): TypeResources[] =>
  [...st.states].map(([typeUrl, s]) => ({ typeUrl, resources: st.protocol.resources(s) }));

/** One bit per type, in ADS_ORDER. */
const BIT = new Map(ADS_ORDER.map((t, i) => [t, 1 << i]));
const ALL_TYPES = (1 << ADS_ORDER.length) - 1;

function touch<S, R extends DecodedRequest>(st: Stream<S, R>, typeUrl: TypeUrl): void {
  st.touched |= BIT.get(typeUrl) ?? 0;
}

function schedule<S, R extends DecodedRequest>(st: Stream<S, R>): void {
  if (st.scheduled || st.closed) return;
  st.scheduled = true;
  queueMicrotask(st.flush);
}

function write<S, R extends DecodedRequest>(st: Stream<S, R>, typeUrl: TypeUrl, s: S, prepared: Prepared): void {
  const p = prepared.nonce > st.lastNonce ? prepared : renonce(prepared);
  const size = p.bytes.length;
  st.lastNonce = p.nonce;
  st.protocol.sent(s, p.nonceText, p.version);
  st.inFlight++;
  st.o.budget.charge(st.ticket, size);
  st.o.call.write(p.bytes, () => {
    if (st.closed) return;
    st.inFlight--;
    st.o.budget.release(st.ticket, size);
    if (st.inFlight === 0) schedule(st);
  });
  st.o.hooks.onResponse?.(typeUrl, st.info.nodeId, p.count, Date.now());
}

function flush<S, R extends DecodedRequest>(st: Stream<S, R>): void {
  st.scheduled = false;
  if (st.closed || st.inFlight > 0 || !st.o.cache.isReady() || !st.o.budget.admit(st.flush)) return;
  const plans = [];
  // a type not marked since its last plan has nothing to send (a plan clears its marks)
  const touched = st.touched;
  st.touched = 0;
  for (const t of ADS_ORDER) {
    if ((touched & (BIT.get(t) ?? 0)) === 0) continue;
    const s = st.states.get(t);
    const plan = s === undefined ? undefined : st.protocol.plan(s);
    if (s !== undefined && plan) plans.push({ t, s, plan });
  }
  for (const { t, s, plan } of plans) if (plan.upserts) write(st, t, s, plan.upserts);
  for (const { t, s, plan } of plans.reverse()) if (plan.removals) write(st, t, s, plan.removals);
}

function onCache<S, R extends DecodedRequest>(st: Stream<S, R>, event: CacheEvent): void {
  const { protocol, states } = st;
  for (const change of event.changes) {
    const s = states.get(change.typeUrl);
    if (s === undefined) continue;
    protocol.onCacheChange(s, change);
    touch(st, change.typeUrl);
  }
  // Envoy keeps a changed Cluster warming until it gets its ClusterLoadAssignment again (only
  // one that exists: a missing one was already announced, Delta must not remove it twice)
  const eds = states.get(TYPE.endpoint);
  const clusters = event.changes.find((c) => c.typeUrl === TYPE.cluster);
  if (eds !== undefined && clusters) {
    protocol.force(eds, clusters.upserted.filter((n) => st.o.cache.get(TYPE.endpoint, n) !== undefined));
    touch(st, TYPE.endpoint);
  }
  if (event.changes.length === 0 && event.ready) {
    for (const s of states.values()) protocol.markAll(s);
    st.touched = ALL_TYPES;
  }
  schedule(st);
}

function fail<S, R extends DecodedRequest>(st: Stream<S, R>, code: GrpcStatus, details: string): void {
  const { info } = st;
  st.o.warn({ stream: st.o.id, node: info.nodeId, cluster: info.nodeCluster, peer: st.peer, code: GrpcStatus[code], details }, 'xDS stream refused');
  st.o.call.emit('error', { code, details });
  cleanup(st);
}

function allowed<S, R extends DecodedRequest>(st: Stream<S, R>, typeUrl: TypeUrl, name: string, via: Via): boolean {
  const reason = st.o.policy.withhold?.(st.info, typeUrl, name, via);
  if (reason === undefined) return true;
  if (!st.withheldTypes?.has(typeUrl)) {
    (st.withheldTypes ??= new Set()).add(typeUrl);
    st.o.warn({ stream: st.o.id, node: st.info.nodeId, peer: st.peer, typeUrl, name: bounded(name, TEXT_LIMITS.identifier), reason }, 'xDS resource withheld');
  }
  return false;
}

function access<S, R extends DecodedRequest>(st: Stream<S, R>): StreamAccess {
  const { o } = st;
  return {
    allowed: (typeUrl, name, via) => allowed(st, typeUrl, name, via),
    ack: (t, v) => o.hooks.onAck?.(t, st.info.nodeId, v),
    nack(t, v, error) {
      o.warn({ stream: o.id, node: st.info.nodeId, typeUrl: t, version: v, err: error }, 'xDS NACK');
      o.hooks.onNack?.(t, st.info.nodeId, v, error);
    },
  };
}

function stateFor<S, R extends DecodedRequest>(st: Stream<S, R>, typeUrl: string): S | undefined {
  const { o } = st;
  const t = typeUrl === '' ? o.fixedType : typeUrl;
  if (t === undefined) return void fail(st, GrpcStatus.INVALID_ARGUMENT, 'type URL is required for ADS');
  if (o.fixedType && t !== o.fixedType) return void fail(st, GrpcStatus.INVALID_ARGUMENT, `type URL ${t} on a ${o.service} stream`);
  if (!isTypeUrl(t)) {
    o.logger?.debug({ stream: o.id, typeUrl: t }, 'request for a type this server does not serve');
    return undefined;
  }
  let s = st.states.get(t);
  if (s === undefined) st.states.set(t, (s = st.protocol.create({ cache: o.cache, typeUrl: t, stream: (st.access ??= access(st)) })));
  // the request may change what this type sends
  touch(st, t);
  return s;
}

/** The first request names the node: admit the stream, or refuse it. */
function identify<S, R extends DecodedRequest>(st: Stream<S, R>, first: NodeInfo | undefined): boolean {
  if (st.node) return true;
  const node = (st.node = first ?? { id: '', cluster: '', userAgent: '' });
  st.info = { ...st.info, nodeId: node.id, nodeCluster: node.cluster, userAgent: node.userAgent };
  const refusal = st.o.policy.admit?.(st.info);
  if (refusal !== undefined) return void fail(st, GrpcStatus.PERMISSION_DENIED, refusal), false;
  st.o.hooks.onNodeIdentified?.(st.info);
  return true;
}

/** Past the burst, read this stream no faster than the allowed rate. */
function pace<S, R extends DecodedRequest>(st: Stream<S, R>, bytes: number): void {
  const wait = chargeRequest(st.guard, bytes);
  if (wait === 0 || st.throttle) return;
  st.o.call.pause();
  st.throttle = setTimeout(() => {
    st.throttle = undefined;
    if (!st.closed) st.o.call.resume();
  }, wait);
}

function handle<S, R extends DecodedRequest>(st: Stream<S, R>, buf: Buffer): void {
  const { protocol } = st;
  const req = protocol.decode(buf, st.guard);
  if (typeof req === 'string') return fail(st, GrpcStatus.RESOURCE_EXHAUSTED, req);
  if (!identify(st, req.node)) return;
  const s = stateFor(st, req.typeUrl);
  if (s !== undefined) protocol.onRequest(s, req);
  if (st.closed) return;
  let count = 0;
  let bytes = 0;
  for (const state of st.states.values()) {
    const load = protocol.load(state);
    count += load.count;
    bytes += load.bytes;
  }
  const over = checkTotals(st.guard, count, bytes);
  if (over !== undefined) return fail(st, GrpcStatus.RESOURCE_EXHAUSTED, over);
  schedule(st);
}

function onData<S, R extends DecodedRequest>(st: Stream<S, R>, buf: Buffer): void {
  if (st.closed) return;
  pace(st, buf.length);
  try {
    handle(st, buf);
  } catch (err) {
    fail(st, GrpcStatus.INVALID_ARGUMENT, `bad request: ${bounded(err instanceof Error ? err.message : String(err), TEXT_LIMITS.identifier)}`);
  }
}

function cleanup<S, R extends DecodedRequest>(st: Stream<S, R>): void {
  if (st.closed) return;
  const { o } = st;
  st.closed = true;
  clearTimeout(st.throttle);
  // what this stream still counted (writes that will never complete) goes back to the others
  o.budget.leave(st.ticket, st.flush);
  for (const s of st.states.values()) st.protocol.release(s);
  st.unsubscribe();
  o.registry.remove(o.id);
  o.hooks.onStreamClose?.(st.info);
  o.onClose(o.id, o.transport);
  o.logger?.debug({ stream: o.id, node: st.info.nodeId }, 'xDS stream closed');
}

function runSession<S, R extends DecodedRequest>(o: SessionOptions, protocol: Protocol<S, R>): Session {
  const { call } = o;
  const peer = o.transport === 'unix' ? 'unix' : call.getPeer();
  const info: StreamInfo = {
    streamId: o.id, nodeId: '', nodeCluster: '', userAgent: '', service: o.service, variant: o.variant,
    transport: o.transport, authenticated: o.authenticated, peer, connectedSince: new Date().toISOString(),
  };
  const st: Stream<S, R> = {
    o, protocol, states: new Map(), guard: createStreamGuard(o.limits), ticket: { bytes: 0, since: 0 }, peer, info,
    node: undefined, access: undefined, withheldTypes: undefined, lastNonce: 0, inFlight: 0, scheduled: false, touched: 0, closed: false,
    throttle: undefined, flush: () => flush(st), unsubscribe: () => undefined,
  };
  st.unsubscribe = o.cache.subscribe((event) => onCache(st, event));
  o.registry.add(o.id, { info: () => st.info, describe: () => describe(st), resources: () => resourcesOf(st) });
  o.hooks.onStreamOpen?.(info);
  o.logger?.debug({ stream: o.id, service: o.service, variant: o.variant, transport: o.transport, peer }, 'xDS stream open');

  const end = (): void => {
    cleanup(st);
    call.end();
  };
  const stop = (): void => cleanup(st);
  call.on('data', (buf: Buffer) => onData(st, buf));
  call.on('end', end);
  call.on('cancelled', stop);
  call.on('error', stop);
  call.on('close', stop);

  return {
    end() {
      if (!st.closed) end();
    },
  };
}
