// Host names, SNI names, virtual-host domains and `Host` values.
import { isIPv4, isIPv6 } from 'node:net';
import { accept, refuse, show, type Parsed } from './problems.js';
import { parseList, parseString } from './keywords.js';

const LABEL = '[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?';
const HOSTNAME = new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}\\.?$`, 'i');

/** A DNS name, optionally with a leading `*.` wildcard (SNI names, redirect hosts). */
export function isHostname(text: string): boolean {
  return text.length <= 253 && HOSTNAME.test(text);
}

/** Envoy virtual-host domains: a host name, `*`, or a wildcard prefix (`*.a.org`, `*-a.org`) or suffix (`a.*`). */
export function isDomain(text: string): boolean {
  if (text === '*') return true;
  if (text.startsWith('*')) return isHostname(`x${text.slice(1)}`);
  if (text.endsWith('*')) return isHostname(`${text.slice(0, -1)}x`);
  return isHostname(text);
}

/** A list of names each accepted by `check`, lower-cased, duplicates dropped. */
export function parseNameList(value: unknown, check: (name: string) => boolean, what: string): Parsed<string[]> {
  const list = parseList(value);
  if (!list.ok) return list;
  const bad = list.value.filter((n) => !check(n));
  if (bad.length > 0) return refuse('InvalidValue', `has ${bad.map((b) => show(b)).join(', ')}, not ${what}.`);
  return accept([...new Set(list.value.map((n) => n.toLowerCase()))]);
}

/** A host for `Host` rewrites and redirects: a DNS name or IP, optionally with `:port`. */
export function parseHost(value: unknown): Parsed<string> {
  const text = parseString(value);
  if (!text.ok) return text;
  const m = /^(\[[0-9a-f:.]+\]|[^:]+)(:\d{1,5})?$/i.exec(text.value);
  const host = m?.[1] ?? '';
  const ok = m !== null && (isHostname(host) || isIPv4(host) || (host.startsWith('[') && isIPv6(host.slice(1, -1))));
  return ok ? text : refuse('InvalidValue', `${show(value)} is not a host name (host or host:port).`);
}
