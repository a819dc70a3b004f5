// The JSON-ish form of protobuf messages that the translators write and that the codec and the
// validator read: proto field names, 64-bit integers as numbers, bigints or decimal strings, bytes
// as Uint8Array or base64, well-known types in their JSON form (wkt.ts). Shared helpers only.

/** A conversion that either succeeds or says why not (never throws). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function pathString(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg.startsWith('[')) out += seg;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function mapKeySegment(key: string): string {
  return `[${JSON.stringify(key)}]`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function toNumeric(v: unknown): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
}

export type Num = number | bigint;

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

const FLOAT_MAX = 3.4028234663852886e38;

export function isNumberType(type: string): boolean {
  return type === 'double' || type === 'float' || type in INT_RANGES;
}

export function is64(type: string): boolean {
  return type.endsWith('64') && type !== 'double';
}

/** An integer of `type` from a number, a decimal string (proto3 JSON) or a bigint. */
function parseInteger(type: string, v: unknown, range: readonly [bigint, bigint]): Parsed<Num> {
  let big: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return { ok: false, error: `must be an integer (${type}), got ${v}` };
    big = BigInt(v);
  } else if (typeof v === 'bigint') {
    big = v;
  } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    big = BigInt(v);
  } else {
    return { ok: false, error: `expected an integer (${type}), got ${typeof v}` };
  }
  if (big < range[0] || big > range[1]) return { ok: false, error: `${big} is out of range for ${type}` };
  return { ok: true, value: is64(type) ? big : Number(big) };
}

function parseFloating(type: string, v: unknown): Parsed<Num> {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') n = Number(v);
  else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) n = Number(v);
  else return { ok: false, error: `expected a number (${type}), got ${typeof v}` };
  if (type === 'float' && Number.isFinite(n) && Math.abs(n) > FLOAT_MAX) {
    return { ok: false, error: `${n} is out of range for float` };
  }
  return { ok: true, value: n };
}

/** Check and convert a JSON-ish number of protobuf scalar `type` (64-bit integers → bigint). */
export function parseNumber(type: string, v: unknown): Parsed<Num> {
  const range = INT_RANGES[type];
  return range ? parseInteger(type, v, range) : parseFloating(type, v);
}

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** bytes in JSON-ish form: a Uint8Array (Buffer) or a base64 string. */
export function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string' && BASE64_RE.test(v)) return Buffer.from(v, 'base64');
  return undefined;
}

/** The default value a proto3 field without presence holds when absent. */
export function scalarDefault(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return new Uint8Array(0);
  return 0;
}

