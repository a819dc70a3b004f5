// Start a real xDS server on TCP and a unix socket, and connect test clients over either.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createResourceCache, type ResourceCache } from '../../../src/xds/cache.js';
import { createXdsServer, type XdsServer } from '../../../src/xds/server.js';
import type { XdsHooks } from '../../../src/xds/hooks.js';
import type { XdsLimits } from '../../../src/xds/limits.js';
import type { AccessPolicy } from '../../../src/xds/policy.js';
import type { Logger } from 'pino';
import { TYPE, type ChangeSet, type EncodedResource, type TypeUrl } from '../../../src/xds/types.js';
import { connectXds, type ConnectOptions, type ServiceKind, type XdsTestClient } from './client.js';

export type Transport = 'tcp' | 'unix';
export const TRANSPORTS: readonly Transport[] = ['tcp', 'unix'];

/** Every (transport, ADS or per-type service) pair a protocol rule is checked on. */
export const STREAM_MODES = TRANSPORTS.flatMap((transport) => (['ads', 'per-type'] as const).map((mode) => ({ transport, mode })));

const SERVICE_OF: Record<TypeUrl, ServiceKind> = {
  [TYPE.listener]: 'lds', [TYPE.route]: 'rds', [TYPE.cluster]: 'cds', [TYPE.endpoint]: 'eds', [TYPE.secret]: 'sds',
};

/** The gRPC service a stream of `typeUrl` uses: the aggregated one, or that type's own. */
export function serviceFor(mode: 'ads' | 'per-type', typeUrl: TypeUrl): ServiceKind {
  return mode === 'ads' ? 'ads' : SERVICE_OF[typeUrl];
}

export interface Harness {
  readonly cache: ResourceCache;
  readonly server: XdsServer;
  readonly port: number;
  readonly unixPath: string;
  connect(o: Omit<ConnectOptions, 'address' | 'unixPath'> & { transport?: Transport }): Promise<XdsTestClient>;
  /** Upsert resources (and remove names) in one change set. */
  put(...resources: EncodedResource[]): void;
  apply(changes: Partial<ChangeSet>): void;
  close(): Promise<void>;
  /** Poll until pred() holds (requests travel asynchronously: wait for the server to see them). */
  until(pred: () => boolean, timeoutMs?: number): Promise<void>;
  /** Wait until the server shows this subscription for the node (names sorted). */
  subscribed(nodeId: string, typeUrl: string, names: readonly string[], wildcard?: boolean): Promise<void>;
}

export async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface HarnessOptions {
  readonly ready?: boolean;
  readonly hooks?: XdsHooks;
  readonly limits?: Partial<XdsLimits>;
  readonly policy?: AccessPolicy;
  readonly logger?: Logger;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xds-test-'));
  const unixPath = path.join(dir, 'xds.sock');
  const cache = createResourceCache();
  const server = createXdsServer({ cache, hooks: opts.hooks, limits: opts.limits, policy: opts.policy, logger: opts.logger });
  const port = await server.listenTcp('127.0.0.1:0');
  await server.listenUnix(unixPath);
  if (opts.ready !== false) cache.markReady();
  const clients: XdsTestClient[] = [];
  return {
    cache, server, port, unixPath,
    async connect(o) {
      const where = o.transport === 'unix' ? { unixPath } : { address: `127.0.0.1:${port}` };
      const c = await connectXds({ ...o, ...where });
      clients.push(c);
      return c;
    },
    put: (...resources) => cache.apply({ upserts: resources, removals: [] }),
    apply: (c) => cache.apply({ upserts: c.upserts ?? [], removals: c.removals ?? [] }),
    until,
    subscribed(nodeId, typeUrl, names, wildcard = false) {
      const want = JSON.stringify({ wildcard, names: [...names].sort() });
      return until(() => server.registry.list().some((c) => {
        const t = c.nodeId === nodeId ? c.types[typeUrl] : undefined;
        return t !== undefined && JSON.stringify({ wildcard: t.wildcard, names: t.names }) === want;
      }));
    },
    async close() {
      for (const c of clients) c.close();
      await server.close(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
