// An xDS client that subscribes the way Envoy does and keeps what it would hold: CDS and LDS by
// wildcard, then EDS for the EDS clusters it received, RDS for the route configurations its
// listeners name, SDS for the secrets their TLS contexts name. Every response is ACKed, logged with
// its arrival time, and folded into a name → resource view per type. SotW and Delta alike, on
// the raw test client of test/xds/support/client.ts (which checks nonces and names on every response).
import { performance } from 'node:perf_hooks';
import { typeForUrl } from '../../src/proto/root.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { connectAds, type XdsResponse, type XdsTestClient } from '../xds/support/client.js';

export type Plain = Record<string, unknown>;

export interface Held {
  /** Delta: the resource version; SotW: the version_info of the response that carried it. */
  readonly version: string;
  readonly message: Plain;
}

export interface Seen {
  readonly at: number;
  readonly typeUrl: TypeUrl;
  readonly names: readonly string[];
  readonly removed: readonly string[];
}

export interface EnvoyView {
  readonly variant: 'sotw' | 'delta';
  readonly client: XdsTestClient;
  /** Responses in arrival order. */
  readonly seen: readonly Seen[];
  held(typeUrl: TypeUrl): ReadonlyMap<string, Held>;
  names(typeUrl: TypeUrl): string[];
  message(typeUrl: TypeUrl, name: string): Plain;
  /** The protocol violation the raw client detected (bad nonce, duplicate, …), if any. */
  failure(): Error | undefined;
  close(): void;
}

const PLAIN = { longs: String, enums: String, bytes: String, defaults: false } as const;

/** Decode every nested Any (`{type_url, value: base64}`) into `{'@type', ...fields}`, recursively. */
export function expandAny(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandAny);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Plain;
  if (typeof o['type_url'] === 'string' && typeof o['value'] === 'string') {
    const type = typeForUrl(o['type_url']);
    if (type) {
      const inner = type.toObject(type.decode(Buffer.from(o['value'], 'base64')), PLAIN);
      return { '@type': o['type_url'], ...(expandAny(inner) as Plain) };
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, expandAny(v)]));
}

/** Names a resource refers to, found the way Envoy follows them: RDS route_config_name, SDS secret configs. */
function references(message: unknown, out: { routes: Set<string>; secrets: Set<string> }): void {
  if (Array.isArray(message)) return message.forEach((m) => references(m, out));
  if (message === null || typeof message !== 'object') return;
  for (const [key, value] of Object.entries(message as Plain)) {
    if (key === 'rds' && typeof (value as Plain)['route_config_name'] === 'string') out.routes.add(String((value as Plain)['route_config_name']));
    if (/sds_secret_config/.test(key)) {
      for (const c of Array.isArray(value) ? value : [value]) if (typeof (c as Plain)['name'] === 'string') out.secrets.add(String((c as Plain)['name']));
    }
    references(value, out);
  }
}

function isEds(cluster: Plain): boolean {
  return cluster['type'] === 'EDS' || cluster['eds_cluster_config'] !== undefined;
}

export async function connectEnvoyView(address: string, nodeId: string, variant: 'sotw' | 'delta'): Promise<EnvoyView> {
  const client = await connectAds({ address, nodeId, variant });
  const store = new Map<TypeUrl, Map<string, Held>>();
  const subscribed = new Map<TypeUrl, string[]>();
  const seen: Seen[] = [];
  let closed = false;
  let failure: Error | undefined;
  const of = (t: TypeUrl): Map<string, Held> => store.get(t) ?? store.set(t, new Map()).get(t) ?? new Map();

  function want(typeUrl: TypeUrl, names: string[]): void {
    const before = subscribed.get(typeUrl);
    const next = [...new Set(names)].sort();
    if (before && before.join('\n') === next.join('\n')) return;
    if (!before && next.length === 0) return;
    subscribed.set(typeUrl, next);
    const held = of(typeUrl);
    for (const name of [...held.keys()]) if (!next.includes(name)) held.delete(name);
    if (variant === 'sotw') return client.request(typeUrl, next);
    const add = next.filter((n) => !(before ?? []).includes(n));
    const drop = (before ?? []).filter((n) => !next.includes(n));
    if (add.length > 0) client.subscribe(typeUrl, add);
    if (drop.length > 0) client.unsubscribe(typeUrl, drop);
  }

  function fold(r: XdsResponse): void {
    const held = of(r.typeUrl);
    const wildcard = r.typeUrl === TYPE.cluster || r.typeUrl === TYPE.listener;
    if (r.kind === 'sotw' && wildcard) held.clear();
    for (const res of r.resources) {
      held.set(res.name, { version: r.kind === 'delta' ? (res.version ?? '') : r.versionInfo, message: expandAny(res.message) as Plain });
    }
    if (r.kind === 'delta') for (const name of r.removed) held.delete(name);
    seen.push({ at: performance.now(), typeUrl: r.typeUrl, names: r.resources.map((x) => x.name), removed: r.kind === 'delta' ? r.removed : [] });
    client.ack(r);
    if (r.typeUrl === TYPE.cluster) want(TYPE.endpoint, [...held.values()].filter((c) => isEds(c.message)).map((c) => String(c.message['name'])));
    if (r.typeUrl === TYPE.listener) {
      const refs = { routes: new Set<string>(), secrets: new Set<string>() };
      references([...held.values()].map((l) => l.message), refs);
      want(TYPE.route, [...refs.routes]);
      want(TYPE.secret, [...refs.secrets]);
    }
  }

  async function pump(): Promise<void> {
    while (!closed) {
      const r = await client.nextResponse(undefined, { timeoutMs: 250 }).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith('no xDS response within')) return undefined;
        throw error;
      });
      if (r && !closed) fold(r);
    }
  }

  if (variant === 'sotw') {
    client.request(TYPE.cluster, []);
    client.request(TYPE.listener, []);
  } else {
    client.subscribe(TYPE.cluster, []);
    client.subscribe(TYPE.listener, []);
  }
  subscribed.set(TYPE.cluster, []);
  subscribed.set(TYPE.listener, []);
  pump().catch((error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))));

  return {
    variant,
    client,
    seen,
    held: (t) => of(t),
    names: (t) => [...of(t).keys()].sort(),
    message(t, name) {
      const m = of(t).get(name)?.message;
      if (!m) throw new Error(`${variant} client holds no ${t} ${name}`);
      return m;
    },
    failure: () => failure,
    close() {
      closed = true;
      client.close();
    },
  };
}
