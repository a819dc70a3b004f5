// Protobuf wire framing for what the server writes, and decoding of what clients send.
//
// Responses are framed by hand (field tag + length + bytes) around the resources' cached
// `google.protobuf.Any` bytes, so a push never re-encodes a resource and a response shared by many
// streams is encoded once (the nonce is appended last; field order does not matter on the wire).
// Field numbers: envoy/service/discovery/v3/discovery.proto. Tests decode every response with the
// protobufjs types of src/proto/root.ts, so a framing mistake cannot pass unnoticed.
import { createHash } from 'node:crypto';
import { messageType } from '../proto/root.js';

const LEN = 2; // wire type "length-delimited"

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** One length-delimited field: tag, length, bytes. */
export function field(fieldNo: number, value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const head = Buffer.from([...varint((fieldNo << 3) | LEN), ...varint(bytes.length)]);
  return Buffer.concat([head, bytes]);
}

/** `google.protobuf.Any { type_url = 1; value = 2 }`; `value` is the tail of the buffer. */
export function encodeAny(typeUrl: string, bytes: Uint8Array): Buffer {
  return Buffer.concat([field(1, typeUrl), field(2, bytes)]);
}

export function resourceVersion(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

const DIGEST_MOD = 2 ** 52;

/** A 52-bit digest of one (name, version) pair; set versions are sums of these (order-free). */
export function pairDigest(name: string, version: string): number {
  return parseInt(createHash('sha256').update(name).update('\0').update(version).digest('hex').slice(0, 13), 16);
}
export const addDigest = (sum: number, d: number): number => (sum + d) % DIGEST_MOD;
export const subDigest = (sum: number, d: number): number => (sum - d + DIGEST_MOD) % DIGEST_MOD;
export const digestVersion = (sum: number): string => sum.toString(16).padStart(13, '0');

/** DiscoveryResponse without its nonce: version_info = 1, resources = 2, type_url = 4. */
export function sotwBody(version: string, anys: readonly Uint8Array[], typeUrl: string): Buffer {
  return Buffer.concat([field(1, version), ...anys.map((a) => field(2, a)), field(4, typeUrl)]);
}

/** Append the nonce (field 5 of both response messages) to a prepared body. */
export function withNonce(body: Uint8Array, nonce: string): Buffer {
  return Buffer.concat([body, field(5, nonce)]);
}

export interface DeltaEntry {
  readonly name: string;
  readonly version: string;
  readonly any: Uint8Array;
}

/**
 * DeltaDiscoveryResponse: system_version_info = 1, resources = 2 (Resource: version = 1,
 * resource = 2, name = 3), type_url = 4, nonce = 5, removed_resources = 6.
 */
export function deltaResponse(
  systemVersion: string, typeUrl: string, resources: readonly DeltaEntry[], removed: readonly string[], nonce: string,
): Buffer {
  const parts: Buffer[] = [field(1, systemVersion)];
  for (const r of resources) {
    parts.push(field(2, Buffer.concat([field(3, r.name), field(1, r.version), field(2, r.any)])));
  }
  parts.push(field(4, typeUrl), field(5, nonce));
  for (const name of removed) parts.push(field(6, name));
  return Buffer.concat(parts);
}

// ---- requests ----

export interface NodeInfo {
  readonly id: string;
  readonly cluster: string;
  readonly userAgent: string;
}

export interface ErrorDetail {
  readonly code: number;
  readonly message: string;
}

export interface SotwRequest {
  readonly versionInfo: string;
  readonly node: NodeInfo | undefined;
  readonly resourceNames: readonly string[];
  readonly typeUrl: string;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
}

export interface DeltaRequest {
  readonly node: NodeInfo | undefined;
  readonly typeUrl: string;
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly initialVersions: ReadonlyMap<string, string>;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function decodeNode(v: unknown): NodeInfo | undefined {
  if (!isObj(v)) return undefined;
  return { id: str(v.id), cluster: str(v.cluster), userAgent: str(v.user_agent_name) };
}

function decodeError(v: unknown): ErrorDetail | undefined {
  if (!isObj(v)) return undefined;
  return { code: typeof v.code === 'number' ? v.code : 0, message: str(v.message) };
}

function decodeObject(fullName: string, buf: Uint8Array): Obj {
  const type = messageType(fullName);
  return type.toObject(type.decode(buf), { longs: String, enums: String, arrays: true, objects: true });
}

export function decodeSotwRequest(buf: Uint8Array): SotwRequest {
  const o = decodeObject('envoy.service.discovery.v3.DiscoveryRequest', buf);
  return {
    versionInfo: str(o.version_info),
    node: decodeNode(o.node),
    resourceNames: strs(o.resource_names),
    typeUrl: str(o.type_url),
    responseNonce: str(o.response_nonce),
    errorDetail: decodeError(o.error_detail),
  };
}

export function decodeDeltaRequest(buf: Uint8Array): DeltaRequest {
  const o = decodeObject('envoy.service.discovery.v3.DeltaDiscoveryRequest', buf);
  const initial = new Map<string, string>();
  if (isObj(o.initial_resource_versions)) {
    for (const [k, v] of Object.entries(o.initial_resource_versions)) initial.set(k, str(v));
  }
  return {
    node: decodeNode(o.node),
    typeUrl: str(o.type_url),
    subscribe: strs(o.resource_names_subscribe),
    unsubscribe: strs(o.resource_names_unsubscribe),
    initialVersions: initial,
    responseNonce: str(o.response_nonce),
    errorDetail: decodeError(o.error_detail),
  };
}
