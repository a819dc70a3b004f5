// StringRules and BytesRules of protoc-gen-validate. Messages never quote the checked value:
// strings may be secrets (inline private keys), so only lengths and the rule's own text appear.
import { RE2JS } from 're2js';
import { headerRegex, WELL_KNOWN_KINDS, wellKnownError } from './address.js';
import { report, ruleBool, ruleList, ruleNum, ruleStr, show, type Ctx, type Rules } from './types.js';

type StrCheck = (s: string, ctx: Ctx) => void;

const units = (n: number | bigint, unit: string): string => `${show(n)} ${unit}${n == 1 ? '' : 's'}`;

/** Unicode code points, as PGV's min_len/max_len count them. */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function lengthChecks(rules: Rules, checks: StrCheck[]): void {
  const len = ruleNum(rules, 'len');
  const min = ruleNum(rules, 'min_len');
  const max = ruleNum(rules, 'max_len');
  if (len !== undefined) checks.push((s, ctx) => void (codePoints(s) == len || report(ctx, `must be exactly ${units(len, 'character')}, got ${codePoints(s)}`)));
  if (min !== undefined) checks.push((s, ctx) => void (s.length >= Number(min) * 2 || codePoints(s) >= min || report(ctx, `must be at least ${units(min, 'character')}, got ${codePoints(s)}`)));
  if (max !== undefined) checks.push((s, ctx) => void (s.length <= max || codePoints(s) <= max || report(ctx, `must be at most ${units(max, 'character')}, got ${codePoints(s)}`)));
  const lenBytes = ruleNum(rules, 'len_bytes');
  const minBytes = ruleNum(rules, 'min_bytes');
  const maxBytes = ruleNum(rules, 'max_bytes');
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
  if (lenBytes !== undefined) checks.push((s, ctx) => void (bytes(s) == lenBytes || report(ctx, `must be exactly ${units(lenBytes, 'byte')}, got ${bytes(s)}`)));
  if (minBytes !== undefined) checks.push((s, ctx) => void (s.length >= minBytes || bytes(s) >= minBytes || report(ctx, `must be at least ${units(minBytes, 'byte')}, got ${bytes(s)}`)));
  if (maxBytes !== undefined) checks.push((s, ctx) => void (s.length * 3 <= maxBytes || bytes(s) <= maxBytes || report(ctx, `must be at most ${units(maxBytes, 'byte')}, got ${bytes(s)}`)));
}

function contentChecks(rules: Rules, checks: StrCheck[]): void {
  const c = ruleStr(rules, 'const');
  if (c !== undefined) checks.push((s, ctx) => void (s === c || report(ctx, `must equal ${show(c)}`)));
  const pattern = ruleStr(rules, 'pattern');
  if (pattern !== undefined) {
    const re = RE2JS.compile(pattern);
    checks.push((s, ctx) => void (re.test(s) || report(ctx, `must match the pattern ${show(pattern)}`)));
  }
  const prefix = ruleStr(rules, 'prefix');
  if (prefix !== undefined) checks.push((s, ctx) => void (s.startsWith(prefix) || report(ctx, `must start with ${show(prefix)}`)));
  const suffix = ruleStr(rules, 'suffix');
  if (suffix !== undefined) checks.push((s, ctx) => void (s.endsWith(suffix) || report(ctx, `must end with ${show(suffix)}`)));
  const contains = ruleStr(rules, 'contains');
  if (contains !== undefined) checks.push((s, ctx) => void (s.includes(contains) || report(ctx, `must contain ${show(contains)}`)));
  const notContains = ruleStr(rules, 'not_contains');
  if (notContains !== undefined) checks.push((s, ctx) => void (s.includes(notContains) && report(ctx, `must not contain ${show(notContains)}`)));
  const inList = ruleList(rules, 'in')?.map(String);
  if (inList) checks.push((s, ctx) => void (inList.includes(s) || report(ctx, `must be one of [${inList.map(show).join(', ')}]`)));
  const notIn = ruleList(rules, 'not_in')?.map(String);
  if (notIn) checks.push((s, ctx) => void (notIn.includes(s) && report(ctx, `must not be one of [${notIn.map(show).join(', ')}]`)));
}

