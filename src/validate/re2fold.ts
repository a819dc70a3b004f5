// Case folding as RE2's parser does it: a case-insensitive rune stands for its CycleFoldRune orbit
// (`k`: K, k and the Kelvin sign), and a letter whose orbit is its two ASCII cases stays a
// literal with the fold flag. Orbits follow JavaScript's case mapping plus the simple folds it
// does not reach (a short table): beyond ASCII this is close to, not exactly, RE2's tables.

const isUpper = (r: number): boolean => r >= 0x41 && r <= 0x5a;
const isLower = (r: number): boolean => r >= 0x61 && r <= 0x7a;

/** The runes a case-insensitive rune stands for (RE2's CycleFoldRune orbit), sorted. */
export function foldOrbit(rune: number): number[] {
  const orbit = new Set<number>([rune]);
  const text = String.fromCodePoint(rune);
  for (const variant of [text.toLowerCase(), text.toUpperCase(), text.toLowerCase().toUpperCase(), text.toUpperCase().toLowerCase()]) {
    const cp = variant.codePointAt(0);
    if (cp !== undefined && String.fromCodePoint(cp) === variant) orbit.add(cp);
  }
  for (const r of [...orbit]) for (const extra of EXTRA_FOLDS.get(r) ?? []) orbit.add(extra);
  return [...orbit].sort((a, b) => a - b);
}

/** Simple case folds that case mapping does not reach (Kelvin sign, long s, ...), by lower case. */
const EXTRA_FOLDS: ReadonlyMap<number, readonly number[]> = new Map([
  [0x6b, [0x212a]], // k: KELVIN SIGN
  [0x73, [0x17f]], // s: LATIN SMALL LETTER LONG S
  [0xe5, [0x212b]], // å: ANGSTROM SIGN
  [0xdf, [0x1e9e]], // ß: LATIN CAPITAL LETTER SHARP S
  [0x3c3, [0x3c2]], // σ: final sigma
  [0x3b2, [0x3d0]],
  [0x3b8, [0x3d1, 0x3f4]],
  [0x3c6, [0x3d5]],
  [0x3c0, [0x3d6]],
  [0x3ba, [0x3f0]],
  [0x3c1, [0x3f1]],
  [0x3b5, [0x3f5]],
  [0x3bc, [0xb5]],
  [0x3b9, [0x345, 0x1fbe]],
  [0x1e61, [0x1e9b]],
]);

/** True when RE2 keeps a case-insensitive rune as a literal: an ASCII letter whose orbit is its two cases. */
export function isFoldLiteral(rune: number): boolean {
  const orbit = foldOrbit(rune);
  return orbit.length === 2 && isUpper(orbit[0] ?? 0) && isLower(orbit[1] ?? 0);
}

/** Runes (sorted) → the ranges a class of them has. */
export function runesToRanges(runes: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of runes) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === r) last[1] = r;
    else out.push([r, r]);
  }
  return out;
}
