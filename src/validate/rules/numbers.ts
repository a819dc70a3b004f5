// Numeric scalars: type checks for every protobuf number type, then the Int32Rules/UInt32Rules/
// Int64Rules/UInt64Rules/DoubleRules/FloatRules/... of protoc-gen-validate (const, lt, lte, gt,
// gte, in, not_in, with PGV's exclusive ranges when lower > upper).
import { toNumeric, type Num } from '../../proto/form.js';
import { report, ruleList, ruleNum, show as showValue, type Ctx, type Rules } from './types.js';

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
