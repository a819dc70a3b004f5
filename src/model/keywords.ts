// Typed parsers for keyword values, shared by every section. Each takes the raw `info` value
// (OpenSVC converts lists to arrays, integers to numbers, json to objects, booleans to bools;
// the file source may give strings for all of them) and returns a value or a refusal sentence.
// Absent values (undefined/null) never reach a parser: the section reader handles defaults.
import { isIPv4, isIPv6 } from 'node:net';
import { accept, refuse, show, type Parsed } from './problems.js';
import { compileRe2 } from './re2.js';
import type { LbPolicy, Protocol, RedirectCode } from './types.js';

const DIGITS = /^\s*\d+\s*$/;

/** A non-empty string (surrounding spaces trimmed). */
export function parseString(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be a string, not ${show(value)}.`);
  const text = value.trim();
  return text === '' ? refuse('InvalidValue', 'must not be empty.') : accept(text);
}

function parseInteger(value: unknown, what: string, min: number, max: number): Parsed<number> {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && DIGITS.test(value)) n = Number(value.trim());
  else if (typeof value === 'string') return refuse('InvalidValue', `${show(value)} is not ${what}.`);
  else return refuse('InvalidType', `must be ${what}, not ${show(value)}.`);
  if (!Number.isInteger(n)) return refuse('InvalidValue', `${show(value)} is not ${what}.`);
  if (n < min || n > max) return refuse('OutOfRange', `${show(value)} is out of range: ${what} from ${min} to ${max} is expected.`);
  return accept(n);
}

/** A non-empty string kept exactly as written (inline PEM material). */
export function parseText(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return refuse('InvalidType', 'must be a string.');
  return value.trim() === '' ? refuse('InvalidValue', 'must not be empty.') : accept(value);
}

/** A TCP/UDP port 1-65535 (`port`). */
export function parsePort(value: unknown): Parsed<number> {
  return parseInteger(value, 'a port number', 1, 65535);
}

/** `listener_port`: 0 asks for an allocated port. */
export function parseListenerPort(value: unknown): Parsed<number> {
  return parseInteger(value, 'a port number (0 to allocate one)', 0, 65535);
}

export function parseProtocol(value: unknown): Parsed<Protocol> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be "tcp" or "udp", not ${show(value)}.`);
  const p = value.trim().toLowerCase();
  return p === 'tcp' || p === 'udp' ? accept(p) : refuse('InvalidValue', `${show(value)} is not a protocol: use tcp or udp.`);
}

/** An IPv4 or IPv6 literal; IPv6 is returned canonical (lower-case, compressed, no brackets). */
export function parseAddress(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be an IP address, not ${show(value)}.`);
  const raw = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(raw)) return accept(raw);
  if (isIPv6(raw)) {
    const canonical = canonicalIPv6(raw);
    const v4 = mappedIPv4(canonical);
    if (v4 !== undefined) {
      return refuse('InvalidValue', `${show(value)} is an IPv4 address written as IPv6 (IPv4-mapped): give ${v4}. A listener on the IPv6 form takes that IPv4 address's connections without meeting the listeners on 0.0.0.0, and Linux refuses to bind it without ipv4_compat.`);
    }
    return accept(canonical);
  }
  return refuse('InvalidValue', `${show(value)} is not an IPv4 or IPv6 address (a host name cannot be a listener address).`);
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a00:5`, canonical form) stands for. */
function mappedIPv4(canonical: string): string | undefined {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (m === null) return undefined;
  const [hi, lo] = [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function canonicalIPv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

const LB_POLICIES: Readonly<Record<string, LbPolicy>> = {
  round_robin: 'ROUND_ROBIN',
  roundrobin: 'ROUND_ROBIN',
  least_request: 'LEAST_REQUEST',
  ring_hash: 'RING_HASH',
  random: 'RANDOM',
  maglev: 'MAGLEV',
};

export function parseLbPolicy(value: unknown): Parsed<LbPolicy> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be a load-balancing policy name, not ${show(value)}.`);
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const policy = LB_POLICIES[key];
  if (policy !== undefined) return accept(policy);
  if (key === 'original_dst_lb' || key === 'cluster_provided') {
    return refuse('Unsupported', `${show(value)} cannot work here: the gateway's clusters get their endpoints from EDS, and ${value.trim()} needs a cluster without them (ORIGINAL_DST). Use round robin, least_request, ring_hash, random or maglev.`);
  }
  return refuse('InvalidValue', `${show(value)} is not a load-balancing policy: use round robin, least_request, ring_hash, random or maglev.`);
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0']);

