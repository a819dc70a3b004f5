// google.protobuf.Duration and Timestamp fields: the JSON-ish check, then DurationRules and
// TimestampRules (required is handled where absence is seen). Bounds reuse the numeric rule engine
// on nanoseconds, and print as durations / timestamps.
import { compileNumberRules, type NumCheck } from './numbers.js';
import { report, ruleBool, ruleList, ruleObj, type Check, type Rules } from './types.js';
import { formatDuration, formatTimestamp, parseDuration, parseTimestamp, ruleDuration } from '../../proto/wkt.js';
import { isConstant } from '../../proto/constant.js';

const BOUNDS = ['const', 'lt', 'lte', 'gt', 'gte'];

/** Rewrite `{gt: {seconds: 1}}`-style rule constants as nanoseconds for the numeric engine. */
function nanosRules(r: Rules): Rules {
  const out: Record<string, unknown> = {};
  for (const key of BOUNDS) {
    const ns = ruleDuration(r[key]);
    if (ns !== undefined) out[key] = ns;
  }
  for (const key of ['in', 'not_in']) {
    const list = ruleList(r, key)?.map(ruleDuration).filter((x) => x !== undefined);
    if (list) out[key] = list;
  }
  return out;
}

const asDuration = (n: number | bigint): string => formatDuration(BigInt(n));
const asTimestamp = (n: number | bigint): string => formatTimestamp(BigInt(n));

export function compileDuration(rules: Rules | undefined): Check {
  const r = ruleObj(rules, 'duration');
  const check = r ? compileNumberRules(nanosRules(r), asDuration) : undefined;
  // constant durations (src/proto/constant.ts) this field's rules found valid: valid again
  const valid = new WeakSet<object>();
  return (v, ctx) => {
    if (isConstant(v) && valid.has(v)) return;
    const d = parseDuration(v);
    if (!d.ok) return report(ctx, d.error);
    const before = ctx.issues.length;
    if (check && !ctx.rulesOff) check(d.value, ctx);
    if (isConstant(v) && !ctx.rulesOff && ctx.issues.length === before) valid.add(v);
  };
}

function nowChecks(r: Rules): NumCheck | undefined {
  const ltNow = ruleBool(r, 'lt_now') === true;
  const gtNow = ruleBool(r, 'gt_now') === true;
  const within = ruleDuration(r['within']);
  if (!ltNow && !gtNow && within === undefined) return undefined;
  return (n, ctx) => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const t = BigInt(n);
    if (ltNow && t >= now) report(ctx, 'must be in the past');
    if (gtNow && t <= now) report(ctx, 'must be in the future');
    if (within !== undefined && (t - now > within || now - t > within)) {
      report(ctx, `must be within ${formatDuration(within)} of now`);
    }
  };
}

export function compileTimestamp(rules: Rules | undefined): Check {
  const r = ruleObj(rules, 'timestamp');
  const bounds = r ? compileNumberRules(nanosRules(r), asTimestamp) : undefined;
  const now = r ? nowChecks(r) : undefined;
  return (v, ctx) => {
    const t = parseTimestamp(v);
    if (!t.ok) return report(ctx, t.error);
    if (ctx.rulesOff) return;
    bounds?.(t.value, ctx);
    now?.(t.value, ctx);
  };
}
