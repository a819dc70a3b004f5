// RE2's CoalesceWalker (re2/simplify.cc), done on the pattern text: in a concatenation, a repeated
// character (or class, or `.`) followed by the same character repeated, or by the same character
// bare, becomes one repetition (`/+/?` → `/{1,}`, `a*a+` → `a{1,}`, `x+x` → `x{2,}`), as RE2 does
// before it compiles. re2js does not coalesce, and its program would otherwise count the two
// loops. Greediness must agree; a flag group in between stops it. Groups are coalesced inside.

interface Item {
  /** The atom as written, or a whole group / flag group / alternation bar (then never merged). */
  readonly text: string;
  /** As written, quantifier included (kept when nothing merges). */
  readonly raw: string;
  /** A character, escape, class or `.` that repetitions may merge on; its comparison key. */
  readonly atom?: string;
  readonly quant?: { readonly min: number; readonly max: number; readonly lazy: boolean };
}

const QUANT = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})(\??)/;

function quantifier(pattern: string, i: number): { readonly q: NonNullable<Item['quant']>; readonly len: number } | undefined {
  const m = QUANT.exec(pattern.slice(i));
  if (m === null) return undefined;
  const lazy = m[5] === '?';
  if (m[1] === '*') return { q: { min: 0, max: -1, lazy }, len: m[0].length };
  if (m[1] === '+') return { q: { min: 1, max: -1, lazy }, len: m[0].length };
  if (m[1] === '?') return { q: { min: 0, max: 1, lazy }, len: m[0].length };
  const min = Number(m[2]);
  const max = m[3] === undefined ? min : m[4] === '' ? -1 : Number(m[4]);
  return { q: { min, max, lazy }, len: m[0].length };
}

/** Length of the atom or group at `i`, and whether it is an atom. */
function span(pattern: string, i: number): { readonly len: number; readonly atom: boolean } {
  const c = pattern[i] ?? '';
  if (c === '\\') {
    const m = /^\\(?:x\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|[pP]\{[^}]*\}|[pP].|.)/su.exec(pattern.slice(i));
    const text = m?.[0] ?? '\\';
    return { len: text.length, atom: !/^\\[AzbBQE]/.test(text) };
  }
  if (c === '[') {
    let j = i + 1;
    if (pattern[j] === '^') j++;
    if (pattern[j] === ']') j++;
    while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : pattern.startsWith('[:', j) ? Math.max(2, pattern.indexOf(':]', j) + 2 - j) : 1;
    return { len: j + 1 - i, atom: true };
  }
  if (c === '(') {
    let depth = 0;
    for (let j = i; j < pattern.length; j++) {
      if (pattern[j] === '\\') j++;
      else if (pattern[j] === '[') j += span(pattern, j).len - 1;
      else if (pattern[j] === '(') depth++;
      else if (pattern[j] === ')' && --depth === 0) return { len: j + 1 - i, atom: false };
    }
    return { len: pattern.length - i, atom: false };
  }
  if (c === '^' || c === '$' || c === '|') return { len: 1, atom: false };
  return { len: String.fromCodePoint(pattern.codePointAt(i) ?? 0).length, atom: true };
}

function key(atom: string): string {
  if (atom === '.') return '\u0000any';
  return /^\\[^0-9A-Za-z]$/.test(atom) ? atom.slice(1) : atom;
}

function inner(group: string): string {
  const m = /^\((\?(?:P?<[^>]*>|[A-Za-z-]*:)?)?/.exec(group);
  const head = m?.[0] ?? '(';
  if (/^\(\?[A-Za-z-]*\)$/.test(group)) return group;
  return `${head}${coalesceText(group.slice(head.length, -1))})`;
}

function items(pattern: string): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < pattern.length; ) {
    const s = span(pattern, i);
    const text = pattern.slice(i, i + s.len);
    i += s.len;
    const q = quantifier(pattern, i);
    if (q !== undefined) i += q.len;
    const body = s.atom ? text : text.startsWith('(') ? inner(text) : text;
    const raw = `${body}${q === undefined ? '' : pattern.slice(i - q.len, i)}`;
    out.push({ text: body, raw, ...(s.atom && { atom: key(text) }), ...(q !== undefined && { quant: q.q }) });
  }
  return out;
}

function merged(a: Item, b: Item): Item | undefined {
  if (a.atom === undefined || a.quant === undefined || a.atom !== b.atom) return undefined;
  const bq = b.quant ?? { min: 1, max: 1, lazy: a.quant.lazy };
  if (bq.lazy !== a.quant.lazy) return undefined;
  const max = a.quant.max === -1 || bq.max === -1 ? -1 : a.quant.max + bq.max;
  const quant = { min: a.quant.min + bq.min, max, lazy: a.quant.lazy };
  const count = max === -1 ? `{${quant.min},}` : quant.min === max ? `{${max}}` : `{${quant.min},${max}}`;
  return { text: a.text, raw: `${a.text}${count}${quant.lazy ? '?' : ''}`, atom: a.atom, quant };
}

/** The pattern with adjacent repetitions of one atom merged, as RE2 simplifies them. */
export function coalesceText(pattern: string): string {
  const list = items(pattern);
  const out: Item[] = [];
  for (const item of list) {
    const last = out[out.length - 1];
    const m = last === undefined ? undefined : merged(last, item);
    if (m !== undefined) out[out.length - 1] = m;
    else out.push(item);
  }
  return out.map((item) => item.raw).join('');
}
