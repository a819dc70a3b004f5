// Decode xDS responses with the protobufjs Envoy types and check the protocol invariants that
// must hold on every response. A violation throws: the test client fails the test with it.
import type protobuf from 'protobufjs';
import { messageType, typeForUrl } from '../../../src/proto/root.js';
import type { TypeUrl } from '../../../src/xds/types.js';

export interface DecodedResource {
  readonly name: string;
  /** Delta only: Resource.version. */
  readonly version?: string;
  /** The resource as a plain object (keepCase, longs and enums as strings, no defaults). */
  readonly message: Record<string, unknown>;
}

export interface SotwResponse {
  readonly kind: 'sotw';
  readonly typeUrl: TypeUrl;
  readonly versionInfo: string;
  readonly nonce: string;
  readonly resources: readonly DecodedResource[];
  readonly bytes: number;
  /** The response as received on the wire. */
  readonly raw: Uint8Array;
}

export interface DeltaResponse {
  readonly kind: 'delta';
  readonly typeUrl: TypeUrl;
  readonly systemVersionInfo: string;
  readonly nonce: string;
  readonly resources: readonly DecodedResource[];
  readonly removed: readonly string[];
  readonly bytes: number;
  /** The response as received on the wire. */
  readonly raw: Uint8Array;
}

export type XdsResponse = SotwResponse | DeltaResponse;

interface AnyMsg {
  type_url: string;
  value: Uint8Array;
}

const PLAIN: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

function decodeAny(any: AnyMsg, typeUrl: string): DecodedResource {
  if (any.type_url !== typeUrl) throw new Error(`resource of type ${any.type_url} in a ${typeUrl} response`);
  const type = typeForUrl(any.type_url);
  if (!type) throw new Error(`unknown resource type ${any.type_url}`);
  const message = type.toObject(type.decode(any.value), PLAIN);
  const name = typeof message.name === 'string' ? message.name : typeof message.cluster_name === 'string' ? message.cluster_name : '';
  return { name, message };
}

function noDuplicates(names: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`duplicate name ${n} in ${where}`);
    seen.add(n);
  }
}

export function checkResponse(variant: 'sotw' | 'delta', buf: Buffer, state: { lastNonce: number }): XdsResponse {
  const resp = variant === 'sotw' ? decodeSotw(buf) : decodeDelta(buf);
  const n = Number(resp.nonce);
  if (resp.nonce === '' || !Number.isFinite(n)) throw new Error(`response without a numeric nonce: "${resp.nonce}"`);
  if (n <= state.lastNonce) throw new Error(`nonce ${n} not above the previous ${state.lastNonce}`);
  state.lastNonce = n;
  noDuplicates(resp.resources.map((r) => r.name), `${resp.typeUrl} response ${resp.nonce}`);
  return resp;
}

function decodeSotw(buf: Buffer): SotwResponse {
  const t = messageType('envoy.service.discovery.v3.DiscoveryResponse');
  const o = t.toObject(t.decode(buf), { arrays: true }) as { version_info?: string; type_url?: string; nonce?: string; resources: AnyMsg[] };
  const typeUrl = (o.type_url ?? '') as TypeUrl;
  if (!o.version_info) throw new Error(`SotW ${typeUrl} response without version_info`);
  return {
    kind: 'sotw', typeUrl, versionInfo: o.version_info, nonce: o.nonce ?? '',
    resources: o.resources.map((a) => decodeAny(a, typeUrl)), bytes: buf.length, raw: buf,
  };
}

interface ResourceMsg {
  name?: string;
  version?: string;
  resource?: AnyMsg;
}

function decodeDelta(buf: Buffer): DeltaResponse {
  const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const o = t.toObject(t.decode(buf), { arrays: true }) as {
    system_version_info?: string; type_url?: string; nonce?: string; resources: ResourceMsg[]; removed_resources: string[];
  };
  const typeUrl = (o.type_url ?? '') as TypeUrl;
  const resources = o.resources.map((r): DecodedResource => {
    if (!r.resource) throw new Error(`Delta resource ${r.name ?? ''} without a body`);
    if (!r.version) throw new Error(`Delta resource ${r.name ?? ''} without a version`);
    const d = decodeAny(r.resource, typeUrl);
    if (d.name !== (r.name ?? '')) throw new Error(`Resource.name ${r.name ?? ''} differs from the message name ${d.name}`);
    return { ...d, version: r.version };
  });
  const removed = o.removed_resources;
  noDuplicates(removed, `${typeUrl} removed_resources`);
  for (const r of resources) if (removed.includes(r.name)) throw new Error(`${r.name} both sent and removed`);
  return {
    kind: 'delta', typeUrl, systemVersionInfo: o.system_version_info ?? '', nonce: o.nonce ?? '',
    resources, removed, bytes: buf.length, raw: buf,
  };
}
