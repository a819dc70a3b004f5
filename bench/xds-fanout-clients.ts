// Child process of bench/xds-fanout.ts: N SotW and N Delta ADS streams, each on its own HTTP/2
// connection, subscribed like an Envoy (CDS wildcard, EDS for every cluster). Each EDS response
// is decoded; the endpoint port carries the change number; receipt times go back to the parent.
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../src/proto/root.js';
import { TYPE } from '../src/xds/types.js';
import { field } from '../src/xds/wire.js';

const [port, sotwCount, deltaCount, services] = process.argv.slice(2).map(Number) as [number, number, number, number];
const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const id = (b: Buffer): Buffer => b;
const DR = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const DDR = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const SR = messageType('envoy.service.discovery.v3.DiscoveryResponse');
const DSR = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const CLA = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');

type Variant = 'sotw' | 'delta';

// SotW ACKs repeat the EDS names (like Envoy): encode that part once, append version and nonce
const edsAckBase = Buffer.from(DR.encode(DR.fromObject({ type_url: TYPE.endpoint, resource_names: names })).finish());
const sotwAck = (typeUrl: string, version: string, nonce: string): Buffer =>
  Buffer.concat([typeUrl === TYPE.endpoint ? edsAckBase : field(4, typeUrl), field(1, version), field(5, nonce)]);
interface Any { type_url: string; value: Uint8Array }
interface ClaObj { endpoints?: { lb_endpoints?: { endpoint?: { address?: { socket_address?: { port_value?: number } } } }[] }[] }

/** Change number carried by a CLA (its first endpoint port minus 20000). */
function changeOf(any: Any): number {
  const cla = CLA.toObject(CLA.decode(any.value)) as ClaObj;
  return (cla.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address?.socket_address?.port_value ?? 20000) - 20000;
}

const pending = new Map<number, { sotw: number[]; delta: number[] }>();
let initial = 0;

function record(variant: Variant, change: number, at: number): void {
  if (change <= 0) return;
  let p = pending.get(change);
  if (!p) pending.set(change, (p = { sotw: [], delta: [] }));
  p[variant].push(at);
  if (p.sotw.length === sotwCount && p.delta.length === deltaCount) {
    pending.delete(change);
    process.send?.({ change, sotw: p.sotw, delta: p.delta });
  }
}

function open(variant: Variant, i: number): void {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const method = variant === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources';
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(
    `/envoy.service.discovery.v3.AggregatedDiscoveryService/${method}`, id, id);
  const node = { id: `${variant}-${i}`, cluster: 'bench' };
  const send = (o: Record<string, unknown>) => {
    const t = variant === 'sotw' ? DR : DDR;
    call.write(Buffer.from(t.encode(t.fromObject(o)).finish()));
  };
  let first = true;
  const synced = (): void => {
    first = false;
    if (++initial === sotwCount + deltaCount) process.send?.({ ready: true });
  };
  call.on('data', (buf: Buffer) => {
    const at = now();
    if (variant === 'sotw') {
      const r = SR.toObject(SR.decode(buf), { arrays: true }) as { type_url: string; version_info: string; nonce: string; resources: Any[] };
      call.write(sotwAck(r.type_url, r.version_info, r.nonce));
      if (r.type_url !== TYPE.endpoint) return;
      if (first && r.resources.length === services) synced();
      else for (const a of r.resources) record(variant, changeOf(a), at);
    } else {
      const r = DSR.toObject(DSR.decode(buf), { arrays: true }) as { type_url: string; nonce: string; resources: { resource: Any }[] };
      send({ type_url: r.type_url, response_nonce: r.nonce });
      if (r.type_url !== TYPE.endpoint) return;
      if (first && r.resources.length === services) synced();
      else for (const x of r.resources) record(variant, changeOf(x.resource), at);
    }
  });
  call.on('error', () => undefined);
  if (variant === 'sotw') {
    send({ node, type_url: TYPE.cluster, resource_names: [] });
    send({ type_url: TYPE.endpoint, resource_names: names });
  } else {
    send({ node, type_url: TYPE.cluster });
    send({ type_url: TYPE.endpoint, resource_names_subscribe: names });
  }
}

for (let i = 0; i < Math.max(sotwCount, deltaCount); i++) {
  if (i < sotwCount) open('sotw', i);
  if (i < deltaCount) open('delta', i);
}
process.on('message', (m) => {
  if (m === 'exit') process.exit(0);
});
