// How many runes of a regex's leading literal RE2::Init takes as its required prefix, read from the
// pattern as RE2's parser builds the regexp before simplification: after one or more `^` (or
// `\A`), the literal characters up to the first that is not a literal or is repeated (`ab{3}`
// parses as `a` then `b{3}`: the prefix is `a`; the program compiled in re2js has already
// expanded the repetition, so it cannot tell). Undefined when the pattern has a top-level
// alternation (RE2 factors it, so the compiled program is the better witness).

const SPECIAL = new Set(['.', '[', ']', '(', ')', '|', '*', '+', '?', '^', '$', '\\']);
const REPEAT = /^\{\d+(,\d*)?\}/;
const SIMPLE_ESCAPES = new Set(['n', 't', 'r', 'f', 'v', 'a']);

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The length of one literal rune at `i` (an escape included), or 0 when none starts there. */
function literalAt(pattern: string, i: number): number {
  const c = pattern[i];
  if (c === undefined) return 0;
  if (c === '{') return REPEAT.test(pattern.slice(i)) ? 0 : 1;
  // [x], [\.], [Kk]: a class RE2's parser turns into a literal
  const cls = /^\[(?:\\[^0-9A-Za-z]|[^\\\]^]|([A-Za-z])([A-Za-z]))\]/.exec(pattern.slice(i));
  if (cls !== null && (cls[1] === undefined || (cls[1] !== cls[2] && cls[1].toLowerCase() === cls[2]?.toLowerCase()))) return cls[0].length;
  if (!SPECIAL.has(c)) return String.fromCodePoint(pattern.codePointAt(i) ?? 0).length;
  if (c !== '\\') return 0;
  const e = pattern[i + 1] ?? '';
  if (e === 'x') {
    const m = /^\\x(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{2})/.exec(pattern.slice(i));
    return m ? m[0].length : 0;
  }
  if (SIMPLE_ESCAPES.has(e) || (e !== '' && !/[0-9A-Za-z]/.test(e))) return 2;
  return 0;
}

function isQuantifier(pattern: string, i: number): boolean {
  const c = pattern[i];
  return c === '*' || c === '+' || c === '?' || (c === '{' && REPEAT.test(pattern.slice(i)));
}

/** Runes of the required prefix (0: none), or undefined when the pattern cannot tell. */
export function requiredPrefixRunes(pattern: string): number | undefined {
  if (hasTopLevelAlternation(pattern)) return undefined;
  let i = 0;
  let fold = false;
  for (let m = /^\(\?([A-Za-z-]+)\)/.exec(pattern); m !== null; m = /^\(\?([A-Za-z-]+)\)/.exec(pattern.slice(i))) {
    const [on = '', off = ''] = (m[1] ?? '').split('-');
    if (on.includes('i')) fold = true;
    if (off.includes('i')) fold = false;
    i += m[0].length;
  }
  let carets = 0;
  for (;;) {
    if (pattern[i] === '^') i += 1;
    else if (pattern.startsWith('\\A', i)) i += 2;
    else break;
    carets++;
  }
  if (carets === 0) return 0;
  // one literal string: its runes share the parse flags (a case pair [Kk] is a folded literal)
  let runes = 0;
  let flags: boolean | undefined;
  for (let len = literalAt(pattern, i); len > 0 && !isQuantifier(pattern, i + len); len = literalAt(pattern, i)) {
    const own = /^\[[A-Za-z]{2}\]/.test(pattern.slice(i, i + len)) || fold;
    if (flags !== undefined && own !== flags) break;
    flags = own;
    runes++;
    i += len;
  }
  return runes;
}