/** A boolean, or the strings true/false (also yes/no, on/off, 1/0), case-insensitive. */
export function parseBool(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return accept(value);
  if (typeof value === 'string' || typeof value === 'number') {
    const word = String(value).trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return accept(true);
    if (FALSE_WORDS.has(word)) return accept(false);
  }
  return refuse(typeof value === 'string' ? 'InvalidValue' : 'InvalidType', `${show(value)} is not a boolean: use true or false.`);
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const DURATION_PARTS = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
/** Envoy's google.protobuf.Duration limit (about 10000 years), in milliseconds. */
const MAX_DURATION_MS = 315_576_000_000_000;
const DURATION_HELP = 'use seconds or a number with a unit: 30, 30s, 500ms, 1m, 1h (or 1m30s)';

/** A duration in whole milliseconds: a number of seconds, `30`, `30s`, `500ms`, `1m`, `1h`, `1m30s`. */
export function parseDuration(value: unknown): Parsed<number> {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  else if (typeof value === 'string') ms = durationText(value.trim().toLowerCase());
  else return refuse('InvalidType', `must be a duration (${DURATION_HELP}), not ${show(value)}.`);
  if (ms === undefined) return refuse('InvalidValue', `${show(value)} is not a duration: ${DURATION_HELP}.`);
  if (!Number.isInteger(ms)) return refuse('InvalidValue', `${show(value)} is finer than a millisecond.`);
  if (ms > MAX_DURATION_MS) return refuse('OutOfRange', `${show(value)} is longer than Envoy accepts.`);
  return accept(ms);
}

function durationText(text: string): number | undefined {
  const single = DURATION.exec(text);
  if (single) return Math.round(Number(single[1]) * (UNIT_MS[single[2] ?? 's'] ?? 1000) * 1000) / 1000;
  if (text.replace(DURATION_PARTS, '') !== '' || text === '') return undefined;
  let total = 0;
  for (const m of text.matchAll(DURATION_PARTS)) total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
  return Math.round(total * 1000) / 1000;
}

/** Whole seconds (`cookie_ttl`): an integer, or a duration string that is a whole number of seconds. */
export function parseSeconds(value: unknown): Parsed<number> {
  const ms = parseDuration(value);
  if (!ms.ok) return ms;
  return ms.value % 1000 === 0 ? accept(ms.value / 1000) : refuse('InvalidValue', `${show(value)} is not a whole number of seconds.`);
}

const REDIRECT_CODES: Readonly<Record<string, RedirectCode>> = {
  '301': 'MOVED_PERMANENTLY',
  '302': 'FOUND',
  '303': 'SEE_OTHER',
  '307': 'TEMPORARY_REDIRECT',
  '308': 'PERMANENT_REDIRECT',
};
const REDIRECT_NAMES = new Set<string>(Object.values(REDIRECT_CODES));

export function parseRedirectCode(value: unknown): Parsed<RedirectCode> {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return refuse('InvalidType', `must be an HTTP redirect status, not ${show(value)}.`);
  }
  const text = String(value).trim().toUpperCase();
  const code = REDIRECT_CODES[text];
  if (code !== undefined) return accept(code);
  if (REDIRECT_NAMES.has(text)) return accept(text as RedirectCode);
  return refuse('InvalidValue', `${show(value)} is not a redirect status: use 301, 302, 303, 307, 308 or MOVED_PERMANENTLY, FOUND, SEE_OTHER, TEMPORARY_REDIRECT, PERMANENT_REDIRECT.`);
}

/** A regular expression in RE2 syntax, as Envoy's `safe_regex` (google_re2) compiles it. */
export function parseRegex(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be a regular expression, not ${show(value)}.`);
  if (value === '') return refuse('InvalidValue', 'must not be empty.');
  const compiled = compileRe2(value);
  return compiled.ok ? accept(value) : refuse('InvalidRegex', `${show(value)} is not an RE2 regular expression: ${compiled.error}.`);
}

/** A JSON object: already parsed by OpenSVC, or a JSON text. */
export function parseJsonObject(value: unknown): Parsed<Readonly<Record<string, unknown>>> {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value) as unknown;
    } catch (err) {
      return refuse('InvalidJson', `is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refuse('InvalidType', `must be a JSON object ({...}), not ${show(data)}.`);
  }
  return accept(data as Readonly<Record<string, unknown>>);
}

/** A list keyword: an array of strings, or a whitespace-separated string. Empty entries dropped. */
export function parseList(value: unknown): Parsed<string[]> {
  if (typeof value === 'string') return accept(value.split(/\s+/).filter((s) => s !== ''));
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) {
    return accept(value.map((s) => s.trim()).filter((s) => s !== ''));
  }
  return refuse('InvalidType', `must be a list of words, not ${show(value)}.`);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/;

/** An HTTP header (or cookie) name: an RFC 9110 token. */
export function parseToken(value: unknown): Parsed<string> {
  const text = parseString(value);
  if (!text.ok) return text;
  return TOKEN.test(text.value) ? text : refuse('InvalidValue', `${show(value)} is not a valid HTTP header or cookie name.`);
}

/** A path in a URL: starts with `/`, no spaces or control characters. */
export function parseUrlPath(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return refuse('InvalidType', `must be a URL path, not ${show(value)}.`);
  if (!value.startsWith('/')) return refuse('InvalidValue', `${show(value)} must start with "/".`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return refuse('InvalidValue', `${show(value)} must not contain spaces or control characters.`);
  return accept(value);
}

/** An absolute file path (as seen by the Envoy container). */
export function parseAbsolutePath(value: unknown): Parsed<string> {
  const text = parseString(value);
  if (!text.ok) return text;
  return text.value.startsWith('/') ? text : refuse('InvalidValue', `${show(value)} is not an absolute path.`);
}
