// `hashpolicy#N` (hashpolicy.envoy): how a route hashes requests for RING_HASH / MAGLEV clusters.
// Exactly one of cookie_name, header_header_name (alias header_name) or connection_source_ip.
import { parseBool, parseSeconds, parseString, parseToken, parseUrlPath } from './keywords.js';
import { memo, reader, type Scope } from './scope.js';
import type { HashPolicy } from './types.js';

function sourceIp(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  const b = parseBool(value);
  // Any other non-empty string counts as "on", as the keyword is a free string in OpenSVC.
  return b.ok ? b.value : typeof value === 'string' ? true : undefined;
}

export function parseHashPolicy(scope: Scope, rid: string): HashPolicy | undefined {
  return memo(scope, rid, () => {
    const res = scope.svc.sections.get(rid);
    if (res === undefined) return undefined;
    const r = reader(scope, rid, res);
    const terminal = r.get('terminal', parseBool) ?? false;
    const cookie = r.get('cookie_name', parseToken);
    const cookiePath = r.get('cookie_path', parseUrlPath);
    const ttl = r.get('cookie_ttl', parseSeconds);
    const headerKw = r.raw('header_header_name') !== undefined ? 'header_header_name' : 'header_name';
    const header = r.get(headerKw, parseToken);
    const srcRaw = r.raw('connection_source_ip');
    const src = sourceIp(srcRaw);
    if (srcRaw !== undefined && src === undefined) r.get('connection_source_ip', parseString);
    const set = [cookie && 'cookie_name', header && headerKw, src && 'connection_source_ip'].filter((k): k is string => typeof k === 'string');
    if (set.length === 0 && r.clean()) {
      r.report('cookie_name', 'MissingKeyword', 'a hash policy needs one of cookie_name, header_header_name or connection_source_ip.');
    } else if (set.length > 1) {
      r.report(set[1] ?? '', 'InvalidValue', `${set.join(' and ')} are both set; a hash policy hashes on one thing: keep one of them (use several hash policies to combine).`);
    }
    if (cookie === undefined && (cookiePath !== undefined || ttl !== undefined)) {
      const kw = cookiePath !== undefined ? 'cookie_path' : 'cookie_ttl';
      r.report(kw, 'InvalidValue', `${kw} only applies to a cookie hash policy, and cookie_name is not set.`, r.raw(kw));
    }
    if (!r.clean()) return undefined;
    if (cookie !== undefined) {
      return { rid, kind: 'cookie', name: cookie, ...(cookiePath !== undefined && { path: cookiePath }), ...(ttl !== undefined && { ttlSeconds: ttl }), terminal };
    }
    if (header !== undefined) return { rid, kind: 'header', headerName: header, terminal };
    return { rid, kind: 'source_ip', terminal };
  });
}
