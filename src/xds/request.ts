// Decoding what clients send. SotW requests are read field by field: an Envoy ACKs every EDS
// response with the full list of cluster names, so the list is kept as raw bytes (`namesKey`) and
// decoded only when it differs from the previous request's. Delta requests are read field by field
// too; nested messages (node, error_detail) go through the protobufjs types. Every request first
// tells how many names it carries (and their bytes) without decoding them, so an oversized list is
// refused before it costs anything; text the client controls (node fields, type URL, NACK
// message) is bounded here.
import { messageType } from '../proto/root.js';
import { TEXT_LIMITS, bounded } from './limits.js';

export interface NodeInfo {
  readonly id: string;
  readonly cluster: string;
  readonly userAgent: string;
}

export interface ErrorDetail {
  readonly code: number;
  readonly message: string;
}

/** Resource names a request carries (subscribe, unsubscribe, initial versions): count and bytes. */
export interface NameLoad {
  readonly count: number;
  readonly bytes: number;
  /** False when reading stopped past the budget: the request carries even more. */
  readonly complete: boolean;
}

/** Past these, names are not even counted further: the request is refused anyway. */
export interface NameBudget {
  readonly maxCount: number;
  readonly maxBytes: number;
}

const UNBOUNDED: NameBudget = { maxCount: Infinity, maxBytes: Infinity };

/** Counts names as they are read; false once past the budget. */
function nameCounter(budget: NameBudget): { add(bytes: number): boolean; load(): NameLoad } {
  let count = 0;
  let bytes = 0;
  let complete = true;
  return {
    add(n) {
      count++;
      bytes += n;
      if (count > budget.maxCount || bytes > budget.maxBytes) complete = false;
      return complete;
    },
    load: () => ({ count, bytes, complete }),
  };
}

export interface SotwRequest {
  readonly versionInfo: string;
  readonly node: NodeInfo | undefined;
  /** The raw bytes of the resource_names fields: equal bytes, equal list. */
  readonly namesKey: Buffer;
  readonly names: NameLoad;
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
const ident = (v: unknown): string => bounded(str(v), TEXT_LIMITS.identifier);

/** The decoded message itself: protobufjs puts defaults ('' and []) on the prototype. */
function decodeObject(fullName: string, buf: Uint8Array): Obj {
  const msg: object = messageType(fullName).decode(buf);
  return msg as Obj;
}

/** Node metadata, locality and extensions are not kept: only these three bounded strings. */
function toNode(v: unknown): NodeInfo | undefined {
  if (!isObj(v)) return undefined;
  return { id: ident(v.id), cluster: ident(v.cluster), userAgent: ident(v.user_agent_name) };
}

function toError(v: unknown): ErrorDetail | undefined {
  if (!isObj(v)) return undefined;
  return { code: typeof v.code === 'number' ? v.code : 0, message: bounded(str(v.message), TEXT_LIMITS.errorMessage) };
}

function varint(buf: Uint8Array, at: number): [number, number] {
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

/** Visit each top-level length-delimited field: (field number, field start, value start, end); false stops. */
function walkFields(buf: Uint8Array, visit: (fieldNo: number, start: number, valueStart: number, end: number) => boolean | void): void {
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p1] = varint(buf, pos);
    const wire = tag & 7;
    if (wire === 0) [, pos] = varint(buf, p1);
    else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = varint(buf, p1);
      pos = p2 + len;
      if (pos > buf.length) throw new Error('truncated field');
      if (visit(Math.floor(tag / 8), start, p2, pos) === false) return;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** DeltaDiscoveryRequest fields naming resources: subscribe 3, unsubscribe 4, initial versions 5. */
const DELTA_NAME_FIELDS = new Set([3, 4, 5]);

/** How many names a Delta request carries, read from the wire without decoding it. */
export function deltaNameLoad(buf: Uint8Array, budget: NameBudget = UNBOUNDED): NameLoad {
  const names = nameCounter(budget);
  walkFields(buf, (fieldNo, _start, valueStart, end) => !DELTA_NAME_FIELDS.has(fieldNo) || names.add(end - valueStart));
  return names.load();
}

/**
 * DiscoveryRequest: version_info 1, node 2, resource_names 3, type_url 4, response_nonce 5,
 * error_detail 6. Reading stops once the names exceed the budget (`names.complete` false).
 */
export function decodeSotwRequest(buf: Buffer, budget: NameBudget = UNBOUNDED): SotwRequest {
  const strings = new Map<number, string>();
  /** start, end offsets of each resource_names field (tag included) */
  const ranges: number[] = [];
  const counter = nameCounter(budget);
  let contiguous = true;
  let node: NodeInfo | undefined;
  let errorDetail: ErrorDetail | undefined;
  walkFields(buf, (fieldNo, start, valueStart, end) => {
    const bytes = buf.subarray(valueStart, end);
    if (fieldNo === 3) {
      if (ranges.length > 0 && ranges[ranges.length - 1] !== start) contiguous = false;
      ranges.push(start, end);
      return counter.add(end - valueStart);
    } else if (fieldNo === 2) node = toNode(decodeObject('envoy.config.core.v3.Node', bytes));
    else if (fieldNo === 6) errorDetail = toError(decodeObject('google.rpc.Status', bytes));
    else strings.set(fieldNo, bytes.toString('utf8'));
  });
  const slices = (): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < ranges.length; i += 2) out.push(buf.subarray(ranges[i], ranges[i + 1]));
    return out;
  };
  const namesKey = ranges.length === 0 ? Buffer.alloc(0)
    : contiguous ? buf.subarray(ranges[0], ranges[ranges.length - 1]) : Buffer.concat(slices());
  return {
    versionInfo: bounded(strings.get(1) ?? '', TEXT_LIMITS.identifier),
    node,
    namesKey,
    names: counter.load(),
    resourceNames: () => slices().map((n) => n.subarray(varint(n, varint(n, 0)[1])[1]).toString('utf8')),
    typeUrl: bounded(strings.get(4) ?? '', TEXT_LIMITS.identifier),
    responseNonce: bounded(strings.get(5) ?? '', TEXT_LIMITS.identifier),
    errorDetail,
  };
}

