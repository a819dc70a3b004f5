// A child process holding many xDS streams at once (run with `node --import tsx`), so the janitor
// under test sees real connections from another process. Arguments: TARGET (host:port or
// unix:/path) COUNT PER_CONNECTION. Each stream is a Delta ADS stream that subscribes to every
// Cluster and ACKs what it gets. Messages to the parent (IPC):
//   { ready: n }                       every stream got its first response
//   { ended: { [code]: count } }       once every stream ended (server close, or after 'close')
// The parent sends 'close' to cancel every stream; a lost parent ends the process.
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../../../src/proto/root.js';
import { TYPE } from '../../../src/xds/types.js';

const [target = '', countText = '0', perConnectionText = '100'] = process.argv.slice(2);
const count = Number(countText);
const perConnection = Number(perConnectionText);
const DDR = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const DDS = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const id = (b: Buffer): Buffer => b;
const request = (o: Record<string, unknown>): Buffer => Buffer.from(DDR.encode(DDR.fromObject(o)).finish());

const clients: Client[] = [];
const calls: ClientDuplexStream<Buffer, Buffer>[] = [];
const codes = new Map<number, number>();
let ready = 0;
let ended = 0;

function client(i: number): Client {
  const n = Math.floor(i / perConnection);
  // a private subchannel pool per client: one HTTP/2 connection each
  clients[n] ??= new Client(target, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  return clients[n];
}

function open(i: number): void {
  const call = client(i).makeBidiStreamRequest('/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources', id, id);
  calls.push(call);
  let first = true;
  call.on('data', (buf: Buffer) => {
    const r = DDS.toObject(DDS.decode(buf)) as { nonce: string; type_url: string };
    call.write(request({ type_url: r.type_url, response_nonce: r.nonce }));
    if (first && (first = false, ++ready === count)) process.send?.({ ready });
  });
  call.on('error', () => undefined);
  call.on('status', (s: { code: number }) => {
    codes.set(s.code, (codes.get(s.code) ?? 0) + 1);
    if (++ended === count) process.send?.({ ended: Object.fromEntries(codes) });
  });
  call.write(request({ node: { id: `bulk-${i}`, cluster: 'bulk' }, type_url: TYPE.cluster }));
}

for (let i = 0; i < count; i++) open(i);
process.on('message', (m) => {
  if (m === 'close') for (const c of calls) c.cancel();
});
process.on('disconnect', () => process.exit(0));
