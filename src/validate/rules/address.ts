// The well-known string formats of protoc-gen-validate: hostname, ip/ipv4/ipv6, address, email,
// uri, uri_ref, uuid and the HTTP header regexes (strict and non-strict), as PGV defines them.
import { isIP } from 'node:net';

/** PGV's hostname rule; returns the reason it fails, or undefined. */
export function hostnameError(host: string): string | undefined {
  if (host.length > 253) return 'hostname cannot exceed 253 characters';
  const s = host.toLowerCase().replace(/\.$/, '');
  for (const part of s.split('.')) {
    if (part.length === 0 || part.length > 63) return 'hostname labels must be 1 to 63 characters';
    if (part.startsWith('-') || part.endsWith('-')) return 'hostname labels cannot begin or end with a hyphen';
    if (!/^[a-z0-9-]+$/.test(part)) return 'hostname labels may contain only letters, digits and hyphens';
  }
  return undefined;
}

const EMAIL_RE = /^[^@\s<>]+@[^@\s<>]+$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uriError(s: string, relative: boolean): string | undefined {
  try {
    if (relative) new URL(s, 'http://base.invalid/');
    else new URL(s);
    return undefined;
  } catch {
    return relative ? 'must be a URI reference' : 'must be an absolute URI';
  }
}

/** The `well_known` oneof of StringRules (except well_known_regex). */
export function wellKnownError(kind: string, s: string): string | undefined {
  switch (kind) {
    case 'ip':
      return isIP(s) ? undefined : 'must be an IP address';
    case 'ipv4':
      return isIP(s) === 4 ? undefined : 'must be an IPv4 address';
    case 'ipv6':
      return isIP(s) === 6 ? undefined : 'must be an IPv6 address';
    case 'hostname':
      return hostnameError(s);
    case 'address':
      return isIP(s) || !hostnameError(s) ? undefined : 'must be an IP address or a hostname';
    case 'email': {
      const host = s.slice(s.lastIndexOf('@') + 1);
      return EMAIL_RE.test(s) && s.length <= 254 && !hostnameError(host) ? undefined : 'must be an email address';
    }
    case 'uri':
      return uriError(s, false);
    case 'uri_ref':
      return uriError(s, true);
    case 'uuid':
      return UUID_RE.test(s) ? undefined : 'must be a UUID';
    default:
      return undefined;
  }
}

export const WELL_KNOWN_KINDS = ['ip', 'ipv4', 'ipv6', 'hostname', 'address', 'email', 'uri', 'uri_ref', 'uuid'];

// PGV's regexes, character for character (the strict header-name class `+-.` is a range, as in PGV).
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/;
// Control characters are the point of these two classes.
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// eslint-disable-next-line no-control-regex
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

/** `well_known_regex: HTTP_HEADER_NAME | HTTP_HEADER_VALUE` with `strict` (default true). */
export function headerRegex(kind: unknown, strict: boolean): { re: RegExp; what: string } | undefined {
  if (kind === 'HTTP_HEADER_NAME' || kind === 1) {
    return strict
      ? { re: HEADER_NAME_STRICT, what: 'must be a valid HTTP header name (RFC 7230)' }
      : { re: HEADER_LOOSE, what: 'must not contain NUL, CR or LF (HTTP header name)' };
  }
  if (kind === 'HTTP_HEADER_VALUE' || kind === 2) {
    return strict
      ? { re: HEADER_VALUE_STRICT, what: 'must be a valid HTTP header value (RFC 7230)' }
      : { re: HEADER_LOOSE, what: 'must not contain NUL, CR or LF (HTTP header value)' };
  }
  return undefined;
}
