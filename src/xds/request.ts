// Decoding what clients send. SotW requests are read field by field: an Envoy ACKs every EDS
// response with the full list of cluster names, so the list is kept as raw bytes (`namesKey`) and
// decoded only when it differs from the previous request's. Nested messages (node, error_detail)
// and Delta requests go through the protobufjs types.
import { messageType } from '../proto/root.js';

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
  /** The raw bytes of the resource_names fields: equal bytes, equal list. */
  readonly namesKey: Buffer;
  resourceNames(): string[];
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

/** The decoded message itself: protobufjs puts defaults ('' and []) on the prototype. */
function decodeObject(fullName: string, buf: Uint8Array): Obj {
  const msg: object = messageType(fullName).decode(buf);
  return msg as Obj;
}

function toNode(v: unknown): NodeInfo | undefined {
  if (!isObj(v)) return undefined;
  return { id: str(v.id), cluster: str(v.cluster), userAgent: str(v.user_agent_name) };
}

function toError(v: unknown): ErrorDetail | undefined {
  if (!isObj(v)) return undefined;
  return { code: typeof v.code === 'number' ? v.code : 0, message: str(v.message) };
}

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  let pos = at;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** DiscoveryRequest: version_info 1, node 2, resource_names 3, type_url 4, response_nonce 5, error_detail 6. */
export function decodeSotwRequest(buf: Buffer): SotwRequest {
  const strings = new Map<number, string>();
  /** start, end offsets of each resource_names field (tag included) */
  const ranges: number[] = [];
  let contiguous = true;
  let node: NodeInfo | undefined;
  let errorDetail: ErrorDetail | undefined;
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p1] = varint(buf, pos);
    const fieldNo = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) [, pos] = varint(buf, p1);
    else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = varint(buf, p1);
      pos = p2 + len;
      if (pos > buf.length) throw new Error('truncated field');
      const bytes = buf.subarray(p2, pos);
      if (fieldNo === 3) {
        if (ranges.length > 0 && ranges[ranges.length - 1] !== start) contiguous = false;
        ranges.push(start, pos);
      }
      else if (fieldNo === 2) node = toNode(decodeObject('envoy.config.core.v3.Node', bytes));
      else if (fieldNo === 6) errorDetail = toError(decodeObject('google.rpc.Status', bytes));
      else strings.set(fieldNo, bytes.toString('utf8'));
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  const slices = (): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < ranges.length; i += 2) out.push(buf.subarray(ranges[i], ranges[i + 1]));
    return out;
  };
  const namesKey = ranges.length === 0 ? Buffer.alloc(0)
    : contiguous ? buf.subarray(ranges[0], ranges[ranges.length - 1]) : Buffer.concat(slices());
  return {
    versionInfo: strings.get(1) ?? '',
    node,
    namesKey,
    resourceNames: () => slices().map((n) => n.subarray(varint(n, varint(n, 0)[1])[1]).toString('utf8')),
    typeUrl: strings.get(4) ?? '',
    responseNonce: strings.get(5) ?? '',
    errorDetail,
  };
}

export function decodeDeltaRequest(buf: Uint8Array): DeltaRequest {
  const o = decodeObject('envoy.service.discovery.v3.DeltaDiscoveryRequest', buf);
  const initial = new Map<string, string>();
  if (isObj(o.initial_resource_versions)) {
    for (const [k, v] of Object.entries(o.initial_resource_versions)) initial.set(k, str(v));
  }
  return {
    node: toNode(o.node),
    typeUrl: str(o.type_url),
    subscribe: strs(o.resource_names_subscribe),
    unsubscribe: strs(o.resource_names_unsubscribe),
    initialVersions: initial,
    responseNonce: str(o.response_nonce),
    errorDetail: toError(o.error_detail),
  };
}
