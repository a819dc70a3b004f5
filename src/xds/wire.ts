// Protobuf wire framing for what the server writes.
//
// Responses are framed by hand (field tag + length + bytes) around the resources' cached
// `google.protobuf.Any` bytes, so a push never re-encodes a resource and a response shared by many
// streams is encoded once (the nonce is appended last; field order does not matter on the wire).
// Field numbers: envoy/service/discovery/v3/discovery.proto. Tests decode every response with the
// protobufjs types of src/proto/root.ts, so a framing mistake cannot pass unnoticed.
import { hash } from 'node:crypto';

const LEN = 2; // wire type "length-delimited"

function varint(out: number[], n: number): void {
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Push one length-delimited field (tag, length, bytes) onto parts; nothing is copied yet. */
function push(parts: Uint8Array[], fieldNo: number, value: Uint8Array | string): number {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const head: number[] = [];
  varint(head, (fieldNo << 3) | LEN);
  varint(head, bytes.length);
  parts.push(Uint8Array.from(head), bytes);
  return head.length + bytes.length;
}

/** One length-delimited field as a buffer. */
export function field(fieldNo: number, value: Uint8Array | string): Buffer {
  const parts: Uint8Array[] = [];
  push(parts, fieldNo, value);
  return Buffer.concat(parts);
}

/** The `type_url` field of an Any, encoded once per type URL (a handful of them). */
const typeUrlFields = new Map<string, Buffer>();

function typeUrlField(typeUrl: string): Buffer {
  let f = typeUrlFields.get(typeUrl);
  if (f === undefined) typeUrlFields.set(typeUrl, (f = field(1, typeUrl)));
  return f;
}

function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v > 0x7f; v = Math.floor(v / 128)) size++;
  return size;
}

/** The framing of `google.protobuf.Any { type_url = 1; value = 2 }` before the value's bytes: type_url, then the value's tag and length. */
function anyHead(typeUrl: string, length: number): Buffer {
  const head = typeUrlField(typeUrl);
  const out = Buffer.allocUnsafe(head.length + 1 + varintSize(length));
  head.copy(out, 0);
  let pos = head.length;
  out[pos++] = (2 << 3) | LEN;
  for (let v = length; ; v = Math.floor(v / 128)) {
    if (v <= 0x7f) {
      out[pos++] = v;
      break;
    }
    out[pos++] = (v & 0x7f) | 0x80;
  }
  return out;
}

/**
 * Push one resource as a length-delimited google.protobuf.Any field onto parts, its bytes not
 * copied (the cache keeps each resource once; the Any exists only in the responses).
 */
function pushAny(parts: Uint8Array[], fieldNo: number, typeUrl: string, bytes: Uint8Array): number {
  const head = anyHead(typeUrl, bytes.length);
  const size = head.length + bytes.length;
  const tagAndLength: number[] = [];
  varint(tagAndLength, (fieldNo << 3) | LEN);
  varint(tagAndLength, size);
  parts.push(Uint8Array.from(tagAndLength), head, bytes);
  return tagAndLength.length + size;
}

export function resourceVersion(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex').slice(0, 16);
}

const DIGEST_MOD = 2 ** 52;

/** A 52-bit digest of one (name, version) pair; set versions are sums of these (order-free). */
export function pairDigest(name: string, version: string): number {
  return parseInt(hash('sha256', `${name}\0${version}`, 'hex').slice(0, 13), 16);
}
export const addDigest = (sum: number, d: number): number => (sum + d) % DIGEST_MOD;
export const subDigest = (sum: number, d: number): number => (sum - d + DIGEST_MOD) % DIGEST_MOD;
export const digestVersion = (sum: number): string => sum.toString(16).padStart(13, '0');

/** DiscoveryResponse without its nonce (version_info = 1, resources = 2, type_url = 4) of resources of type `typeUrl` given by their bytes (each framed as an Any here, without a copy). */
export function sotwBodyOf(version: string, resources: readonly { readonly bytes: Uint8Array }[], typeUrl: string): Buffer {
  const parts: Uint8Array[] = [];
  push(parts, 1, version);
  for (const r of resources) pushAny(parts, 2, typeUrl, r.bytes);
  push(parts, 4, typeUrl);
  return Buffer.concat(parts);
}

/** Append the nonce (field 5 of both response messages) to a prepared body. */
export function withNonce(body: Uint8Array, nonce: string): Buffer {
  const parts: Uint8Array[] = [body];
  push(parts, 5, nonce);
  return Buffer.concat(parts);
}

export interface DeltaEntry {
  readonly name: string;
  readonly version: string;
  /** The resource's own bytes (framed as an Any in the response). */
  readonly bytes: Uint8Array;
}

/**
 * DeltaDiscoveryResponse without its nonce: system_version_info = 1, resources = 2 (Resource: version = 1,
 * resource = 2, name = 3), type_url = 4, nonce = 5, removed_resources = 6.
 */
export function deltaBody(
  systemVersion: string, typeUrl: string, resources: readonly DeltaEntry[], removed: readonly string[],
): Buffer {
  const parts: Uint8Array[] = [];
  push(parts, 1, systemVersion);
  for (const r of resources) {
    const inner: Uint8Array[] = [];
    const size = push(inner, 3, r.name) + push(inner, 1, r.version) + pushAny(inner, 2, typeUrl, r.bytes);
    const head: number[] = [];
    varint(head, (2 << 3) | LEN);
    varint(head, size);
    parts.push(Uint8Array.from(head), ...inner);
  }
  push(parts, 4, typeUrl);
  for (const name of removed) push(parts, 6, name);
  return Buffer.concat(parts);
}

export function deltaResponse(
  systemVersion: string, typeUrl: string, resources: readonly DeltaEntry[], removed: readonly string[], nonce: string,
): Buffer {
  return withNonce(deltaBody(systemVersion, typeUrl, resources, removed), nonce);
}
