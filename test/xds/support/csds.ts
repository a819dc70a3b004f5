// A client status (CSDS) client for the tests: @grpc/grpc-js calls, messages encoded and decoded
// with a protobufjs root of its own, loaded from csds.proto in @grpc/grpc-js-xds's deps.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client, credentials, type ChannelCredentials, type ChannelOptions, type ClientDuplexStream } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { protoIncludeDirs } from '../../../src/proto/root.js';

const require = createRequire(import.meta.url);
const SERVICE = '/envoy.service.status.v3.ClientStatusDiscoveryService';

function csdsRoot(): protobuf.Root {
  const root = new protobuf.Root();
  const wellKnown = path.join(path.dirname(require.resolve('protobufjs/package.json')), 'google', 'protobuf');
  root.resolvePath = (_origin, target) => {
    if (target.startsWith('google/protobuf/')) return path.join(wellKnown, path.basename(target));
    return protoIncludeDirs().map((d) => path.join(d, target)).find((f) => existsSync(f)) ?? target;
  };
  root.loadSync('envoy/service/status/v3/csds.proto', { keepCase: true });
  root.resolveAll();
  return root;
}

const root = csdsRoot();
const Request = root.lookupType('envoy.service.status.v3.ClientStatusRequest');
const Response = root.lookupType('envoy.service.status.v3.ClientStatusResponse');

export interface GenericXdsConfig {
  type_url: string;
  name: string;
  version_info?: string;
  config_status?: string;
  client_status?: string;
  error_state?: { details?: string; version_info?: string };
  xds_config?: unknown;
  last_updated?: unknown;
}

export interface ClientConfig {
  node?: { id?: string; cluster?: string; user_agent_name?: string };
  generic_xds_configs?: GenericXdsConfig[];
}

const encode = (req: Record<string, unknown>): Buffer => Buffer.from(Request.encode(Request.fromObject(req)).finish());
const decode = (buf: Buffer): ClientConfig[] =>
  (Response.toObject(Response.decode(buf), { enums: String, longs: Number, arrays: true }) as { config: ClientConfig[] }).config;

export interface CsdsClient {
  fetch(req?: Record<string, unknown>): Promise<ClientConfig[]>;
  stream(): { ask(req?: Record<string, unknown>): Promise<ClientConfig[]>; close(): void };
  close(): void;
}

export function connectCsds(target: string, creds: ChannelCredentials = credentials.createInsecure(), options: ChannelOptions = {}): CsdsClient {
  const client = new Client(target, creds, options);
  return {
    fetch: (req = {}) =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(`${SERVICE}/FetchClientStatus`, encode, (b: Buffer) => b, req, (err, buf) => (err || !buf ? reject(err) : resolve(decode(buf))));
      }),
    stream() {
      const call: ClientDuplexStream<Record<string, unknown>, Buffer> = client.makeBidiStreamRequest(`${SERVICE}/StreamClientStatus`, encode, (b: Buffer) => b);
      const waiting: ((c: ClientConfig[]) => void)[] = [];
      call.on('data', (buf: Buffer) => waiting.shift()?.(decode(buf)));
      call.on('error', () => undefined);
      return {
        ask: (req = {}) => new Promise((resolve) => (waiting.push(resolve), call.write(req))),
        close: () => call.cancel(),
      };
    },
    close: () => client.close(),
  };
}
