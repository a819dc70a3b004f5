// A tiny real gRPC backend on loopback: unary /test.Whoami/Who answers its own id.
import { Client, Server, ServerCredentials, credentials, type ServiceError } from '@grpc/grpc-js';

const id = (b: Buffer): Buffer => b;
const WHO = {
  path: '/test.Whoami/Who', requestStream: false, responseStream: false,
  requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id,
} as const;

export interface Backend {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBackend(name: string): Promise<Backend> {
  const server = new Server();
  server.addService({ Who: WHO }, {
    Who: (_call: unknown, callback: (err: ServiceError | null, value: Buffer) => void) => callback(null, Buffer.from(name)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    host: '127.0.0.1', port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** Ask a target (e.g. `xds:///whoami`) who answers. */
export function who(client: Client, deadlineMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(WHO.path, id, id, Buffer.alloc(0), { deadline: Date.now() + deadlineMs }, (err, value) => {
      if (err || !value) reject(err ?? new Error('empty answer'));
      else resolve(value.toString());
    });
  });
}

export const newClient = (target: string): Client => new Client(target, credentials.createInsecure());