function formatChecks(rules: Rules, checks: StrCheck[]): void {
  for (const kind of WELL_KNOWN_KINDS) {
    if (ruleBool(rules, kind) !== true) continue;
    checks.push((s, ctx) => {
      const err = wellKnownError(kind, s);
      if (err) report(ctx, err);
    });
  }
  const header = headerRegex(rules['well_known_regex'], ruleBool(rules, 'strict') ?? true);
  if (header) checks.push((s, ctx) => void (header.re.test(s) || report(ctx, header.what)));
}

function combine<T>(checks: ((v: T, ctx: Ctx) => void)[], ignoreEmpty: (v: T) => boolean): ((v: T, ctx: Ctx) => void) | undefined {
  if (checks.length === 0) return undefined;
  return (v, ctx) => {
    if (ignoreEmpty(v)) return;
    for (const check of checks) check(v, ctx);
  };
}

/** Compile StringRules into one check of a string value. */
export function compileStringRules(rules: Rules | undefined): StrCheck | undefined {
  if (!rules) return undefined;
  const checks: StrCheck[] = [];
  lengthChecks(rules, checks);
  contentChecks(rules, checks);
  formatChecks(rules, checks);
  const ignoreEmpty = ruleBool(rules, 'ignore_empty') === true;
  return combine(checks, (s) => ignoreEmpty && s === '');
}

type BytesCheck = (b: Uint8Array, ctx: Ctx) => void;

/** Compile BytesRules (lengths, const, prefix, suffix, contains, in, not_in, ip forms). */
export function compileBytesRules(rules: Rules | undefined): BytesCheck | undefined {
  if (!rules) return undefined;
  const checks: BytesCheck[] = [];
  const len = ruleNum(rules, 'len');
  const min = ruleNum(rules, 'min_len');
  const max = ruleNum(rules, 'max_len');
  if (len !== undefined) checks.push((b, ctx) => void (b.length == len || report(ctx, `must be exactly ${units(len, 'byte')}, got ${b.length}`)));
  if (min !== undefined) checks.push((b, ctx) => void (b.length >= min || report(ctx, `must be at least ${units(min, 'byte')}, got ${b.length}`)));
  if (max !== undefined) checks.push((b, ctx) => void (b.length <= max || report(ctx, `must be at most ${units(max, 'byte')}, got ${b.length}`)));
  const asBuf = (v: unknown): Buffer | undefined => (typeof v === 'string' ? Buffer.from(v, 'latin1') : undefined);
  const c = asBuf(rules['const']);
  if (c) checks.push((b, ctx) => void (c.equals(b) || report(ctx, 'must equal the constant bytes')));
  const prefix = asBuf(rules['prefix']);
  if (prefix) checks.push((b, ctx) => void (Buffer.from(b).subarray(0, prefix.length).equals(prefix) || report(ctx, 'must start with the given bytes')));
  const suffix = asBuf(rules['suffix']);
  if (suffix) checks.push((b, ctx) => void (Buffer.from(b).subarray(b.length - suffix.length).equals(suffix) || report(ctx, 'must end with the given bytes')));
  const contains = asBuf(rules['contains']);
  if (contains) checks.push((b, ctx) => void (Buffer.from(b).includes(contains) || report(ctx, 'must contain the given bytes')));
  const inList = ruleList(rules, 'in')?.map(asBuf);
  if (inList) checks.push((b, ctx) => void (inList.some((x) => x?.equals(b)) || report(ctx, 'must be one of the allowed values')));
  const notIn = ruleList(rules, 'not_in')?.map(asBuf);
  if (notIn) checks.push((b, ctx) => void (notIn.some((x) => x?.equals(b)) && report(ctx, 'must not be one of the given values')));
  if (ruleBool(rules, 'ip')) checks.push((b, ctx) => void (b.length === 4 || b.length === 16 || report(ctx, 'must be an IP address (4 or 16 bytes)')));
  if (ruleBool(rules, 'ipv4')) checks.push((b, ctx) => void (b.length === 4 || report(ctx, 'must be an IPv4 address (4 bytes)')));
  if (ruleBool(rules, 'ipv6')) checks.push((b, ctx) => void (b.length === 16 || report(ctx, 'must be an IPv6 address (16 bytes)')));
  const ignoreEmpty = ruleBool(rules, 'ignore_empty') === true;
  return combine(checks, (b) => ignoreEmpty && b.length === 0);
}
