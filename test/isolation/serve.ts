// The janitor on a cluster file, and what a real xDS client (SotW ADS over TCP) gets from it:
// every listener, then every RouteConfiguration they name, each in its JSON form (Anys expanded,
// decoded from the bytes received).
import path from 'node:path';
import { decodeMessage } from '../../src/proto/codec.js';
import type { JsonObject } from '../../src/proto/json.js';
import { messageType } from '../../src/proto/root.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { ROOT, startTestJanitor, tempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';

export const CERTS = path.join(ROOT, 'test/fixtures/certs');

export interface Served {
  readonly listeners: ReadonlyMap<string, JsonObject>;
  readonly routes: ReadonlyMap<string, JsonObject>;
  readonly clusters: ReadonlyMap<string, JsonObject>;
  /** SDS, by name (what a listener or cluster would ask for). */
  secrets(names: readonly string[]): Promise<ReadonlyMap<string, JsonObject>>;
  close(): Promise<void>;
}

function json(typeName: string, message: Record<string, unknown>): JsonObject {
  const type = messageType(typeName);
  return decodeMessage(typeName, type.encode(type.fromObject(message)).finish()) as JsonObject;
}

async function fetch(client: XdsTestClient, typeUrl: TypeUrl, names: readonly string[]): Promise<Map<string, JsonObject>> {
  client.request(typeUrl, names);
  const r = await client.nextSotw(typeUrl, { timeoutMs: 5000 });
  client.ack(r);
  const typeName = typeUrl.slice(typeUrl.indexOf('/') + 1);
  return new Map(r.resources.map((res) => [res.name, json(typeName, res.message)]));
}

export async function serve(clusterText: string): Promise<Served> {
  const cluster = tempCluster(clusterText);
  // about routing, not transport security: secrets are read over plain loopback TCP
  const janitor = await startTestJanitor({ source: `file:${cluster.file}`, insecureSdsOverTcp: true });
  const client = await connectAds({ address: janitor.xds, nodeId: 'isolation', variant: 'sotw' });
  const clusters = await fetch(client, TYPE.cluster, []);
  const listeners = await fetch(client, TYPE.listener, []);
  const names = [...listeners.values()].flatMap((l) => JSON.stringify(l).match(/"route_config_name":"[^"]+"/g) ?? []).map((m) => m.slice('"route_config_name":"'.length, -1));
  const routes = names.length === 0 ? new Map<string, JsonObject>() : await fetch(client, TYPE.route, [...new Set(names)].sort());
  return {
    listeners,
    routes,
    clusters,
    secrets: (secretNames) => fetch(client, TYPE.secret, secretNames),
    async close() {
      client.close();
      await janitor.close();
      cluster.cleanup();
    },
  };
}
