// Child process of bench/xds-abuse.ts: an abusive xDS client, until killed.
//   names: one SotW request naming 2,000,000 resources; when the server ends the stream, again
//   flood: SotW requests as fast as the connection takes them
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { messageType } from '../src/proto/root.js';
import { TYPE } from '../src/xds/types.js';

const [target = '', mode = 'names'] = process.argv.slice(2);
const DR = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const request = (o: Record<string, unknown>): Buffer => Buffer.from(DR.encode(DR.fromObject(o)).finish());
const id = (b: Buffer): Buffer => b;

function names(count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(i.toString(36));
    parts.push(Buffer.from([0x1a, name.length]), name);
  }
  return Buffer.concat(parts);
}

function stream(): ClientDuplexStream<Buffer, Buffer> {
  const client = new Client(target, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const call = client.makeBidiStreamRequest('/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources', id, id);
  call.on('error', () => undefined);
  call.on('data', () => undefined);
  call.on('status', () => {
    client.close();
    setTimeout(start, 10);
  });
  return call;
}

const huge = Buffer.concat([request({ node: { id: 'abuser' }, type_url: TYPE.endpoint }), names(2_000_000)]);
const again = request({ type_url: TYPE.cluster, resource_names: ['demo/svc/web.expose#0'] });

function start(): void {
  const call = stream();
  if (mode === 'names') return void call.write(huge);
  call.write(request({ node: { id: 'flooder' }, type_url: TYPE.cluster }));
  const pump = (): void => {
    while (call.write(again));
    call.once('drain', pump);
  };
  pump();
}

start();
process.on('disconnect', () => process.exit(0));
