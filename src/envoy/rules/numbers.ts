// Numeric scalars: type checks for every protobuf number type, then the Int32Rules/UInt32Rules/
// Int64Rules/UInt64Rules/DoubleRules/FloatRules/... of protoc-gen-validate (const, lt, lte, gt,
// gte, in, not_in, with PGV's exclusive ranges when lower > upper).
import { report, ruleList, ruleNum, show as showValue, toNumeric, type Ctx, type Parsed, type Rules } from './types.js';

type Num = number | bigint;

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

function eq(a: Num, b: Num): boolean {
  if (typeof a === typeof b) return a === b;
  if ((typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))) return false;
  return !(a < b) && !(a > b);
}

export type NumCheck = (n: Num, ctx: Ctx) => void;

function rangeCheck(rules: Rules, show: (n: Num) => string): NumCheck | undefined {
  const lt = ruleNum(rules, 'lt');
  const lte = ruleNum(rules, 'lte');
  const gt = ruleNum(rules, 'gt');
  const gte = ruleNum(rules, 'gte');
  const hi = lt ?? lte;
  const lo = gt ?? gte;
  const below = (n: Num): boolean => (lt !== undefined ? n < lt : lte !== undefined ? n <= lte : true);
  const above = (n: Num): boolean => (gt !== undefined ? n > gt : gte !== undefined ? n >= gte : true);
  const hiText = lt !== undefined ? `< ${show(lt)}` : lte !== undefined ? `<= ${show(lte)}` : '';
  const loText = gt !== undefined ? `> ${show(gt)}` : gte !== undefined ? `>= ${show(gte)}` : '';
  if (hi === undefined && lo === undefined) return undefined;
  if (lo === undefined) return (n, ctx) => void (below(n) || report(ctx, `must be ${hiText}, got ${show(n)}`));
  if (hi === undefined) return (n, ctx) => void (above(n) || report(ctx, `must be ${loText}, got ${show(n)}`));
  if (hi >= lo) {
    return (n, ctx) => void ((below(n) && above(n)) || report(ctx, `must be ${loText} and ${hiText}, got ${show(n)}`));
  }
  // PGV exclusive range: upper bound below the lower one means "outside [hi, lo]".
  return (n, ctx) => void ((below(n) || above(n)) || report(ctx, `must be ${hiText} or ${loText}, got ${show(n)}`));
}

/** Compile numeric rules into one check of an already type-checked number. */
export function compileNumberRules(rules: Rules | undefined, show: (n: Num) => string = showValue): NumCheck | undefined {
  if (!rules) return undefined;
  const checks: NumCheck[] = [];
  const c = ruleNum(rules, 'const');
  if (c !== undefined) checks.push((n, ctx) => void (eq(n, c) || report(ctx, `must equal ${show(c)}, got ${show(n)}`)));
  const range = rangeCheck(rules, show);
  if (range) checks.push(range);
  const inList = ruleList(rules, 'in')?.map(toNumeric).filter((x): x is Num => x !== undefined);
  if (inList) {
    checks.push((n, ctx) => void (inList.some((x) => eq(n, x)) || report(ctx, `must be one of [${inList.map((x) => show(x)).join(', ')}], got ${show(n)}`)));
  }
  const notIn = ruleList(rules, 'not_in')?.map(toNumeric).filter((x): x is Num => x !== undefined);
  if (notIn) {
    checks.push((n, ctx) => void (notIn.some((x) => eq(n, x)) && report(ctx, `must not be one of [${notIn.map((x) => show(x)).join(', ')}]`)));
  }
  if (checks.length === 0) return undefined;
  return (n, ctx) => {
    for (const check of checks) check(n, ctx);
  };
}