/** A map<string, string> entry (key = 1, value = 2). */
function mapEntry(buf: Buffer): [string, string] {
  let key = '';
  let value = '';
  walkFields(buf, (fieldNo, _start, valueStart, end) => {
    if (fieldNo === 1) key = buf.toString('utf8', valueStart, end);
    else if (fieldNo === 2) value = buf.toString('utf8', valueStart, end);
  });
  return [key, value];
}

/**
 * DeltaDiscoveryRequest, read field by field (an Envoy subscribes to thousands of names at once):
 * node 1, type_url 2, resource_names_subscribe 3, resource_names_unsubscribe 4,
 * initial_resource_versions 5, response_nonce 6, error_detail 7.
 */
export function decodeDeltaRequest(bytes: Uint8Array): DeltaRequest {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const subscribe: string[] = [];
  const unsubscribe: string[] = [];
  const initialVersions = new Map<string, string>();
  let node: NodeInfo | undefined;
  let errorDetail: ErrorDetail | undefined;
  let typeUrl = '';
  let responseNonce = '';
  walkFields(buf, (fieldNo, _start, valueStart, end) => {
    if (fieldNo === 3) subscribe.push(buf.toString('utf8', valueStart, end));
    else if (fieldNo === 4) unsubscribe.push(buf.toString('utf8', valueStart, end));
    else if (fieldNo === 5) {
      const [name, version] = mapEntry(buf.subarray(valueStart, end));
      initialVersions.set(name, bounded(version, TEXT_LIMITS.identifier));
    } else if (fieldNo === 1) node = toNode(decodeObject('envoy.config.core.v3.Node', buf.subarray(valueStart, end)));
    else if (fieldNo === 7) errorDetail = toError(decodeObject('google.rpc.Status', buf.subarray(valueStart, end)));
    else if (fieldNo === 2) typeUrl = buf.toString('utf8', valueStart, end);
    else if (fieldNo === 6) responseNonce = buf.toString('utf8', valueStart, end);
  });
  return {
    node,
    typeUrl: bounded(typeUrl, TEXT_LIMITS.identifier),
    subscribe,
    unsubscribe,
    initialVersions,
    responseNonce: bounded(responseNonce, TEXT_LIMITS.identifier),
    errorDetail,
  };
}
