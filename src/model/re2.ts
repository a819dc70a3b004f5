// RE2 compilation, remembered per pattern. A route's match_regex is compiled when the model parses
// it and again when src/envoy/ sizes its program against Envoy's limit (re2size.ts), on every
// rebuild of the service; a compile costs a few hundred microseconds, so both share this memo.
import { RE2JS } from 're2js';

export type Re2Compiled = { readonly ok: true; readonly re: RE2JS } | { readonly ok: false; readonly error: string };

/** Patterns kept; the oldest is forgotten beyond this (operators write a bounded set of regexes). */
const MEMO_SIZE = 1024;
const memo = new Map<string, Re2Compiled>();

/** `pattern` compiled by re2js (RE2 syntax), or why it does not compile. */
export function compileRe2(pattern: string): Re2Compiled {
  const hit = memo.get(pattern);
  if (hit !== undefined) return hit;
  let result: Re2Compiled;
  try {
    result = { ok: true, re: RE2JS.compile(pattern) };
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value ?? '');
  memo.set(pattern, result);
  return result;
}
